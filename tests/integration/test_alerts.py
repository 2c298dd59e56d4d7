"""Alert digests against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import func, select

from legalcase.cli import main
from legalcase.domain.alerts import crossed, parse_thresholds
from legalcase.models import AlertDelivery, User
from legalcase.services import alerts
from tests import factories as F

TODAY = date(2026, 11, 24)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refused: set[str] = set()  # mailboxes this server refuses (550 at RCPT)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """An SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.messages = self.inbox.messages
        self.port = _port()
        self.controller = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = Server()
    yield server
    server.stop()


def test_thresholds():
    days, overdue = parse_thresholds("90,30,7,1,overdue")
    assert crossed(5, days, overdue) == ["t90", "t30", "t7"]
    assert crossed(-2, days, overdue) == ["t90", "t30", "t7", "t1", "overdue"]
    assert crossed(120, days, overdue) == []


def _owner_with_deadline(session, name, due_offset_days: int):
    from datetime import timedelta

    from legalcase.models import CaseDeadline
    from legalcase.models.base import utcnow

    user = F.user(session, "collector", username=name, name=name)
    user.email = f"{name}@example.cn"
    session.commit()
    admin = session.scalar(select(User).where(User.role == "admin")) or F.user(session)
    case = F.case(session, admin, owner=user, title=f"{name}的案件")
    session.add(
        CaseDeadline(
            case_id=case.id,
            kind="limitation",
            source_key="receivable:0",
            due_date=TODAY + timedelta(days=due_offset_days),
            unadjusted_date=None,
            is_provisional=False,
            status="running",
            basis="民法典第188条",
            computed_at=utcnow(),
        )
    )
    session.commit()
    return user, case


def _transport(smtp):
    return alerts.SmtpTransport("127.0.0.1", smtp.port)


def test_digest_arrives_once_with_its_calendar_entry(session, smtp):
    _owner_with_deadline(session, "zhang", 5)
    _owner_with_deadline(session, "li", 200)  # too far away for any threshold
    report = alerts.send_alerts(
        session, _transport(smtp), "legal@example.cn", TODAY, session.commit
    )
    assert (report.sent, report.error) == (1, None)
    (msg,) = smtp.messages
    assert msg["To"] == "zhang@example.cn" and "到期提醒" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert "诉讼时效 2026-11-29（剩 5 天）" in body and "zhang的案件" in body
    assert msg.get_body(("html",)) is not None
    (ics,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert (
        b"DTSTART;VALUE=DATE:20261129" in ics.get_content().encode()
        or "20261129" in ics.get_content()
    )
    # the three crossed thresholds are recorded, so a second run sends nothing
    assert session.scalar(select(func.count()).select_from(AlertDelivery)) == 3
    assert (
        alerts.send_alerts(
            session, _transport(smtp), "legal@example.cn", TODAY, session.commit
        ).sent
        == 0
    )
    assert len(smtp.messages) == 1
    # when the 1-day threshold is crossed the deadline is reported again, once
    assert (
        alerts.send_alerts(session, _transport(smtp), "legal@example.cn", date(2026, 11, 28)).sent
        == 1
    )


def test_server_down_then_back_sends_exactly_what_was_missed(session, smtp):
    _owner_with_deadline(session, "wang", 3)
    _owner_with_deadline(session, "zhao", 20)
    smtp.stop()
    report = alerts.send_alerts(
        session, _transport(smtp), "legal@example.cn", TODAY, session.commit
    )
    assert report.sent == 0 and "邮件服务器出错" in report.error
    assert session.scalar(select(func.count()).select_from(AlertDelivery)) == 0
    smtp.start()
    report = alerts.send_alerts(
        session, _transport(smtp), "legal@example.cn", TODAY, session.commit
    )
    assert report.sent == 2 and report.error is None
    assert sorted(m["To"] for m in smtp.messages) == ["wang@example.cn", "zhao@example.cn"]


def test_a_run_killed_midway_is_finished_by_the_next_without_duplicates(session, smtp):
    _owner_with_deadline(session, "a1", 3)
    _owner_with_deadline(session, "b2", 4)
    real = alerts.SmtpTransport

    class Killed(real):
        sent = 0

        def send(self, msg):
            if Killed.sent == 1:
                raise KeyboardInterrupt  # the process dies after the first digest
            super().send(msg)
            Killed.sent += 1

    with pytest.raises(KeyboardInterrupt):
        alerts.send_alerts(
            session, Killed("127.0.0.1", smtp.port), "legal@example.cn", TODAY, session.commit
        )
    session.rollback()
    assert len(smtp.messages) == 1
    alerts.send_alerts(session, _transport(smtp), "legal@example.cn", TODAY, session.commit)
    assert sorted(m["To"] for m in smtp.messages) == ["a1@example.cn", "b2@example.cn"]


def test_the_command_reports_a_down_server_and_writes_files_without_smtp(
    app, session, smtp, tmp_path, monkeypatch, database_url
):
    _owner_with_deadline(session, "cli", 2)
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "inst"))
    runner = CliRunner()
    smtp.stop()
    monkeypatch.setenv("LEGALCASE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGALCASE_SMTP_PORT", str(smtp.port))
    r = runner.invoke(main, ["alerts", "send", "--date", "2026-11-24"])
    assert r.exit_code == 1 and "邮件服务器出错" in r.output
    monkeypatch.delenv("LEGALCASE_SMTP_HOST")
    r = runner.invoke(main, ["alerts", "send", "--date", "2026-11-24"])
    assert r.exit_code == 0 and "未配置 SMTP" in r.output
    assert len(list((tmp_path / "inst" / "outbox").glob("*.eml"))) == 1


def test_users_choose_their_alerts(client, session):
    from tests.web.test_pages import login

    user = F.user(session, "collector", username="pref", name="偏好")
    login(client, user)
    r = client.post("/settings/alerts", data={"enabled": "1", "email": ""})
    assert r.status_code == 422 and "需要填写邮箱" in r.data.decode()
    client.post(
        "/settings/alerts",
        data={"enabled": "1", "email": "pref@example.cn", "thresholds": ["7", "overdue"]},
    )
    session.expire_all()
    assert session.get(User, user.id).alert_thresholds == "7,overdue"
    assert session.get(User, user.id).email == "pref@example.cn"


def test_tasks_due_are_in_the_digest(session, smtp):
    from datetime import timedelta

    from legalcase.services.ladder import run_ladder

    user, case = _owner_with_deadline(session, "task", 400)
    F.receivable(
        session, user, case, "T-1", "100", TODAY - timedelta(days=80), TODAY - timedelta(days=35)
    )
    run_ladder(
        session, TODAY - timedelta(days=2)
    )  # the 30-day task, due in 3 days from then = tomorrow
    alerts.send_alerts(session, _transport(smtp), "legal@example.cn", TODAY, session.commit)
    (msg,) = smtp.messages
    assert "任务明天到期：逾期30天：提醒业务负责人跟进" in msg.get_body(("plain",)).get_content()


def _delivered_to(session) -> set[str]:
    session.rollback()
    return set(session.scalars(select(User.email).join(AlertDelivery)))


def test_a_refused_recipient_is_skipped_and_the_others_get_their_digests(session, smtp):
    for name in ("an", "bo", "cai"):
        _owner_with_deadline(session, name, 3)
    smtp.inbox.refused.add("bo@example.cn")
    report = alerts.send_alerts(
        session, _transport(smtp), "legal@example.cn", TODAY, session.commit
    )
    assert (report.sent, len(report.skipped)) == (2, 1)
    assert "（bo）：邮件服务器拒收该地址（550 5.1.1 mailbox unavailable）" in report.skipped[0]
    assert "1 份提醒未发送" in report.error
    assert sorted(m["To"] for m in smtp.messages) == ["an@example.cn", "cai@example.cn"]
    assert _delivered_to(session) == {"an@example.cn", "cai@example.cn"}
    # once the mailbox accepts mail again, the next run sends only the missed digest
    smtp.inbox.refused.clear()
    report = alerts.send_alerts(
        session, _transport(smtp), "legal@example.cn", TODAY, session.commit
    )
    assert (report.sent, report.skipped, report.error) == (1, [], None)
    assert [m["To"] for m in smtp.messages][2:] == ["bo@example.cn"]


def test_a_bad_stored_address_is_skipped_and_never_reaches_a_header(session, smtp):
    for name in ("du", "fan"):
        _owner_with_deadline(session, name, 3)
    bad = session.scalar(select(User).where(User.username == "du"))
    bad.email = "du@example.cn\r\nBcc: spy@evil.example"  # stored before addresses were checked
    session.commit()
    report = alerts.send_alerts(
        session, _transport(smtp), "legal@example.cn", TODAY, session.commit
    )
    assert report.sent == 1 and "（du）：邮箱地址无效" in report.skipped[0]
    assert [m["To"] for m in smtp.messages] == ["fan@example.cn"]
    assert all(m["Bcc"] is None for m in smtp.messages)


def test_a_lost_connection_stops_the_run(session, smtp):
    for name in ("ge", "hu", "jin"):
        _owner_with_deadline(session, name, 3)
    real = alerts.SmtpTransport

    class Drops(real):
        def send(self, msg):
            if smtp.messages:
                self._smtp.close()  # the connection is gone after the first digest
            super().send(msg)

    report = alerts.send_alerts(
        session, Drops("127.0.0.1", smtp.port), "legal@example.cn", TODAY, session.commit
    )
    assert report.sent == 1 and "SMTPServerDisconnected" in report.error
    assert report.skipped == [] and len(smtp.messages) == 1


def test_digest_files_are_named_by_time_and_number_only(tmp_path):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["To"] = "../../../tmp/evil@example.cn"
    msg.set_content("x")
    with alerts.FileTransport(tmp_path / "outbox") as files:
        files.send(msg)
        files.send(msg)
    names = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert len(names) == 2 and all(re.fullmatch(r"\d{8}T\d{12}-\d{5}\.eml", n) for n in names)


@pytest.mark.parametrize(
    "address", ["not-an-address", "a@b", "zhang@example.cn\nBcc: spy@evil.example", "a@@b.cn"]
)
def test_an_alert_address_is_checked_when_saved(client, session, address):
    from tests.web.test_pages import login

    user = F.user(session, "collector", username="addr", name="地址")
    login(client, user)
    r = client.post("/settings/alerts", data={"enabled": "1", "email": address})
    assert r.status_code == 422 and "邮箱地址格式不正确" in r.data.decode()
    session.expire_all()
    assert session.get(User, user.id).email is None
    r = client.post("/settings/alerts", data={"enabled": "1", "email": " Zhang@Example.CN "})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(User, user.id).email == "Zhang@example.cn"


def test_a_provisional_deadline_is_alerted_by_its_earlier_date(session, smtp):
    from datetime import timedelta

    from legalcase.models import CaseDeadline

    _owner_with_deadline(session, "sun", 10)
    d = session.scalars(select(CaseDeadline)).one()
    d.is_provisional = True
    d.unadjusted_date = TODAY + timedelta(days=5)  # the schedule may yet move it back
    session.commit()
    alerts.send_alerts(session, _transport(smtp), "legal@example.cn", TODAY, session.commit)
    (msg,) = smtp.messages
    body = msg.get_body(("plain",)).get_content()
    assert "诉讼时效 2026-11-29（暂定）（剩 5 天）" in body
    keys = set(session.scalars(select(AlertDelivery.alert_key)))
    assert f"deadline:{d.id}:t7" in keys
