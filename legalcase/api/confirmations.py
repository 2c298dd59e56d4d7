"""Online statement links (对账确认): POST /cases/{id}/confirmations returns {id, url}."""

from __future__ import annotations

from flask import current_app, g, url_for

from legalcase.db import db
from legalcase.schemas import parse
from legalcase.schemas.disputes import ConfirmationOut, ConfirmationSchema
from legalcase.services import confirmations as svc

from . import body, bp, case_or_404, dumps


@bp.post("/cases/<int:case_id>/confirmations")
@dumps(ConfirmationOut, status=201)
def create_confirmation(case_id: int):
    case = case_or_404(case_id)
    data = parse(ConfirmationSchema(), body())
    send = data.pop("send_email", False)
    conf, token = svc.create_link(db.session, g.api_user, case, data)
    url = url_for("confirm.show", token=token, _external=True)
    if send:
        svc.send_link(conf, case, url, current_app.config)
    return {"id": conf.id, "url": url, "expires_at": conf.expires_at, "emailed_to": conf.emailed_to}
