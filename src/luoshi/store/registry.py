"""Shared records kept by the store for the parts above it: organisational units (found by any
usual spelling of their name) and the audit log. The ledger and accounts both write them here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from luoshi.store import version
from luoshi.store.documents import new_id
from luoshi.store.schema import AuditRow, UnitAliasRow, UnitRow
from luoshi.store.units import local_key, unit_key


def audit(
    conn: Connection,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log: who changed what, before and after."""
    # Parameters, not .values(): one compiled statement for every row of a 5,000-row import.
    conn.execute(
        insert(AuditRow),
        {
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "before": before,
            "after": after,
        },
    )
    version.mark(conn)


def unit_id(
    conn: Connection, name: str, create: bool = True, parent: str | None = None, actor: str = "system"
) -> int | None:
    """The id of the unit ``name`` means (by its key or its key without the place name); a new
    unit (under ``parent``) is created and audited as ``actor`` if none matches and ``create``."""
    key = unit_key(name)
    for candidate in (key, local_key(key)):
        uid = (
            conn.scalar(select(UnitAliasRow.unit_id).where(UnitAliasRow.alias == candidate))
            if candidate
            else None
        )
        if uid is not None:
            return int(uid)
    if not create:
        return None
    parent_id = unit_id(conn, parent, actor=actor) if parent else None
    created = conn.execute(insert(UnitRow).values(name=name.strip(), parent_id=parent_id))
    uid = new_id(created)
    conn.execute(insert(UnitAliasRow).values(alias=key, unit_id=uid))
    # "深圳市发展和改革委员会" is also what "市发改委" means inside Shenzhen's own ledger.
    local = local_key(key)
    if local and conn.scalar(select(UnitAliasRow.unit_id).where(UnitAliasRow.alias == local)) is None:
        conn.execute(insert(UnitAliasRow).values(alias=local, unit_id=uid))
    audit(conn, actor, "unit", uid, "create", None, {"name": name, "parent": parent})
    return uid
