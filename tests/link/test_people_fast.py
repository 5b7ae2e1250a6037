"""The short cuts of clustering (``link.people``) against their plain definitions, on random
mentions of one name: the pairs of ``extend`` (``only``) are those of the whole name that hold
one of its mentions; the persons a mention without a post is asked about are those holding a
seat of its home; a clash is asked of every pair of placed posts; roots are read in one pass;
a career's evidence is in (day, document, span) order without being sorted whole."""

from __future__ import annotations

import random

from luoshi.extract.gazetteer import post_heads
from luoshi.link.people import (
    END,
    FORMER,
    HELD,
    NOMINATED,
    SAME_PLACE_YEARS,
    START,
    PostReader,
    Shown,
    Sighting,
    _best_anchor,
    _candidates,
    _career,
    _clash,
    _flatten,
    _fuller,
    _Group,
    _holders,
    _pool,
    _Where,
)

READER = PostReader(post_heads())
HOMES: tuple[dict[str, str], ...] = (  # (the city first, as ``document_home`` chooses)
    {"市": "深圳", "省": "广东"},
    {"市": "广州", "省": "广东"},
    {"省": "广东"},
    {"市": "杭州", "省": "浙江"},
    {"市": "南京", "省": "江苏"},
    {},
)
POSTS = (
    "深圳市市长",
    "广州市市长",
    "杭州市委书记",
    "南京市市长",
    "广东省省长",
    "浙江省副省长",
    "市长",
    "副市长",
    "省委书记",
    "书记",
    "市委书记",
    "省政协副主席",
)
CHANGES = (HELD, HELD, HELD, START, END, FORMER, NOMINATED)


def mentions(rng: random.Random, n: int) -> list[Sighting]:
    """``n`` mentions of one name (a third without posts), sorted as clustering sorts them."""
    out = []
    for doc in range(1, n + 1):
        day = None if rng.random() < 0.05 else f"{rng.randint(2016, 2024)}-{rng.randint(1, 12):02d}-01"
        shown = [
            Shown(rng.choice(POSTS), (k * 10 + rng.randint(0, 5), k * 10 + 8), rng.choice(CHANGES))
            for k in range(rng.choice((0, 0, 1, 1, 2, 3)))
        ]
        rng.shuffle(shown)  # (spans out of order now and then)
        out.append(Sighting(doc, "张三丰", day, shown, dict(rng.choice(HOMES)), ref=doc))
    return sorted(out, key=lambda s: (s.day or "9999", s.document_id))


def test_the_pairs_of_some_mentions_are_those_of_all_that_hold_them():
    rng = random.Random(9)
    asked = 0
    for _ in range(40):
        sightings = mentions(rng, rng.randint(2, 60))
        posts = [_fuller(READER, s) for s in sightings]
        for need in (2, 3):
            every = _candidates(sightings, posts, need)
            for _ in range(3):
                only = set(rng.sample(range(len(sightings)), rng.randint(1, max(1, len(sightings) // 4))))
                found = _candidates(sightings, posts, need, only)
                assert found == [c for c in every if c[2] in only or c[3] in only]
                asked += len(found)
    assert asked > 500


def grouped(rng: random.Random, sightings: list[Sighting]) -> list[_Group]:
    """Random groups of the mentions with posts, built by absorbing."""
    groups: list[_Group] = []
    for s in sightings:
        g = _Group(s, _fuller(READER, s), set())
        if groups and rng.random() < 0.6:
            rng.choice(groups).absorb(g)
        else:
            groups.append(g)
    return groups


def test_a_clash_is_any_pair_of_placed_posts_that_clash():
    rng = random.Random(4)
    clashing = 0
    for _ in range(60):
        groups = grouped(rng, [s for s in mentions(rng, 30) if s.shown])
        for a in groups:
            for b in groups:
                plain = any(_clash(x, y) for x in a.held.values() for y in b.held.values() if x.post.seats)
                assert a.clashes_with(b) == plain
                clashing += plain
    assert clashing > 100


def test_the_persons_asked_about_a_mention_without_a_post_are_those_of_its_home():
    rng = random.Random(7)
    ranked = 0
    for _ in range(60):
        sightings = mentions(rng, 40)
        groups = [g for g in grouped(rng, [s for s in sightings if s.shown]) if g.anchored]
        places = {k: _Where(g) for k, g in enumerate(groups)}
        holders = _holders(places)
        for s in sightings:
            if s.shown:
                continue
            groups.append(_Group(s, [], set()))
            r = len(groups) - 1
            every = _best_anchor(s, r, list(places), places, groups.__getitem__)
            asked = _best_anchor(s, r, _pool(holders, s.home), places, groups.__getitem__, 2)
            assert asked == (every if every and every[0] == 2 else None)
            ranked += asked is not None
            groups.pop()
    assert ranked > 50
    assert SAME_PLACE_YEARS  # (the nearness asked is the module's)


def test_roots_in_one_pass_are_those_found_one_by_one():
    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(1, 50)
        parent = list(range(n))

        def root(i: int, parent: list[int] = parent) -> int:
            while parent[i] != i:
                i = parent[i]
            return i

        for _ in range(rng.randint(0, n)):
            a, b = root(rng.randrange(n)), root(rng.randrange(n))
            if a != b:
                parent[max(a, b)] = min(a, b)
        expected = [root(i) for i in range(n)]
        assert _flatten(parent) == expected


def test_a_careers_evidence_is_in_day_document_and_span_order():
    rng = random.Random(5)
    for _ in range(40):
        sightings = [s for s in mentions(rng, 30) if s.shown]
        career = _career("张三丰", sightings, [_fuller(READER, s) for s in sightings])
        assert career.sightings == sightings
        for record in career.records:
            keys = [(e.day or "9999", e.document_id, e.span) for e in record.evidence]
            assert keys == sorted(keys)
        shown = sum(len(_fuller(READER, s)) for s in sightings)
        assert sum(len(r.evidence) for r in career.records) == shown
