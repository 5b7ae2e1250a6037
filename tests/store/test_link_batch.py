"""Linking a batch of documents chooses each one's candidates, the pairs compared exactly and the
band lists it writes for the whole batch at once (``stories.choose``, ``most_alike``,
``band_lists``). They must give what the rule gives one document at a time: the reference
implementations below are that rule, written as the writer ran it before (a loop over each
document's band keys), and are compared on random batches — band keys shared by many documents,
stored lists, documents without keys, ids far apart (the per-document fallback)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from luoshi.link.reprints import Fingerprint
from luoshi.store import stories
from luoshi.store.stories import MAX_CANDIDATES, MAX_COMPARED, MIN_ESTIMATE, PER_KEY


def choose_one_at_a_time(
    items: list[tuple[int, Fingerprint]], stored: dict[int, list[int]]
) -> dict[int, list[int]]:
    in_batch: dict[int, list[int]] = {}
    chosen: dict[int, list[int]] = {}
    for doc_id, fp in items:
        pool: list[int] = []
        for key in set(fp.keys):
            pool.extend(stored.get(key, ()))
            peers = in_batch.get(key)
            if peers is None:
                in_batch[key] = [doc_id]
            else:
                pool.extend(peers[-PER_KEY:])
                peers.append(doc_id)
        counts: dict[int, int] = {}
        for other in pool:
            if other != doc_id:
                counts[other] = counts.get(other, 0) + 1
        ranked = sorted(counts, key=lambda other: (counts[other], other), reverse=True)
        chosen[doc_id] = ranked[:MAX_CANDIDATES]
    return chosen


def alike_one_at_a_time(
    chosen: dict[int, list[int]], signatures: dict[int, np.ndarray]
) -> list[tuple[int, int]]:
    likely: list[tuple[int, int]] = []
    for doc_id, found in chosen.items():
        others = [o for o in found if o in signatures]
        estimates = [float((signatures[o] == signatures[doc_id]).mean()) for o in others]
        order = sorted(range(len(others)), key=lambda k: -estimates[k])[:MAX_COMPARED]  # (stable)
        likely.extend((others[k], doc_id) for k in order if estimates[k] >= MIN_ESTIMATE)
    return likely


def lists_one_at_a_time(
    items: list[tuple[int, Fingerprint]], stored: dict[int, list[int]]
) -> list[tuple[int, bytes]]:
    lists: dict[int, list[int]] = {}
    for doc_id, fp in sorted(items):
        for key in set(fp.keys):
            lists.setdefault(key, list(stored.get(key, ()))).append(doc_id)
    return sorted((key, stories.pack(sorted(held)[-PER_KEY:])) for key, held in lists.items())


def fingerprint(keys: tuple[int, ...]) -> Fingerprint:
    empty = np.empty(0, dtype=np.uint64)
    return Fingerprint(empty, empty, np.empty(0, dtype=np.uint32), keys)


def batch(rng: random.Random, far: bool) -> tuple[list[tuple[int, Fingerprint]], dict[int, list[int]]]:
    """Documents with band keys from a small or a large set (many or few shared), some without
    keys; stored lists of up to PER_KEY older documents."""
    spread = rng.choice([3, 30, 300, 3000])
    first = (1 << 60) if far else rng.randint(2, 500)
    ids = sorted({first + rng.randrange(400) for _ in range(rng.choice([1, 2, 12, 80]))})
    items = [
        (i, fingerprint(tuple(rng.randrange(-spread, spread) for _ in range(rng.choice([0, 2, 42, 42])))))
        for i in ids
    ]
    older = range(1, min(first, 1000))
    stored = {
        key: sorted(rng.sample(older, min(len(older), rng.randint(1, PER_KEY))))
        for key in range(-spread, spread)
        if rng.random() < 0.6
    }
    return items, stored


@pytest.mark.parametrize("far", [False, True])
def test_a_batch_is_linked_as_one_document_at_a_time(far):
    rng = random.Random(20261206 + far)
    for _ in range(150):
        items, stored = batch(rng, far)
        chosen = stories.choose(items, stored)
        assert chosen == choose_one_at_a_time(items, stored)
        assert list(chosen) == [i for i, _ in items]
        ids = {i for i, _ in items} | {o for found in chosen.values() for o in found}
        # three values: estimates around a third, some at or above MIN_ESTIMATE; a few
        # candidates without a signature (deleted meanwhile)
        signatures = {
            i: np.array([rng.randrange(3) for _ in range(128)], dtype=np.uint32)
            for i in sorted(ids)
            if rng.random() < 0.9 or i in dict(items)
        }
        assert stories.most_alike(chosen, signatures) == alike_one_at_a_time(chosen, signatures)
        assert stories.band_lists(items, stored) == lists_one_at_a_time(items, stored)


def test_the_newest_candidates_among_equals_and_at_most_per_key_of_the_batch():
    """Two keys: the stored documents share one each, earlier documents of the batch share both;
    of a key shared by more than PER_KEY earlier documents only the last PER_KEY count."""
    items = [(100 + k, fingerprint((7, 8))) for k in range(PER_KEY + 3)]
    chosen = stories.choose(items, {7: [1, 2], 8: [3]})
    last = items[-1][0]
    peers = list(range(last - 1, last - 1 - PER_KEY, -1))  # both keys: shared twice, newest first
    assert chosen[last] == [*peers, 3, 2, 1][:MAX_CANDIDATES]
    assert chosen[100] == [3, 2, 1]
