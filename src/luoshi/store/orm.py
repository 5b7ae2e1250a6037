"""The declarative base of the tables written as ORM classes (the ledger's, accounts', people's,
follow-through's), on the store's one ``metadata``: commands that use none of them (a search)
do not import SQLAlchemy's ORM."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from luoshi.store.schema import metadata


class Base(DeclarativeBase):
    metadata = metadata
