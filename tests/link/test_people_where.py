"""Where a person sat when (``link.people._Where``), as clustering asks it for each mention
without a post: whether the person sat elsewhere at a tier of the document's home that month
(``conflicts``) and whether they sat in the home near its day (``near``). Both look only at the
seats of the home's tiers, by a search in the sorted days; here they are checked against the
plain definition — every seat held around the day, computed whole — on random careers."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict

from luoshi.link.people import (
    FORMER,
    HELD,
    SAME_MONTH,
    SAME_PLACE_YEARS,
    Post,
    Shown,
    Sighting,
    _Group,
    _Where,
)

PLACES = {"省": ("广东", "浙江", "江苏"), "市": ("深圳", "广州", "杭州", "南京"), "县": ("南山", "福田")}
NEAR = SAME_PLACE_YEARS * 366 + 1


def around(where: _Where, day: int | None, days: int) -> set[tuple[str, str]]:
    """Every seat held within ``days`` of ``day`` (all of them when the day is unknown)."""
    if day is None:
        return set(where.by_seat)
    found = set(where.always)
    for seat, seen in where.by_seat.items():
        k = bisect_left(seen, day - days + 1)
        if k < len(seen) and seen[k] <= day + days - 1:
            found.add(seat)
    return found


def sat_elsewhere(home: set[tuple[str, str]], seats: set[tuple[str, str]]) -> bool:
    mine: dict[str, set[str]] = defaultdict(set)
    for tier, place in seats:
        mine[tier].add(place)
    return any(tier in mine and place not in mine[tier] for tier, place in home)


def career(rng: random.Random) -> _Where:
    """A person seen in a few posts with places, on random days (some only as former posts:
    their seats are held with no day)."""
    group = None
    for k in range(rng.randint(1, 6)):
        seats = tuple(
            (tier, rng.choice(PLACES[tier])) for tier in rng.sample(sorted(PLACES), rng.randint(1, 2))
        )
        post = Post(f"post-{k}", seats[0][1], seats[0][0], "", "市长", seats)
        day = f"{rng.randint(2018, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        change = FORMER if rng.random() < 0.15 else HELD
        s = Sighting(k, "张三", day, [Shown(post.text, (0, 2), change)])
        g = _Group(s, [(s.shown[0], post)], set())
        if group is None:
            group = g
        else:
            group.absorb(g)
    assert group is not None
    return _Where(group)


def test_seats_around_a_day_as_the_plain_definition_says():
    rng = random.Random(15)
    asked = conflicting = 0
    for _ in range(300):
        where = career(rng)
        for _ in range(20):
            home = {
                (tier, rng.choice(PLACES[tier])) for tier in rng.sample(sorted(PLACES), rng.randint(1, 3))
            }
            day = None if rng.random() < 0.1 else rng.randint(736_700, 739_300)
            near = bool(home & around(where, day, NEAR))
            assert where.near(home, day, NEAR) == near
            expected = False
            if day is not None:
                expected = sat_elsewhere(home, around(where, day, SAME_MONTH))
                assert where.conflicts(home, day) == expected
                asked += 1
                conflicting += expected
            # the two questions in one pass, as clustering asks them
            assert where.rank(home, day, NEAR) == (None if expected else 2 if near else 1)
    assert asked > 5000 and 100 < conflicting < asked - 100  # both answers were checked often
