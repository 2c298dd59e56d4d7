"""Court filing packages (立案材料包, issue 17 point 6): one zip per court for chosen cases,
built item by item (a case each) by a background job."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .users import User


class FilingPackage(Base):
    __tablename__ = "filing_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    court: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    storage_key: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    filename: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()
    items: Mapped[list[FilingPackageItem]] = relationship(
        back_populates="package", order_by="FilingPackageItem.id"
    )


class FilingPackageItem(Base):
    """One case of a package: its files once built (name -> stored key and SHA-256)."""

    __tablename__ = "filing_package_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("filing_packages.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    files: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)

    package: Mapped[FilingPackage] = relationship(back_populates="items")

    @property
    def audit_case_id(self) -> int:
        return self.case_id
