"""Preservation: pre-suit filing, freeze expiry and renewal."""

from __future__ import annotations

from datetime import date

from ..calendar import WorkCalendar
from ..periods import add_days, add_years
from ..values import AssetKind, AssetLeadKind
from .base import (
    ASSET_LABELS,
    FREEZE_YEARS,
    PROVISIONAL_NOTE,
    SATISFIED,
    Deadline,
    Event,
    _rolled,
    _status,
)

# What an asset of the register is as property under preservation, which sets the freeze
# period (FREEZE_YEARS: deposits 1 year, movables 2, real estate and other rights 3).
FREEZE_ASSET = {
    AssetLeadKind.BANK_ACCOUNT.value: AssetKind.BANK_DEPOSIT.value,
    AssetLeadKind.REAL_ESTATE.value: AssetKind.REAL_ESTATE.value,
    AssetLeadKind.VEHICLE.value: AssetKind.MOVABLE.value,
    AssetLeadKind.EQUIPMENT.value: AssetKind.MOVABLE.value,
    AssetLeadKind.EQUITY.value: AssetKind.OTHER_RIGHT.value,
    AssetLeadKind.RECEIVABLE.value: AssetKind.OTHER_RIGHT.value,
    AssetLeadKind.OTHER.value: AssetKind.OTHER_RIGHT.value,
}


def _preservation(idx: int, e: Event, ordered, as_of: date, cal: WorkCalendar) -> list[Deadline]:
    out = []
    if e.pre_suit:
        unadj = add_days(e.date, 30)
        day, provisional, note = _rolled(cal, unadj)
        sued = [
            o.when
            for _, o in ordered
            if o.type == "proceedings_started" and e.date <= o.when <= day
        ]
        status = SATISFIED if sued else _status(day, as_of)
        basis = f"诉前保全：{e.date}采取保全措施后三十日内须起诉或申请仲裁，否则解除保全（民事诉讼法第104条）"
        if sued:
            basis += f"；已于{sued[0]}起诉"
        out.append(
            Deadline("sue_after_preservation", day, unadj, provisional, status, basis + note, idx)
        )
    years = FREEZE_YEARS[e.asset]
    if e.expires is not None:
        expiry = e.expires
        basis = f"保全裁定载明的期限届满日{expiry}"
    else:
        expiry = add_days(add_years(e.date, years), -1)
        basis = f"{ASSET_LABELS[e.asset]}保全期限{years}年，自{e.date}起至{expiry}（民诉法解释第485条），不顺延"
    out.append(Deadline("freeze_expiry", expiry, expiry, False, _status(expiry, as_of), basis, idx))
    unadj = add_days(expiry, -7)
    day, provisional = cal.roll_backward(unadj)
    basis = f"应在保全期限届满七日前申请续行保全（财产保全规定第18条），即{unadj}前"
    if day != unadj:
        basis += f"；{unadj}非工作日，提前至{day}"
    if provisional:
        basis += PROVISIONAL_NOTE
    out.append(
        Deadline(
            "freeze_renewal_apply_by", day, unadj, provisional, _status(day, as_of), basis, idx
        )
    )
    return out
