"""The court-event form (issue 14 point 9): a field the chosen kind has no use for is refused
by its label, and a checkbox is one box (no stray text area beside it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from legalcase.models import CourtEvent
from legalcase.services import court
from tests import factories as F


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def test_fields_of_another_kind_are_refused_by_their_label(client, session):
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    login(client, legal)
    url = f"/cases/{case.id}/court-events/new"
    html = client.get(url).data.decode()
    assert html.count("<textarea") == 1  # the note; the checkboxes have no box beside them
    assert 'data-kinds="judgment ruling"' in html and "js/kind_fields.js" in html
    r = client.post(
        url,
        data={"kind": "filing", "event_date": "2025-03-01", "served_date": "2025-03-05"},
    )
    assert r.status_code == 422
    assert "送达日（判决/裁定）：“起诉/申请仲裁”不需要填写此项" in r.data.decode()
    r = client.post(url, data={"kind": "filing", "event_date": "2025-03-01", "is_pre_suit": "true"})
    assert r.status_code == 422 and "诉前保全" in r.data.decode()
    session.rollback()
    assert session.scalars(select(CourtEvent)).all() == []
    r = client.post(
        url, data={"kind": "filing", "event_date": "2025-03-01", "court_name": "某法院"}
    )
    assert r.status_code == 302


def test_a_kind_changed_on_correction_drops_what_the_old_kind_recorded(session):
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    event = court.add_court_event(
        session,
        legal,
        case,
        {
            "kind": "preservation",
            "event_date": date(2025, 2, 1),
            "asset_kind": "bank_deposit",
            "is_pre_suit": True,
        },
    )
    session.commit()
    court.update_court_event(session, legal, event, {"kind": "filing"})
    session.commit()
    assert event.kind == "filing" and event.asset_kind is None and event.is_pre_suit is False
    assert event.event_date == date(2025, 2, 1)
