"""Reprints folded into stories, scored on the labelled set of tests/reprint_set.py, and
the parts they rest on: signatures, verification, union-find, the canonical copy."""

from __future__ import annotations

import dataclasses
import random
from itertools import combinations

import numpy as np
import pytest
from reprint_set import Copy, build, pairs

from luoshi.demo.generate import readout
from luoshi.ingest import document_from_text
from luoshi.link import reprints
from luoshi.link.reprints import Fingerprint, UnionFind, canonical, clusters, similarity, source_tier
from luoshi.model import Document
from luoshi.store import open_store
from luoshi.store.stories import (
    INDEX_BATCH,
    PER_KEY,
    RecentFingerprints,
    candidates,
    list_stories,
    stories_of,
)


def _document(copy: Copy, key: str) -> Document:
    doc = document_from_text(copy.text, key)
    return dataclasses.replace(doc, source_url=copy.url, source_site=copy.site)


@pytest.fixture(scope="module")
def labelled() -> list[Copy]:
    return build()


@pytest.fixture(scope="module")
def linked(labelled, tmp_path_factory):
    """The labelled set stored through the real write path, in batches of 64 (so that copies
    meet both earlier batches in the store and peers in their own batch)."""
    store = open_store(str(tmp_path_factory.mktemp("reprints") / "r.db"))
    ids: list[int] = []
    docs = [_document(c, f"copy-{i}") for i, c in enumerate(labelled)]
    for start in range(0, len(docs), 64):
        with store.transaction() as conn:
            outcomes = store.add_documents(conn, [(d, None) for d in docs[start : start + 64]])
        ids.extend(o.document_id for o in outcomes)
    return store, ids


def test_the_labelled_set_is_as_large_and_as_hard_as_promised(labelled):
    same, other = pairs(labelled)
    assert len(same) >= 200 and len(other) >= 2000
    kinds = {c.kind for c in labelled}
    assert {"furniture", "excerpt", "edited", "traditional", "other"} <= kinds
    series = [(i, j) for i, j in other if labelled[i].text.split("\n")[0] == labelled[j].text.split("\n")[0]]
    assert len(series) >= 200  # different meetings of the same series: same template, other content
    excerpts = [c for c in labelled if c.kind == "excerpt"]
    assert all(len(c.text) < 0.85 * len(labelled[0].text) + 200 for c in excerpts)


def test_pair_precision_and_recall_on_the_labelled_set(labelled, linked):
    store, ids = linked
    with store.engine.connect() as conn:
        story = {doc_id: s.id for doc_id, s in stories_of(conn, ids).items()}
    same, other = pairs(labelled)
    predicted = {
        (i, j) for i, j in same | other if ids[i] in story and story.get(ids[i]) == story.get(ids[j])
    }
    true_positives = len(predicted & same)
    precision = true_positives / len(predicted)
    recall = true_positives / len(same)
    print(f"reprint pairs: precision {precision:.4f} recall {recall:.4f} ({len(same)} / {len(other)} pairs)")
    assert precision >= 0.99
    assert recall >= 0.97


def test_each_story_has_one_canonical_copy_preferring_official_sources(labelled, linked):
    store, _ids = linked
    with store.engine.connect() as conn:
        total, listed = list_stories(conn, limit=1000)
    assert total == len(listed) == len({c.story for c in labelled if c.kind != "other"})
    for story in listed:
        tiers = {d["id"]: source_tier(d["source_url"], d["source_site"]) for d in story.documents}
        flagged = [d for d in story.documents if d["canonical"]]
        assert len(flagged) == 1 and flagged[0]["id"] == story.canonical_id == story.documents[0]["id"]
        assert tiers[story.canonical_id] == min(tiers.values())


def test_a_document_stored_later_joins_its_story_and_a_bridge_merges_two(db_path):
    rng = random.Random(7)
    r = readout(rng, 0)
    body = f"{r.title}\n{r.body}"
    half = len(r.body) // 2
    first = document_from_text(f"来源：某某网\n{r.title}\n{r.body[: half + 40]}", "first-half")
    second = document_from_text(f"{r.body[half - 40 :]}\n责任编辑：林海涛", "second-half")
    store = open_store(db_path)
    with store.transaction() as conn:
        a, b = (o.document_id for o in store.add_documents(conn, [(first, None), (second, None)]))
    with store.engine.connect() as conn:
        assert stories_of(conn, [a, b]) == {}  # two halves are not one story …
    with store.transaction() as conn:
        (c,) = (o.document_id for o in store.add_documents(conn, [(document_from_text(body, "whole"), None)]))
    with store.engine.connect() as conn:
        found = stories_of(conn, [a, b, c])
    assert {found[x].id for x in (a, b, c)} == {a}  # … the whole readout joins them
    assert found[c].size == 3


def test_shingles_signature_and_keys_are_deterministic_and_script_blind():
    r = readout(random.Random(3), 1)
    from luoshi.text.fold import to_simplified, to_traditional

    simplified = Fingerprint.of(r.body)
    folded = Fingerprint.of(to_simplified(to_traditional(r.body)))
    assert simplified.keys == folded.keys and len(simplified.keys) == reprints.BANDS
    assert np.array_equal(simplified.shingles, np.unique(reprints.pieces(" \n".join(r.body.split("\n")))))
    assert Fingerprint.of("").keys == () and similarity(Fingerprint.of(""), simplified).jaccard == 0.0


def test_signature_keeps_its_stored_meaning_at_any_length():
    """Stored signatures and band keys stay valid: the values below were computed by the first
    implementation (shingles a row); the text of 6,000 characters spans two blocks of products."""
    rng = random.Random(14)
    long = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(6000))
    short = "会议传达学习了《前海合作区总体发展规划》,研究部署贯彻落实工作。"
    for text, head, keys in (
        (long, [608946, 422975, 25609, 604758], (7104654989141344942, -3215091505404562627)),
        (short, [29871984, 374745, 19586824, 140611571], (-2063454225063131552, 5162562618021238786)),
    ):
        fp = Fingerprint.of(text)
        assert fp.signature[:4].tolist() == head and fp.keys[:2] == keys
        assert np.array_equal(fp.signature, reprints.signature_by_rows(fp.shingles))
    assert fp.shingles.size < reprints.BLOCK < Fingerprint.of(long).shingles.size
    a, b = (v.astype(np.int64).tolist() for v in reprints._permutations())
    prints = [h & 0xFFFFFFFF for h in Fingerprint.of(short).shingles.tolist()]
    plain = [min((ai * x + bi) & 0xFFFFFFFF for x in prints) for ai, bi in zip(a, b, strict=True)]
    assert Fingerprint.of(short).signature.tolist() == plain


def test_the_permutations_written_out_are_the_ones_first_drawn():
    """The 128 permutations are written out (``_PERMUTATIONS_HEX``: an ingest does not import
    numpy.random for them); they are the ones the first implementation drew, which stored
    signatures and band keys depend on."""
    rng = np.random.Generator(np.random.PCG64(20261206))
    a = rng.integers(0, 1 << 31, reprints.PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = rng.integers(0, 1 << 32, reprints.PERMUTATIONS, dtype=np.uint32)
    written_a, written_b = reprints._permutations()
    assert written_a.dtype == written_b.dtype == np.uint32
    assert np.array_equal(written_a, a) and np.array_equal(written_b, b)
    assert (written_a % 2 == 1).all()


def test_signature_of_any_number_of_shingles_is_the_plain_minimum():
    """``signature`` pads each block of shingles to a width (``WIDTHS``) with copies of its first
    print and lays the products out flat: at each width's edge and across blocks it gives what
    the permutations' minima are, computed one shingle a row (``signature_by_rows``)."""
    rng = np.random.default_rng(20)
    sizes = sorted({1, 2, *(w + d for w in reprints.WIDTHS for d in (-1, 0, 1)), 2 * reprints.BLOCK + 7})
    for size in sizes:
        hashes = np.unique(rng.integers(0, 1 << 63, size, dtype=np.uint64))
        assert np.array_equal(reprints.signature(hashes), reprints.signature_by_rows(hashes)), size


def test_signature_estimates_jaccard():
    rng = random.Random(11)
    texts = [readout(rng, i).body for i in range(40)]
    fps = [Fingerprint.of(t) for t in texts]
    errors = [
        abs(float(np.mean(a.signature == b.signature)) - similarity(a, b).jaccard)
        for a, b in combinations(fps, 2)
    ]
    assert np.mean(errors) < 0.04 and max(errors) < 0.2


def test_shared_shingles_are_counted_exactly():
    """``reprints.shared`` (a merge of two sorted sets) against Python's set intersection, with
    sets apart, overlapping, one inside the other, empty, and values across the whole 64 bits."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        pool = rng.integers(0, 2**64, rng.integers(1, 3000), dtype=np.uint64, endpoint=False)
        a = np.unique(rng.choice(pool, rng.integers(0, pool.size + 1)))
        b = np.unique(rng.choice(pool, rng.integers(0, pool.size + 1)))
        assert reprints.shared(a, b) == reprints.shared(b, a) == len(set(a.tolist()) & set(b.tolist()))
    fp = Fingerprint.of(readout(random.Random(3), 0).body)
    assert reprints.shared(fp.shingles, fp.shingles) == fp.shingles.size


def test_template_alone_is_not_a_reprint_but_a_copied_excerpt_is():
    rng = random.Random(5)
    docs = [readout(rng, i) for i in range(200)]
    series = [(a, b) for a, b in combinations(docs, 2) if a.title == b.title]
    close = [
        (a, b) for a, b in series if similarity(Fingerprint.of(a.body), Fingerprint.of(b.body)).jaccard >= 0.5
    ]
    assert close, "the generator's series should hold pairs that share half their shingles"
    for a, b in close:
        sim = similarity(Fingerprint.of(a.body), Fingerprint.of(b.body))
        assert sim.verbatim < reprints.MIN_VERBATIM and not sim.reprint
    whole = docs[0].body
    cut = whole[: int(len(whole) * 0.6)]
    sim = similarity(Fingerprint.of(whole), Fingerprint.of(cut))
    assert sim.containment >= reprints.MIN_CONTAINMENT and sim.reprint


def test_union_find_groups_by_smallest_member():
    assert clusters([(5, 9), (9, 2), (7, 8)]) == {2: [2, 5, 9], 7: [7, 8]}
    uf = UnionFind()
    assert uf.find(4) == 4 and uf.union(4, 3) == 3 and uf.groups() == {3: [3, 4]}


@pytest.mark.parametrize(
    ("url", "site", "tier"),
    [
        ("https://www.sz.gov.cn/a.html", None, 0),
        (None, "深圳市人民政府办公厅", 0),
        ("https://epaper.szdaily.com.cn/1.html", "深圳特区报", 2),
        (None, "南方日报", 1),
        ("https://www.sohu.com/a/1", "搜狐新闻", 3),
        ("https://gov.cn.example.com/1", None, 2),
        (None, None, 2),
    ],
)
def test_source_tiers(url, site, tier):
    assert source_tier(url, site) == tier


def test_canonical_prefers_official_then_earliest_then_first_stored():
    copies = [
        reprints.Copy(1, "2026-03-02", "https://www.sohu.com/a/1", "搜狐新闻"),
        reprints.Copy(2, "2026-03-03", "https://www.gd.gov.cn/1", "广东省人民政府"),
        reprints.Copy(3, "2026-03-01", None, "南方日报"),
    ]
    assert canonical(copies) == 2
    assert canonical(copies[::2]) == 3
    assert canonical([reprints.Copy(4, None, None, None), reprints.Copy(5, "2026-01-01", None, None)]) == 5
    assert canonical([reprints.Copy(6, None, None, None), reprints.Copy(5, None, None, None)]) == 5


def test_a_remembered_fingerprint_serves_only_the_document_it_was_made_of(db_path):
    """Linking compares new documents with recent ones from memory; an id that now holds another
    text (a rolled-back batch's id taken again) must be read from the store instead."""
    store = open_store(db_path)
    doc = document_from_text(readout(random.Random(5), 0).body, "a")
    with store.transaction() as conn:
        (stored,) = store.add_documents(conn, [(doc, None)])
    recent = RecentFingerprints()
    fp = Fingerprint.of(doc.simplified)
    recent.remember(stored.document_id, "0" * 64, fp)
    with store.engine.connect() as conn:
        assert recent.still_stored(conn, [stored.document_id]) == {}
        recent.remember(stored.document_id, doc.content_hash, fp)
        assert recent.still_stored(conn, [stored.document_id, stored.document_id + 1]) == {
            stored.document_id: fp
        }


def test_remembered_fingerprints_stay_within_their_bytes():
    rng = random.Random(6)
    prints = [Fingerprint.of(readout(rng, i).body) for i in range(6)]
    size = max(int(p.pieces.nbytes + p.shingles.nbytes + p.signature.nbytes) for p in prints)
    recent = RecentFingerprints(limit_bytes=2 * size)
    for i, fp in enumerate(prints):
        recent.remember(i, str(i), fp)
        assert recent.bytes <= 2 * size
    assert 5 in recent and 4 in recent and 0 not in recent  # the oldest go first


def test_the_in_memory_band_index_links_as_the_band_table_does(labelled, linked, tmp_path):
    """A process that has linked many documents looks candidates up in memory (BandIndex): the
    labelled set linked that way from its first batch makes the same stories; the index answers
    as the band rows, and follows what another process stores and what a rollback takes back."""
    store = open_store(str(tmp_path / "index.db"))
    store._recent_prints = RecentFingerprints(index_after=0)
    docs = [_document(c, f"copy-{i}") for i, c in enumerate(labelled)]
    ids: list[int] = []
    for start in range(0, len(docs), INDEX_BATCH):
        with store.transaction() as conn:
            outcomes = store.add_documents(conn, [(d, None) for d in docs[start : start + INDEX_BATCH]])
        ids.extend(o.document_id for o in outcomes)
    index = store._recent_prints.index
    assert index is not None and set(index.ids.tolist()) == set(ids[: len(ids) - len(ids) % INDEX_BATCH])
    old_store, old_ids = linked
    with store.engine.connect() as conn, old_store.engine.connect() as old_conn:
        mine = {doc_id: s.id for doc_id, s in stories_of(conn, ids).items()}
        theirs = {doc_id: s.id for doc_id, s in stories_of(old_conn, old_ids).items()}
    grouping = lambda found, order: sorted(  # noqa: E731
        sorted(k for k, i in enumerate(order) if found.get(i) == s) for s in set(found.values())
    )
    assert grouping(mine, ids) == grouping(theirs, old_ids) and mine

    other = open_store(str(tmp_path / "index.db"))  # another writer
    more = [document_from_text(f"{readout(random.Random(k), k).body}", f"more-{k}") for k in range(3)]
    with other.transaction() as conn:
        added = [o.document_id for o in other.add_documents(conn, [(d, None) for d in more])]
    with store.engine.connect() as conn:
        index.catch_up(conn)
        assert all(i in index for i in ids + added)
        for fp in (Fingerprint.of(d.simplified) for d in more):
            by_rows = candidates(conn, fp.keys)
            assert {k: sorted(v) for k, v in index.candidates(fp.keys).items()} == {
                k: sorted(v) for k, v in by_rows.items()
            }
            assert any(i in v for v in by_rows.values() for i in added)
        batch = [
            document_from_text(readout(random.Random(500 + k), k).body, f"r{k}") for k in range(INDEX_BATCH)
        ]
        trans = conn.begin()
        gone = [o.document_id for o in store.add_documents(conn, [(d, None) for d in batch])]
        assert all(i in index for i in gone)  # linked in memory, then rolled back
        trans.rollback()
        index.catch_up(conn)
        assert not any(i in index for i in gone) and all(i in index for i in ids + added)


def test_each_band_key_lists_its_newest_documents_across_and_within_batches(db_path):
    """The band lists hold, for each key, the newest PER_KEY documents holding it, whether they
    came in one batch or in several (readouts of one template share many keys)."""
    store = open_store(db_path)
    rng = random.Random(11)
    docs = [document_from_text(readout(rng, i).body, f"t{i}") for i in range(90)]
    ids: list[int] = []
    for start, end in ((0, 7), (7, 30), (30, 90)):
        with store.transaction() as conn:
            ids += [o.document_id for o in store.add_documents(conn, [(d, None) for d in docs[start:end]])]
    holding: dict[int, list[int]] = {}
    for doc_id, doc in zip(ids, docs, strict=True):
        for key in set(Fingerprint.of(doc.simplified).keys):
            holding.setdefault(key, []).append(doc_id)
    assert max(map(len, holding.values())) > PER_KEY  # some lists are cut
    with store.engine.connect() as conn:
        found = candidates(conn, holding)
    assert {k: sorted(v) for k, v in found.items()} == {k: sorted(v)[-PER_KEY:] for k, v in holding.items()}


def test_a_fingerprint_pickled_without_its_shingles_comes_back_whole():
    """A Dask worker sends each document's fingerprint to the writer without its shingle set
    (``Fingerprint.__reduce__``): unpickled, every field is the one computed from the text."""
    import pickle

    text = readout(random.Random(3), 1).body
    made = reprints.Fingerprint.of(text)
    sent = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
    back = pickle.loads(sent)
    assert made.shingles.size > 100 and back.keys == made.keys
    for field in ("pieces", "shingles", "signature"):
        assert np.array_equal(getattr(back, field), getattr(made, field))
        assert getattr(back, field).dtype == getattr(made, field).dtype
    assert len(sent) < len(pickle.dumps((made.pieces, made.shingles, made.signature, made.keys)))
