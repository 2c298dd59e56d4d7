"""The daily alert digest: each owner gets one e-mail with the deadlines that crossed a
threshold, promises due or broken; each (item, threshold, recipient) is sent exactly once, and
a passed deadline nobody has marked handled is in every day's digest until it is."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from itertools import count
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, load_only

from legalcase.domain.alerts import crossed, parse_thresholds
from legalcase.domain.case_deadlines import KIND_LABELS
from legalcase.domain.money import format_money
from legalcase.models import AlertDelivery, Case, CaseDeadline, Promise, Task, User
from legalcase.models.base import utcnow

from .clock import SHANGHAI
from .next_deadline import acts_on, acts_on_expr, is_open_expr
from .scope import may_see_creditor


@dataclass
class Item:
    keys: list[str]
    case: Case
    line: str
    when: date
    deadline: CaseDeadline | None = None


@dataclass
class Digest:
    user: User
    items: list[Item] = field(default_factory=list)


def _cases(session: Session, ids: set[int]) -> dict[int, Case]:
    """The cases of ``ids`` by id, a few hundred per SELECT (not one SELECT per promise),
    with the columns an alert reads."""
    out: dict[int, Case] = {}
    ordered = sorted(ids)
    columns = load_only(Case.id, Case.title, Case.owner_id, Case.creditor_id)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        stmt = select(Case).where(Case.id.in_(chunk)).options(columns)
        out.update((c.id, c) for c in session.scalars(stmt))
    return out


def collect(session: Session, today: date) -> list[Digest]:
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(
                User.is_active.is_(True), User.is_alerts_enabled.is_(True), User.email.is_not(None)
            )
        )
    }
    if not users:
        return []
    sent = {
        (d.user_id, d.alert_key)
        for d in session.scalars(select(AlertDelivery).where(AlertDelivery.user_id.in_(users)))
    }
    prefs = {uid: parse_thresholds(u.alert_thresholds) for uid, u in users.items()}
    horizon = max((max(p[0], default=0) for p in prefs.values()), default=0)
    digests: dict[int, Digest] = {}

    def add(uid: int, keys: list[str], item: Item) -> None:
        if not may_see_creditor(users[uid], item.case.creditor_id):
            return  # limited to other creditors (services.scope): not a word about this case
        new = [k for k in keys if (uid, k) not in sent]
        if new:
            item.keys = new
            digests.setdefault(uid, Digest(users[uid])).items.append(item)

    # Open deadlines (running, or passed and unhandled) by the day they act on: a provisional
    # one on the earlier of its dates. A passed one is in every daily digest until handled.
    day = acts_on_expr()
    rows = session.scalars(
        select(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(is_open_expr(), day <= today + timedelta(days=horizon), Case.owner_id.in_(users))
        .options(joinedload(CaseDeadline.case).joinedload(Case.debtor))
        .order_by(day, CaseDeadline.id)
    ).unique()
    for d in rows:
        uid = d.case.owner_id
        days, overdue = prefs[uid]
        when = acts_on(d)
        left = (when - today).days
        keys = [f"deadline:{d.id}:{k}" for k in crossed(left, days, overdue)]
        if left < 0:
            keys.append(f"deadline:{d.id}:passed:{today.isoformat()}")
        state = f"剩 {left} 天" if left >= 0 else f"已过 {-left} 天，尚未标记处理"
        provisional = "（暂定）" if d.is_provisional else ""
        line = f"{KIND_LABELS[d.kind]} {when}{provisional}（{state}）— {d.case.title}：{d.basis}"
        add(uid, keys, Item(keys, d.case, line, when, d))
    promises = session.execute(  # plain rows: the columns an alert reads
        select(Promise.id, Promise.case_id, Promise.due_date, Promise.status, Promise.amount)
        .join(Case, Case.id == Promise.case_id)
        .where(
            Case.owner_id.in_(users),
            or_(Promise.status == "open", Promise.status.in_(("broken", "partial"))),
            Promise.due_date >= today - timedelta(days=30),
            Promise.due_date <= today + timedelta(days=1),
        )
    )
    promises = promises.all()
    cases = _cases(session, {p.case_id for p in promises})
    for p in promises:
        case = cases[p.case_id]
        uid = case.owner_id
        if p.due_date < today:
            key, text = (
                f"promise:{p.id}:broken",
                f"还款承诺{'部分兑现' if p.status == 'partial' else '已违约'}：{case.title} "
                f"承诺 {p.due_date} 前付 {format_money(p.amount)}",
            )
        else:
            key, text = (
                f"promise:{p.id}:due",
                f"还款承诺即将到期：{case.title} 承诺 {p.due_date} 前付 {format_money(p.amount)}",
            )
        add(uid, [key], Item([key], case, text, p.due_date))
    tasks = session.scalars(
        select(Task)
        .where(
            Task.is_done.is_(False),
            Task.assignee_id.in_(users),
            Task.due_date <= today + timedelta(days=1),
        )
        .order_by(Task.due_date)
    )
    tasks = tasks.all()
    cases = _cases(session, {t.case_id for t in tasks})
    for t in tasks:
        case = cases[t.case_id]
        state = (
            "今天到期"
            if t.due_date == today
            else ("明天到期" if t.due_date > today else f"已逾期（{t.due_date}）")
        )
        key = f"task:{t.id}:{'overdue' if t.due_date < today else 'due'}"
        add(
            t.assignee_id,
            [key],
            Item([key], case, f"任务{state}：{t.title} — {case.title}（{t.reason}）", t.due_date),
        )
    return list(digests.values())


def _ics(d: CaseDeadline) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//legalcase//deadlines//ZH")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"deadline-{d.id}@legalcase")
    event.add("summary", f"{KIND_LABELS[d.kind]}：{d.case.title}")
    day = acts_on(d)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("description", d.basis)
    event.add("dtstamp", datetime.combine(day, time(), tzinfo=SHANGHAI))
    cal.add_component(event)
    return cal.to_ical()


def compose(digest: Digest, sender: str, today: date) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"【法务催收】{today} 到期提醒：{len(digest.items)} 项"
    msg["From"] = sender
    msg["To"] = validate_email(digest.user.email or "", check_deliverability=False).normalized
    msg["Message-ID"] = make_msgid(domain="legalcase")
    lines = [f"{digest.user.display_name}，您好：", "", "以下事项需要处理：", ""]
    lines += [f"{n}. {item.line}" for n, item in enumerate(digest.items, start=1)]
    msg.set_content("\n".join(lines) + "\n")
    html_items = "".join(f"<li>{_html(item.line)}</li>" for item in digest.items)
    msg.add_alternative(
        f"<p>{_html(digest.user.display_name)}，您好：</p><p>以下事项需要处理：</p><ol>{html_items}</ol>",
        subtype="html",
    )
    for item in digest.items:
        if item.deadline is not None:
            msg.add_attachment(
                _ics(item.deadline),
                maintype="text",
                subtype="calendar",
                filename=f"deadline-{item.deadline.id}.ics",
            )
    return msg


def _html(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        security: str = "none",
        user: str | None = None,
        password: str | None = None,
        timeout: float = 20,
    ) -> None:
        self.host, self.port, self.security, self.user, self.password, self.timeout = (
            host,
            port,
            security,
            user,
            password,
            timeout,
        )
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self):
        if self.security == "ssl":
            self._smtp = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                self._smtp.starttls(context=ssl.create_default_context())
        if self.user:
            self._smtp.login(self.user, self.password or "")
        return self

    def send(self, msg: EmailMessage) -> None:
        self._smtp.send_message(msg)

    def __exit__(self, *exc) -> None:
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass


class FileTransport:
    """Without SMTP settings the digests are written to files (the command says where), named
    by time and a counter only: nothing a user typed goes into a file name."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._seq = count(1)

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, msg: EmailMessage) -> None:
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{next(self._seq):05d}.eml"
        (self.directory / name).write_bytes(bytes(msg))

    def __exit__(self, *exc) -> None:
        return None


@dataclass
class Report:
    """``error``: the server failed and the run stopped, or some digests were skipped
    (``skipped`` says whose and why); either way what was not sent is sent by the next run."""

    sent: int = 0
    items: int = 0
    error: str | None = None
    skipped: list[str] = field(default_factory=list)


def _refusal(exc: Exception) -> str | None:
    """Why the digest of one recipient failed, or None when the server failed for everyone."""
    if isinstance(exc, (EmailNotValidError, ValueError)):
        return "邮箱地址无效，请本人在“提醒设置”中改正"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        if any(code == 421 for code, _ in exc.recipients.values()):
            return None  # the server is closing the connection
        codes = "、".join(
            f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for code, msg in exc.recipients.values()
        )
        return f"邮件服务器拒收该地址（{codes}）"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "邮件服务器不支持该地址（需要 SMTPUTF8）"
    if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code != 421:
        return f"邮件服务器拒收该邮件（{exc.smtp_code}）"
    return None


def send_alerts(
    session: Session,
    transport,
    sender: str,
    today: date,
    checkpoint: Callable[[], None] = lambda: None,
) -> Report:
    """One digest per user; ``checkpoint`` (the caller's commit) records a user's deliveries
    right after the server took the mail. A digest refused for its recipient (a bad stored
    address, a mailbox the server refuses) is reported and skipped; a failure of the server
    itself (connection lost, sender refused) stops the run."""
    report = Report()
    digests = collect(session, today)
    if not digests:
        return report
    try:
        with transport:
            for digest in digests:
                try:
                    transport.send(compose(digest, sender, today))
                except (EmailNotValidError, ValueError, smtplib.SMTPException) as exc:
                    reason = _refusal(exc)
                    if reason is None:
                        raise
                    user = digest.user
                    report.skipped.append(f"用户 #{user.id}（{user.username}）：{reason}")
                    continue
                now = utcnow()
                for item in digest.items:
                    for key in item.keys:
                        session.add(
                            AlertDelivery(user_id=digest.user.id, alert_key=key, sent_at=now)
                        )
                checkpoint()
                report.sent += 1
                report.items += len(digest.items)
    except (smtplib.SMTPException, OSError) as exc:  # nothing of this digest was added yet
        report.error = f"邮件服务器出错：{type(exc).__name__}: {exc}"
    if report.skipped and report.error is None:
        report.error = f"{len(report.skipped)} 份提醒未发送：" + "；".join(report.skipped)
    return report
