"""Search ranking: BM25 computed by luoshi over the newest matches."""

from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.store.fts import bm25


def _store_with(db, texts: dict[str, str]):
    store = open_store(db)
    with store.transaction() as conn:
        store.add_documents(conn, [(document_from_text(t, name), None) for name, t in texts.items()])
    return store


FILLER = "会议研究部署了下一阶段的重点工作，要求各单位压实责任、细化措施、加快推进。"


def test_more_occurrences_in_a_shorter_text_rank_first(db):
    store = _store_with(
        db,
        {
            "once-long": "合作区建设情况通报\n" + FILLER * 6 + "前海",
            "often": "前海工作会议\n前海管理局汇报前海建设进展，前海蛇口片区同步推进。" + FILLER,
            "once-short": "自贸片区简报\n前海。" + FILLER,
        },
    )
    names = [h.name for h in store.search("前海", use_cache=False)]
    assert names[0] == "often"
    assert names.index("once-short") < names.index("once-long")  # same count, shorter text


def test_a_rare_word_outweighs_a_common_one(db):
    texts = {f"common-{i}": f"第{i}期\n前海建设推进。" + FILLER for i in range(12)}
    texts["mostly-common"] = "甲\n前海前海前海建设，口岸。" + FILLER
    texts["mostly-rare"] = "乙\n前海建设，口岸口岸口岸通关。" + FILLER
    texts["rare-only"] = "丙\n口岸通关。" + FILLER
    store = _store_with(db, texts)
    names = [h.name for h in store.search("前海 口岸", use_cache=False)]
    assert names == ["mostly-rare", "mostly-common"]


def test_frequencies_estimated_beyond_the_window_keep_the_newest_matches(db):
    texts = {f"d{i:02d}": f"第{i}号\n前海口岸建设。" + FILLER for i in range(20)}
    store = _store_with(db, texts)
    store.RANK_WINDOW = 5  # every word's own window is full: frequencies are estimated
    hits = store.search("前海 口岸", limit=10, use_cache=False)[:5]
    assert sorted(h.name for h in hits) == [f"d{i:02d}" for i in range(15, 20)]
    assert all(h.score > 0 for h in hits)


def test_title_occurrences_weigh_more_and_traditional_text_counts():
    docs = [
        (1, "口岸工作会议", "会议研究口岸通关。"),
        (2, None, "會議研究口岸通關，口岸。"),
        (3, None, "无关"),
    ]
    scores = bm25(["口岸"], docs, {}, 100)
    assert scores[1] > scores[2] > scores[3] == 0.0
    assert bm25(["通关"], docs, {}, 100)[2] > 0  # 通關 in a traditional text


def test_later_pages_reach_past_the_ranking_window(db):
    texts = {f"d{i:02d}": f"第{i}号\n前海口岸建设。" + FILLER for i in range(20)}
    store = _store_with(db, texts)
    store.RANK_WINDOW = 5
    pages = [store.search("前海", limit=5, offset=k, use_cache=False) for k in (0, 5, 10, 15)]
    names = [h.name for page in pages for h in page]
    assert sorted(names) == sorted(texts)  # every match reachable, none twice
