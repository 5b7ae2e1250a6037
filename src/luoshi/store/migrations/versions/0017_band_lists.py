"""Reprints: the LSH index as one row per band key holding its newest 16 documents (packed),
instead of one row per key and document, so that a lookup reads at most 42 rows in one
statement (issue 14 part 1: lookup ≤ 0.2 ms at 100,000 documents). Existing stores are
back-filled from their band rows by the frozen rule below, then the band rows are dropped.

Revision ID: 0017
Revises: 0016
"""

import struct

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Frozen: what luoshi.store.stories.pack and PER_KEY were when this migration was written.
_PER_KEY = 16
_BATCH = 5000  # lists written per statement


def _pack(doc_ids: list[int]) -> bytes:
    """The newest (largest) _PER_KEY ids, ascending, 8 bytes each, little-endian."""
    newest = sorted(doc_ids)[-_PER_KEY:]
    return struct.pack(f"<{len(newest)}q", *newest)


def upgrade() -> None:
    op.create_table(
        "reprint_band_lists",
        # On SQLite an INTEGER PRIMARY KEY: the rowid itself (64 bits, signed like the keys).
        sa.Column(
            "band_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("documents", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("band_key"),
    )
    bind = op.get_bind()
    lists = sa.table("reprint_band_lists", sa.column("band_key"), sa.column("documents"))
    bands = sa.table("reprint_bands", sa.column("band_key"), sa.column("document_id"))
    # The band rows in key order (their primary key's order: no sort), streamed.
    result = bind.execute(
        sa.select(bands.c.band_key, bands.c.document_id).order_by(bands.c.band_key, bands.c.document_id),
        execution_options={"stream_results": True, "yield_per": _BATCH},
    )
    batch: list[dict[str, object]] = []
    key: int | None = None
    docs: list[int] = []
    for band_key, doc_id in result:
        if band_key != key:
            if key is not None:
                batch.append({"band_key": key, "documents": _pack(docs)})
            key, docs = band_key, []
        docs.append(doc_id)
        if len(batch) >= _BATCH:
            bind.execute(sa.insert(lists), batch)
            batch = []
    result.close()
    if key is not None:
        batch.append({"band_key": key, "documents": _pack(docs)})
    if batch:
        bind.execute(sa.insert(lists), batch)
    op.drop_table("reprint_bands")
    signatures = bind.scalar(sa.text("SELECT count(*) FROM reprint_signatures")) or 0
    if signatures < (bind.scalar(sa.text("SELECT count(*) FROM documents")) or 0):
        # Documents never linked (each linked one has a signature): a store migrated from before
        # 0010 in this run (0010 had no band lists to write to), or documents written while the
        # store stood between 0010 and 0017. Every document is linked again now.
        from luoshi.store import stories

        stories.rebuild(bind)


def downgrade() -> None:
    op.create_table(
        "reprint_bands",
        sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band_key", "document_id"),
    )
    bind = op.get_bind()
    lists = sa.table("reprint_band_lists", sa.column("band_key"), sa.column("documents"))
    bands = sa.table("reprint_bands", sa.column("band_key"), sa.column("document_id"))
    known = sa.select(sa.table("documents", sa.column("id")).c.id)
    present = {row[0] for row in bind.execute(known)}
    rows: list[dict[str, int]] = []
    # The rows of the listed documents (a key's older documents are not listed: the lookup of
    # the band rows read only the newest 16 of each key, so it answers as before).
    result = bind.execute(  # streamed, as the upgrade reads: a large store's lists fill gigabytes
        sa.select(lists.c.band_key, lists.c.documents),
        execution_options={"stream_results": True, "yield_per": _BATCH},
    )
    for band_key, blob in result:
        blob = bytes(blob)
        for doc_id in struct.unpack(f"<{len(blob) // 8}q", blob):
            if doc_id in present:
                rows.append({"band_key": band_key, "document_id": doc_id})
        if len(rows) >= _BATCH:
            bind.execute(sa.insert(bands), rows)
            rows = []
    if rows:
        bind.execute(sa.insert(bands), rows)
    op.drop_table("reprint_band_lists")
