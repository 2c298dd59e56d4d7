"""Online statement confirmation (对账确认, issue 16 point 2).

Staff make a link for the debtor's contact (``create_link``): a random token of which only
the SHA-256 is stored, valid until it expires and for one answer. The contact opens it without
an account and sees the statement (``statement_of``: the case's one amount owed and its items,
the stored figures of ``balances``), then confirms or disputes it (``submit``). Either answer
is kept as evidence through the evidence upload (a PDF of what was shown plus the submission
record); a confirmation is also a ledger entry of legal effect "acknowledgment" naming the
receivables shown, which restarts limitation for them (RULES.md s.2, ``deadline_facts``); a
dispute opens a dispute on each receivable the contact ticked, for the amount they gave."""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.errors import DomainError, NotFound, ValidationFailed
from legalcase.domain.money import ZERO, format_money
from legalcase.domain.values import (
    Channel,
    ConfirmationDecision,
    DisputeReason,
    EvidenceKind,
    LegalEffect,
    OriginalOrCopy,
    Outcome,
)
from legalcase.models import Case, Confirmation, Contact, User
from legalcase.models.base import utcnow
from storage import Storage

from .clock import SHANGHAI
from .common import begin_case_write
from .confirmation_statement import (  # noqa: F401 - statement_of and Item re-exported
    Item,
    Statement,
    statement_of,
    statement_pdf_of,
)
from .disputes import open_dispute
from .evidence.upload import add_evidence
from .ledger import record_contact

log = logging.getLogger(__name__)
MAX_DAYS = 60
DEFAULT_DAYS = 14


class LinkGone(DomainError):
    """A link that was used or has expired: a clear page, not a bare 404."""

    status = 410


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- making the link ---------------------------------------------------------------


def create_link(
    session: Session, actor: User, case: Case, data: dict, now: datetime | None = None
) -> tuple[Confirmation, str]:
    """A new link for ``case`` (``contact_id``: one of the debtor's contacts, optional;
    ``expires_in_days``: 1 to 60, default 14). Returns the row and the token, which is shown
    once (in the URL) and never stored."""
    begin_case_write(session, actor, case)
    now = now or utcnow()
    days = data.get("expires_in_days") or DEFAULT_DAYS
    errors = {}
    if not 1 <= days <= MAX_DAYS:
        errors["expires_in_days"] = f"有效天数须在 1 到 {MAX_DAYS} 天之间"
    contact = None
    if data.get("contact_id"):
        contact = session.get(Contact, data["contact_id"])
        if contact is None or contact.party_id != case.debtor_id:
            errors["contact_id"] = "联系人不属于本案债务人"
    if case.outstanding_amount <= ZERO:
        errors["case"] = "本案没有尚欠金额，无需对账"
    if errors:
        raise ValidationFailed(errors)
    token = secrets.token_urlsafe(32)
    conf = Confirmation(
        case_id=case.id,
        contact_id=contact.id if contact else None,
        token_hash=token_hash(token),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(conf)
    session.flush()
    return conf, token


def link_email(conf: Confirmation, case: Case, url: str, sender: str) -> EmailMessage:
    """The e-mail that takes the link to the contact."""
    if conf.contact is None or not conf.contact.email:
        raise ValidationFailed({"contact_id": "该联系人没有电子邮箱，无法发送对账链接"})
    msg = EmailMessage()
    msg["Subject"] = f"{case.creditor.name} 对账确认：请核对欠款明细"
    msg["From"] = sender
    msg["To"] = conf.contact.email
    expires = conf.expires_at.astimezone(SHANGHAI)
    msg.set_content(
        f"{conf.contact.name}：\n\n"
        f"{case.creditor.name} 请贵方核对与 {case.debtor.name} 的往来欠款，"
        f"截至目前尚欠 {format_money(case.outstanding_amount, case.currency)}。\n"
        f"请打开以下链接查看明细并确认或提出异议（仅可提交一次，{expires:%Y-%m-%d %H:%M} 前有效）：\n\n"
        f"{url}\n\n此邮件由系统发送。"
    )
    return msg


def mail_transport(cfg: Mapping):
    """The SMTP server of the settings (the alerts' ``SMTP_*``), or the outbox folder."""
    from .alerts import FileTransport, SmtpTransport

    if cfg.get("SMTP_HOST"):
        return SmtpTransport(
            cfg["SMTP_HOST"],
            cfg["SMTP_PORT"],
            cfg["SMTP_SECURITY"],
            cfg["SMTP_USER"] or None,
            cfg["SMTP_PASSWORD"] or None,
        )
    return FileTransport(cfg["OUTBOX"])


def send_link(conf: Confirmation, case: Case, url: str, cfg: Mapping) -> str | None:
    """E-mail the link to the contact; returns the address, recorded on the row. A contact
    without an address is refused; a mail server that fails leaves the link standing (its
    URL is shown to the user to pass on) and returns None."""
    msg = link_email(conf, case, url, cfg["MAIL_FROM"])
    try:
        with mail_transport(cfg) as t:
            t.send(msg)
    except (smtplib.SMTPException, OSError, ValueError):
        log.exception("the online statement link of case %s was not mailed", case.id)
        return None
    conf.emailed_to = msg["To"]
    conf.emailed_at = utcnow()
    return conf.emailed_to


QR_DAYS = 30  # a printed statement travels by post: its link lasts longer


def qr_png(url: str) -> bytes:
    """The URL as a QR code (PNG), for the printed statement (segno: pure Python)."""
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def statement_qr(
    session: Session, actor: User, case: Case, config: Mapping, context: dict
) -> dict[str, tuple[bytes, int]]:
    """For the 对账确认函: a new link as a QR code (the ``confirm_qr`` image, 30 mm) and
    ``confirm_url``; nothing when the public address (LEGALCASE_PUBLIC_URL) is not set or
    nothing is owed."""
    base = (config.get("PUBLIC_URL") or "").rstrip("/")
    if not base or case.outstanding_amount <= ZERO:
        return {}
    _conf, token = create_link(session, actor, case, {"expires_in_days": QR_DAYS})
    context["confirm_url"] = f"{base}/confirm/{token}"
    return {"confirm_qr": (qr_png(context["confirm_url"]), 30)}


# ---- the public side ---------------------------------------------------------------


def find_link(session: Session, token: str, now: datetime | None = None) -> Confirmation:
    """The link of ``token``: unknown, 404; used or expired, 410 with the reason."""
    conf = session.scalar(select(Confirmation).where(Confirmation.token_hash == token_hash(token)))
    if conf is None:
        raise NotFound("对账链接")
    if conf.used_at is not None:
        raise LinkGone("link_used", "该对账链接已使用，不能再次提交。如需重新对账，请联系债权人。")
    if (now or utcnow()) >= conf.expires_at:
        raise LinkGone("link_expired", "该对账链接已过期。如需对账，请联系债权人重新发送。")
    return conf


@dataclass(frozen=True)
class Submission:
    decision: str
    name: str
    reason: str
    ip_address: str | None
    user_agent: str | None
    page_sha256: str
    # the invoices disputed: (receivable id, the amount disputed as typed, "" for all it owes)
    disputed: tuple[tuple[int, str], ...] = ()


def disputed_amounts(statement: Statement, disputed) -> tuple[dict[int, Decimal], dict]:
    """The receivables ticked on the page and the amount disputed of each (default what it
    still owes, never more), or the errors beside the fields."""
    items = {i.receivable_id: i for i in statement.items}
    out: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for rid, raw in disputed:
        item = items.get(rid)
        if item is None or item.disputed:
            errors["dispute_ids"] = "所选发票不在本对账单中或已有处理中的异议"
            continue
        raw = (raw or "").strip().replace(",", "")
        if not raw:
            out[rid] = item.left
            continue
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount <= ZERO:
            errors[f"amount_{rid}"] = "异议金额须为大于零的数字"
        elif amount > item.left or amount != amount.quantize(Decimal("0.01")):
            errors[f"amount_{rid}"] = (
                f"异议金额不能超过该发票尚欠的 {format_money(item.left, statement.currency)}，"
                "且最多两位小数"
            )
        else:
            out[rid] = amount
    return out, errors


def check_submission(data: dict, statement: Statement | None = None) -> None:
    errors = {}
    if data.get("decision") not in ConfirmationDecision.labels():
        errors["decision"] = "请选择“确认无误”或“有异议”"
    if not (data.get("name") or "").strip():
        errors["name"] = "请填写确认人姓名"
    if (
        data.get("decision") == ConfirmationDecision.DISPUTE
        and not (data.get("reason") or "").strip()
    ):
        errors["reason"] = "提出异议时请说明原因"
    if len(data.get("name") or "") > 100:
        errors["name"] = "姓名过长"
    if len(data.get("reason") or "") > 2000:
        errors["reason"] = "说明不超过 2000 字"
    if data.get("decision") == ConfirmationDecision.DISPUTE:
        if not data.get("disputed"):
            errors["dispute_ids"] = "请勾选您有异议的发票（至少一张）"
        elif statement is not None:
            errors.update(disputed_amounts(statement, data["disputed"])[1])
    if errors:
        raise ValidationFailed(errors)


def submit(
    session: Session,
    storage: Storage,
    conf: Confirmation,
    statement: Statement,
    sub: Submission,
    *,
    tmp_dir: str | Path,
    max_bytes: int,
    now: datetime | None = None,
) -> Confirmation:
    """Record the contact's answer once: evidence (PDF), the ledger entry, disputes."""
    case = session.get(Case, conf.case_id)
    actor = session.get(User, conf.created_by_id)  # the staff member who issued the link
    begin_case_write(session, actor, case)
    session.refresh(conf)
    if conf.used_at is not None:  # a second submission that waited for the first
        raise LinkGone("link_used", "该对账链接已使用，不能再次提交。")
    now = now or utcnow()
    check_submission(sub.__dict__, statement)
    amounts = disputed_amounts(statement, sub.disputed)[0]
    confirm = sub.decision == ConfirmationDecision.CONFIRM
    who = sub.name.strip()
    summary = (
        f"{who} 通过在线对账链接确认欠款 {format_money(statement.total, statement.currency)}"
        if confirm
        else f"{who} 通过在线对账链接提出异议：{sub.reason.strip()}"
    )
    entry = record_contact(
        session,
        actor,
        case,
        {
            "contacted_at": now,
            "channel": Channel.ONLINE.value,  # a web click: no e-mail was sent
            "contact_id": conf.contact_id,
            "person_reached": who[:100],
            "summary": summary,
            "outcome": (Outcome.REACHED if confirm else Outcome.DISPUTED).value,
            "non_payment_reason": None if confirm else "dispute",
            "legal_effect": (LegalEffect.ACKNOWLEDGMENT if confirm else LegalEffect.NONE).value,
            "receivable_ids": statement.receivable_ids if confirm else [],
        },
        now=now,
    )
    pdf = statement_pdf_of(statement, sub, now, conf.id)
    item = add_evidence(
        session,
        storage,
        actor,
        case,
        io.BytesIO(pdf),
        f"online-statement-{conf.id}.pdf",
        {
            # a web click, not a signed statement (the checklist takes it as an acknowledgment)
            "kind": (EvidenceKind.ONLINE_CONFIRMATION if confirm else EvidenceKind.OTHER).value,
            "title": f"在线对账{'确认' if confirm else '异议'}（{who}，{now.astimezone(SHANGHAI):%Y-%m-%d}）",
            "source": "债务人在线对账",
            "purpose": "证明债务人确认所列欠款（同意履行，诉讼时效重新计算）"
            if confirm
            else "证明债务人对所列欠款提出的异议",
            "document_date": now.astimezone(SHANGHAI).date(),
            "original_or_copy": OriginalOrCopy.ELECTRONIC.value,
            "receivable_ids": statement.receivable_ids,
            "ledger_entry_ids": [entry.id],
        },
        tmp_dir=tmp_dir,
        max_bytes=max_bytes,
    )
    conf.used_at = now
    conf.decision = sub.decision
    conf.signer_name = who[:100]
    conf.reason = (sub.reason or "").strip() or None
    conf.ip_address = (sub.ip_address or "")[:64] or None
    conf.user_agent = (sub.user_agent or "")[:400] or None
    conf.page_sha256 = sub.page_sha256
    conf.amount_owed = statement.total
    conf.receivable_ids = statement.receivable_ids
    conf.evidence_id = item.id
    conf.ledger_entry_id = entry.id
    session.flush()
    if not confirm:  # only the invoices the debtor ticked, for the amount they gave
        for i in statement.items:
            if i.receivable_id not in amounts:
                continue
            d = open_dispute(
                session,
                actor,
                case,
                {
                    "receivable_id": i.receivable_id,
                    "reason": DisputeReason.OTHER.value,
                    "amount": amounts[i.receivable_id],
                    "description": f"{who}（在线对账）：{sub.reason.strip()}",
                    "evidence_ids": [item.id],
                },
                confirmation_id=conf.id,
                now=now,
            )
            d.evidence = [item]
    session.flush()
    return conf


def case_links(session: Session, case_id: int) -> list[Confirmation]:
    return list(
        session.scalars(
            select(Confirmation)
            .where(Confirmation.case_id == case_id)
            .options(joinedload(Confirmation.contact))
            .order_by(Confirmation.created_at.desc(), Confirmation.id.desc())
        )
    )
