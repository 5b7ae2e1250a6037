"""Proposals from a readout's directives carry the deadlines that extraction found, read the
same way (one implementation: ``luoshi.extract.deadlines``)."""

from datetime import date

import pytest

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.ledger.service import Ledger
from luoshi.store import open_store

READOUT = (
    "2025年5月7日讯 5月6日，市长周明远主持召开专题会议。\n"
    "周明远强调，各区要在月底前报送任务清单。市直各部门要确保明年6月底前完成验收。"
    "市财政局要尽快拨付资金。"
)


@pytest.fixture
def ledger(db) -> Ledger:
    return Ledger(open_store(db), actor="督查室")


def test_proposed_deadlines_are_the_extracted_ones(ledger):
    doc = document_from_text(READOUT, "readout")
    facts = extract(doc)
    assert [(d.text, d.date) for d in facts.deadlines] == [
        ("月底前", "2025-05-31"),
        ("明年6月底前", "2026-06-30"),
        ("尽快", None),
    ]
    with ledger.store.transaction() as conn:
        doc_id = ledger.store.add_document(conn, doc, facts).document_id
    ids = ledger.propose(doc_id, "专题会议部署事项")
    drafts = {t.id: t for t in ledger.tasks(date(2025, 5, 10), include_drafts=True)}
    proposed = [(drafts[i].lead_unit, drafts[i].deadline_text, drafts[i].deadline) for i in ids]
    assert proposed == [
        ("各区", "月底前", "2025-05-31"),
        ("市直各部门", "明年6月底前", "2026-06-30"),
        ("市财政局", "尽快", None),
    ]
