"""Cited documents and outcomes stored on both backends: indexed as documents are written, the
documents stored before migration 0012 indexed afterwards, short forms learnt later applied to
earlier documents, rebuilt the same."""

from __future__ import annotations

import threading

from backends import query

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.services import citations
from luoshi.store import open_store
from luoshi.store.migrate import upgrade
from luoshi.text import to_traditional

FULL = "全面深化前海深港现代服务业合作区改革开放方案"
HENGQIN = "横琴粤澳深度合作区建设总体方案"

DEFINES = (
    "前海合作区召开改革推进会\n"
    "2025年3月10日讯 3月9日，前海合作区党工委召开会议，深入学习贯彻《全面深化前海深港现代服务业合作区改革开放方案》"
    "（以下简称《前海方案》）。会议指出，前海累计推出制度创新成果765项，其中65项在全国复制推广。"
)
ALONE = (
    "深圳市召开专题会议\n"
    "2025年6月3日讯 6月2日，深圳市召开专题会议，研究落实《前海方案》和《横琴粤澳深度合作区建设总体方案》。"
)
TRADITIONAL = to_traditional(
    "横琴合作区执委会召开会议\n"
    "2025年9月1日讯 8月31日，横琴粤澳深度合作区执委会召开会议，学习〈横琴粤澳深度合作区建设总体方案〉"
    "和「全面深化前海深港现代服务业合作区改革开放方案」，通报合作区推出“澳门新街坊”等12项一事三地民生事项。"
)
OTHER_QIANHAI = (
    "某区召开会议\n2025年10月8日讯 10月7日，某区召开会议，学习《前海深港现代服务业合作区总体发展规划》"
    "（以下简称《前海方案》）。"
)


def _add(store, *texts: str) -> list[int]:
    docs = [document_from_text(t, f"d{i}-{hash(t) % 10_000}") for i, t in enumerate(texts)]
    with store.transaction() as conn:
        return [o.document_id for o in store.add_documents(conn, [(d, extract(d)) for d in docs])]


def test_citations_and_outcomes_are_indexed_as_documents_are_written(db):
    store = open_store(db)
    a, b, c = _add(store, DEFINES, ALONE, TRADITIONAL)
    index = citations.cited_index(store)
    assert [(t.title, t.documents, t.first, t.last) for t in index.titles] == [
        (FULL, 3, "2025-03-09", "2025-08-31"),
        (HENGQIN, 2, "2025-06-02", "2025-08-31"),
    ]
    assert index.titles[0].aliases == ["前海方案"]
    for asked in (
        "前海方案",
        "《前海方案》",
        "〈全面深化前海深港現代服務業合作區改革開放方案〉",
        "全面深化前海深港现代服务业合作区 改革开放方案",
    ):
        assert [t.title for t in citations.find_titles(store, asked)] == [FULL], asked
    assert [t.title for t in index.search("橫琴")] == [HENGQIN]  # a part, in the other script
    page = citations.cited_page(store, index.titles[0].id)
    assert page is not None and page.total == 3
    assert [e["document_id"] for e in page.entries] == [a, b, c]  # in date order
    assert [e["date"] for e in page.entries] == ["2025-03-09", "2025-06-02", "2025-08-31"]
    sentence = page.entries[2]["sentences"][0]
    x, y = sentence["mark"]
    assert (
        sentence["text"][x:y] == "「全面深化前海深港現代服務業合作區改革開放方案」"
    )  # the document's own script
    assert (
        page.entries[1]["sentences"][0]["text"][slice(*page.entries[1]["sentences"][0]["mark"])]
        == "《前海方案》"
    )
    # stored rows: one title per key, the alias with the document that introduced it
    assert query(db, "SELECT short_key, full_key, document_id FROM cited_aliases") == [("前海方案", FULL, a)]
    assert sorted(r[0] for r in query(db, "SELECT key FROM cited_titles")) == sorted(
        [FULL, HENGQIN, "前海方案"]
    )
    total, found = citations.outcomes(store)
    assert total == 3
    assert [(o["title"], o["zone"], o["date"]) for o in found] == [
        ("澳门新街坊", "横琴粤澳深度合作区", "2025-08-31"),
        ("前海累计推出制度创新成果765项", "前海", "2025-03-09"),
        ("65项在全国复制推广", "前海", "2025-03-09"),
    ]
    assert found[0]["title_original"] == "澳門新街坊" and found[0]["count"] == 12
    assert found[0]["sentence"][slice(*found[0]["mark"])] == "澳門新街坊"
    assert citations.outcomes(store, zone="橫琴")[0] == 1  # the zone asked in the other script
    assert citations.outcomes(store, query="制度創新")[0] == 1
    assert citations.outcomes(store, kind="replicable")[0] == 1
    assert citations.outcomes(store, zone="100%_")[0] == 0  # LIKE's wildcards are plain characters
    assert citations.outcome_zones(store) == [("前海", 2), ("横琴粤澳深度合作区", 1)]


def test_a_short_form_learnt_later_applies_to_earlier_documents_until_it_is_ambiguous(db):
    store = open_store(db)
    (alone,) = _add(store, ALONE)
    titles = {t.title: t for t in citations.cited_index(store).titles}
    assert set(titles) == {"前海方案", HENGQIN}  # nobody introduced it yet: a title of its own
    short_id = titles["前海方案"].id
    _add(store, DEFINES)
    index = citations.cited_index(store)
    full = index.by_key[FULL]
    assert full.documents == 2 and "前海方案" not in index.by_key
    assert citations.resolve_id(store, short_id) == full.id  # the short form's page is the full title's
    assert citations.cited_page(store, short_id) is None
    _add(store, OTHER_QIANHAI)  # another document gives the same short form to another title
    index = citations.cited_index(store)
    assert index.by_key[FULL].documents == 1 and index.by_key["前海方案"].documents == 1
    page = citations.cited_page(store, short_id)
    assert page is not None
    assert [e["document_id"] for e in page.entries] == [alone]


def test_documents_stored_before_migration_0012_are_indexed_afterwards(db):
    store = open_store(db, migrate=False)
    upgrade(store.engine, "0010")
    docs = [document_from_text(t, f"old{i}") for i, t in enumerate((DEFINES, ALONE, TRADITIONAL))]
    with store.transaction() as conn:
        ids = [o.document_id for o in store.add_documents(conn, [(d, extract(d)) for d in docs])]
        # facts stored by a luoshi before outcomes: found again from the text
        from sqlalchemy import select, update

        from luoshi.store.schema import DocumentRow

        facts = conn.scalar(select(DocumentRow.facts).where(DocumentRow.id == ids[0]))
        assert facts is not None
        facts.pop("outcomes")
        conn.execute(update(DocumentRow).where(DocumentRow.id == ids[0]).values(facts=facts))
    store = open_store(db)
    assert query(db, "SELECT below FROM fact_backfill") == [(ids[-1] + 1,)]
    assert query(db, "SELECT COUNT(*) FROM cited_mentions") == [(0,)]
    assert citations.catch_up(store, batch=2) == 3
    assert query(db, "SELECT below FROM fact_backfill") == [(0,)]
    assert citations.catch_up(store) == 0
    index = citations.cited_index(store)
    assert [(t.title, t.documents) for t in index.titles] == [(FULL, 3), (HENGQIN, 2)]
    assert citations.outcomes(store)[0] == 3
    # a document written after the migration is indexed as it is written
    (late,) = _add(store, ALONE.replace("6月2日", "6月9日").replace("6月3日", "6月10日"))
    assert citations.cited_index(store).by_key[FULL].documents == 4
    rows = query(db, f"SELECT COUNT(*) FROM cited_mentions WHERE document_id = {late}")
    assert rows[0][0] == 2


def test_rebuild_gives_the_same_index(db):
    store = open_store(db)
    _add(store, DEFINES, ALONE, TRADITIONAL)
    before = [t.to_json() for t in citations.cited_index(store).titles]
    outcomes_before = [(o["title"], o["zone"]) for o in citations.outcomes(store)[1]]
    assert citations.rebuild(store) == 3
    assert [{**t.to_json(), "id": 0} for t in citations.cited_index(store).titles] == [
        {**t, "id": 0} for t in before
    ]
    assert [(o["title"], o["zone"]) for o in citations.outcomes(store)[1]] == outcomes_before


def test_two_writers_citing_a_new_title_at_once(db):
    """The second writer's row for the same new title is skipped, not an error."""
    stores = [open_store(db), open_store(db)]
    errors: list[BaseException] = []
    started = threading.Barrier(2)

    def write(store, i):
        try:
            started.wait()
            _add(store, DEFINES.replace("3月9日", f"3月{10 + i}日") + f"（第{i}稿）")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert query(db, f"SELECT COUNT(*) FROM cited_titles WHERE key = '{FULL}'") == [(1,)]
    assert citations.cited_index(stores[0]).by_key[FULL].documents == 2


def test_a_deleted_document_takes_its_citations_and_outcomes_with_it(db):
    store = open_store(db)
    a, _ = _add(store, DEFINES, ALONE)
    with store.transaction() as conn:
        from sqlalchemy import delete

        from luoshi.store.schema import DocumentRow

        conn.execute(delete(DocumentRow).where(DocumentRow.id == a))
    assert query(db, f"SELECT COUNT(*) FROM cited_mentions WHERE document_id = {a}") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM cited_aliases") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM outcomes") == [(0,)]


def test_reprints_of_one_story_are_one_citing_entry(db):
    import dataclasses

    from reprint_set import build

    copies = build(stories=1, singles=1, seed=5)
    docs = [
        dataclasses.replace(document_from_text(c.text, f"r{i}"), source_url=c.url, source_site=c.site)
        for i, c in enumerate(copies)
    ]
    store = open_store(db)
    with store.transaction() as conn:
        ids = [o.document_id for o in store.add_documents(conn, [(d, extract(d)) for d in docs])]
    story = [i for i, c in zip(ids, copies, strict=True) if c.kind != "other"]
    title = citations.find_titles(store, extract(docs[0]).documents[0].title)[0]
    page = citations.cited_page(store, title.id)
    assert page is not None
    members = [e for e in page.entries if e["document_id"] in story]
    assert len(members) == 1  # the story's first copy, the others listed with it
    assert sorted([members[0]["document_id"]] + [c["document_id"] for c in members[0]["copies"]]) == story
    assert title.documents == len(story)  # the index counts every copy


def test_a_quoted_phrase_counts_only_as_a_known_short_form(db):
    store = open_store(db)
    cites = "会议一\n2025年2月2日讯 2月1日，会议研究落实《南沙方案》。"
    quotes = "会议二\n2025年2月9日讯 2月8日，会议提出以“南沙方案”为牵引。"
    _add(store, cites, quotes)
    index = citations.cited_index(store)
    assert [(t.title, t.documents, t.first, t.last) for t in index.titles] == [
        ("南沙方案", 1, "2025-02-01", "2025-02-01")
    ]
    _add(
        store,
        "会议三\n2025年3月2日讯 3月1日，国务院印发广州南沙深化面向世界的粤港澳全面合作总体方案（简称“南沙方案”）。",
    )
    index = citations.cited_index(store)
    assert [(t.title, t.documents) for t in index.titles] == [
        ("广州南沙深化面向世界的粤港澳全面合作总体方案", 3)
    ]


def test_two_processes_catching_up_at_once_index_each_document_once(db):
    """The second waits for the first's batch (its marker is held) and goes on below it."""
    from luoshi.services.citations import _index_batch

    store = open_store(db, migrate=False)
    upgrade(store.engine, "0010")
    texts = [DEFINES.replace("3月9日", f"3月{d}日") + f"（{d}）" for d in range(1, 21)]
    docs = [document_from_text(t, f"p{i}") for i, t in enumerate(texts)]
    with store.transaction() as conn:
        store.add_documents(conn, [(d, extract(d)) for d in docs])
    first, second = open_store(db), open_store(db)
    holding, indexed = threading.Event(), []

    def other() -> None:
        holding.wait()
        with second.transaction() as conn:
            indexed.append(_index_batch(conn, 3))

    thread = threading.Thread(target=other)
    thread.start()
    with first.transaction() as conn:
        indexed.append(_index_batch(conn, 3))
        holding.set()
        thread.join(timeout=1.0)  # it cannot go on while this batch is not committed
        assert thread.is_alive()
    thread.join()
    assert indexed == [3, 3]
    assert citations.catch_up(first, batch=3) == 14
    assert query(db, "SELECT COUNT(DISTINCT document_id), COUNT(*) FROM cited_aliases") == [(20, 20)]
    assert query(db, "SELECT COUNT(*) FROM outcomes") == [(40,)]
