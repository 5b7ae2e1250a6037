"""A team's PostgreSQL server may sort text by a language's rules, not by bytes: under the usual
glibc and ICU "shifted" collations punctuation is ignored at first, so "D12.3" sorts after
"D12/". What the ledger finds by a range of codes must not depend on it."""

from __future__ import annotations

from backends import postgresql_database

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.ledger.service import Ledger
from luoshi.store import open_store

TEXT = (
    "2026年3月2日讯 3月1日,市委书记周明远主持召开专题会议。周明远强调,一要倒排工期,确保2026年6月底前完成。"
    "市发展改革委要牵头制定任务清单。"
)


def test_a_documents_proposed_tasks_are_found_under_a_collation_that_ignores_punctuation() -> None:
    options = {"LOCALE_PROVIDER": "icu", "ICU_LOCALE": "und-u-ka-shifted", "LOCALE": "C.UTF-8"}
    with postgresql_database(**options) as url:
        store = open_store(url)
        with store.engine.connect() as conn:  # the collation does ignore the punctuation here
            assert conn.exec_driver_sql("SELECT 'D1.1' < 'D1/'").scalar() is False
        ledger = Ledger(store)
        doc = document_from_text(TEXT, "readout")
        with store.transaction() as conn:
            doc_id = store.add_document(conn, doc, extract(doc)).document_id
        ids = ledger.propose(doc_id, "专题会议部署事项")
        assert ids
        assert sorted(t["id"] for t in ledger.document_tasks(doc_id)) == sorted(ids)
        store.engine.dispose()
