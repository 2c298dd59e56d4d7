from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin


class Party(TimestampMixin, Base):
    """A debtor or guarantor: a company (USCC) or a person (ID number)."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # company | person
    name: Mapped[str] = mapped_column(String(200), index=True)
    id_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    legal_rep: Mapped[str | None] = mapped_column(String(100))  # company: 法定代表人
    legal_rep_title: Mapped[str | None] = mapped_column(String(50))  # company: 职务
    # company: 住所地; person: 户籍地
    registered_address: Mapped[str | None] = mapped_column(String(300))
    # company: 实际经营地; person: 经常居住地
    actual_address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    # a natural person (values.Sex, values.IdType, values.Ethnicity)
    sex: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(8))
    id_type: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="party", order_by="Contact.id", cascade="all, delete-orphan"
    )


class Contact(TimestampMixin, Base):
    """A way to reach a party: the party itself, its staff, relatives, work sites."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)

    party: Mapped[Party] = relationship(back_populates="contacts")

    @property
    def audit_case_id(self) -> None:
        return None
