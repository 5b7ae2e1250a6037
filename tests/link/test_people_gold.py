"""The people gold set (tests/link/people_set: readouts we wrote, fictional officials) holds
what the issue asks of it, is what its generator writes, and is scored by B-cubed as promised
(the gate itself runs the command: tests/cli/test_people_cli.py::test_the_gold_set_gate)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from luoshi.evaluate import PeopleGold, load_people_gold, score_people

FOLDER = Path(__file__).with_name("people_set")


@cache
def _make():
    """The generator of the set (tests/link/people_set/make.py), imported from its file."""
    spec = importlib.util.spec_from_file_location("people_set_make", FOLDER / "make.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_gold_set_is_what_the_issue_asks():
    gold = load_people_gold(FOLDER)
    make = _make()
    assert len(gold.people) >= 40 and len(gold.documents) >= 60
    names: dict[str, set[str]] = defaultdict(set)
    for item, person in gold.mentions.items():
        names[gold.names[item]].add(person)
    shared = {name: people for name, people in names.items() if len(people) > 1}
    places = {pid: {s.place for s in make.PEOPLE[pid][1]} for pid in make.PEOPLE}
    pairs = [
        (a, b)
        for people in shared.values()
        for a in people
        for b in people
        if a < b and places[a] != places[b]
    ]
    assert len(pairs) >= 6  # the same name in different places
    several = [
        pid
        for pid, (_, stints) in make.PEOPLE.items()
        if len({s.post for s in stints} | {s.place for s in stints}) > 2
    ]
    assert len(several) >= 10  # several posts over the years
    assert len(gold.incompatible) >= 6 and all(
        a in gold.people and b in gold.people for a, b in gold.incompatible
    )
    assert any("traditional" in d for d in gold.documents)


def test_the_committed_set_is_what_its_generator_writes():
    make = _make()
    built = make.build()
    on_disk = {p.stem: p.read_text(encoding="utf-8") for p in (FOLDER / "docs").glob("*.txt")}
    assert {name: text for name, text, _ in built} == on_disk
    gold = json.loads((FOLDER / "gold.json").read_text(encoding="utf-8"))
    spans = defaultdict(list)
    for name, _, found in built:
        for pid, a, b in found:
            spans[pid].append([name, [a, b]])
    assert gold["people"] == dict(spans)


def _gold(mentions: dict[tuple[str, int, int], str], incompatible=()) -> PeopleGold:
    names = {item: "张三" if item[1] == 0 else "李四" for item in mentions}
    return PeopleGold(mentions, names, list(incompatible))


def test_bcubed_scores():
    # gold: A in documents 1 and 2, B in documents 3 and 4 (all named 张三)
    gold = _gold({("d1", 0, 2): "A", ("d2", 0, 2): "A", ("d3", 0, 2): "B", ("d4", 0, 2): "B"}, [("A", "B")])
    perfect = score_people(gold, {("d1", "张三"): 1, ("d2", "张三"): 1, ("d3", "张三"): 2, ("d4", "张三"): 2})
    assert (perfect.precision, perfect.recall, perfect.f1) == (
        1.0,
        1.0,
        1.0,
    ) and not perfect.incompatible_merges
    lumped = score_people(gold, {(d, "张三"): 1 for d in ("d1", "d2", "d3", "d4")})
    assert (lumped.precision, lumped.recall) == (0.5, 1.0) and lumped.incompatible_merges == [("A", "B")]
    assert lumped.wrong == [("1", ["A", "B"])]
    split = score_people(gold, {("d1", "张三"): 1, ("d3", "张三"): 2})  # d2, d4 not found: persons alone
    assert (split.precision, split.recall, split.missed) == (1.0, 0.5, 2)
    assert split.f1 == pytest.approx(2 / 3)


def test_a_gold_file_that_does_not_hold_names_is_refused(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("市长覃建国主持会议。", encoding="utf-8")
    (tmp_path / "gold.json").write_text(json.dumps({"people": {"P1": [["a", [0, 2]]]}}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a name"):
        load_people_gold(tmp_path)
    (tmp_path / "gold.json").write_text(
        json.dumps({"people": {"P1": [["a", [2, 5]]], "P2": [["a", [2, 5]]]}})
    )
    with pytest.raises(ValueError, match="given to P1 and P2"):
        load_people_gold(tmp_path)
