"""Scoring against gold files: extraction (the figures of shared/eval/score.py) and follow-through."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luoshi.messages import message
from luoshi.text import to_simplified

FIELDS = ("persons", "roles", "documents", "task_batches")
LEDGER_FIELDS = ("chair", "addressees", "deadlines")  # gold version 2: scored where the gold has them


def _norm(value: Any) -> str:
    import re

    s = re.sub(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", str(value))
    return to_simplified(re.sub(r"\s+", "", s).strip("《》「」\"'“”"))


@dataclass
class Score:
    counts: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0] for k in FIELDS + LEDGER_FIELDS}
    )
    ledger_docs: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEDGER_FIELDS, 0))
    dates: dict[str, list[int]] = field(default_factory=lambda: {"event_date": [0, 0], "published": [0, 0]})
    errors: list[tuple[str, str, list[Any], list[Any]]] = field(default_factory=list)

    def prf(self, name: str) -> tuple[float, float, float]:
        tp, fp, fn = self.counts[name]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def accuracy(self, name: str) -> float:
        ok, total = self.dates[name]
        return ok / total if total else 1.0

    @property
    def macro_f1(self) -> float:
        return (sum(self.prf(k)[2] for k in FIELDS) + self.accuracy("event_date")) / 5

    @property
    def ledger_f1(self) -> float | None:
        """The mean F1 of chair, addressees and deadlines over the fields some gold line has."""
        scored = [self.prf(k)[2] for k in LEDGER_FIELDS if self.ledger_docs[k]]
        return sum(scored) / len(scored) if scored else None

    def table(self) -> str:
        lines = [f"{'field':<14}{'P':>7}{'R':>7}{'F1':>7}"]
        for k in FIELDS:
            p, r, f = self.prf(k)
            lines.append(f"{k:<14}{p:7.3f}{r:7.3f}{f:7.3f}")
        for k in self.dates:
            lines.append(f"{k:<14}{'acc':>7}{self.accuracy(k):14.3f}")
        for k in LEDGER_FIELDS:
            if self.ledger_docs[k]:
                p, r, f = self.prf(k)
                lines.append(f"{k:<14}{p:7.3f}{r:7.3f}{f:7.3f}   ({self.ledger_docs[k]} documents)")
        if self.ledger_f1 is not None:
            lines.append(f"ledger_f1 {self.ledger_f1:.3f}")
        lines.append(f"macro_f1 {self.macro_f1:.3f}")
        return "\n".join(lines)


def load_jsonl(path: str | Path) -> dict[str, dict[str, Any]]:
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out[str(obj.get("id"))] = obj
    return out


def _batches(obj: dict[str, Any]) -> list[tuple[int, str]]:
    return [(int(b["count"]), _norm(b.get("what") or "")) for b in obj.get("task_batches") or []]


def _deadlines(obj: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(_norm(d.get("text") or ""), d.get("date") or None) for d in obj.get("deadlines") or []]


def _ledger_counts(name: str, gold: dict[str, Any], pred: dict[str, Any]) -> tuple[int, list[Any], list[Any]]:
    """(matches, extra predictions, missed gold) as shared/eval/score.py counts them: deadlines
    match on an equal date (null included) where the texts overlap either way."""
    if name != "deadlines":
        gs = {_norm(x) for x in gold.get(name) or []}
        ps = {_norm(x) for x in pred.get(name) or []}
        return len(gs & ps), sorted(ps - gs), sorted(gs - ps)
    unused = _deadlines(pred)
    lost = []
    for text, day in _deadlines(gold):
        i = next(
            (i for i, (t, d) in enumerate(unused) if d == day and text and t and (text in t or t in text)),
            None,
        )
        if i is None:
            lost.append((text, day))
        else:
            del unused[i]
    return len(_deadlines(gold)) - len(lost), unused, lost


def score(gold: dict[str, dict[str, Any]], predictions: Iterable[dict[str, Any]]) -> Score:
    pred = {str(p["id"]): p for p in predictions}
    result = Score()
    for doc_id, g in gold.items():
        p = pred.get(doc_id, {})
        pairs: dict[str, tuple[set[Any], set[Any]]] = {
            "persons": (
                {_norm(x) for x in g.get("persons") or []},
                {_norm(x) for x in p.get("persons") or []},
            ),
            "roles": (
                {(_norm(a), _norm(b)) for a, b in g.get("roles") or []},
                {(_norm(a), _norm(b)) for a, b in p.get("roles") or []},
            ),
            "documents": (
                {_norm(x) for x in g.get("documents") or []},
                {_norm(x) for x in p.get("documents") or []},
            ),
        }
        for k, (gs, ps) in pairs.items():
            c = result.counts[k]
            c[0] += len(gs & ps)
            c[1] += len(ps - gs)
            c[2] += len(gs - ps)
            if gs != ps:
                result.errors.append((doc_id, k, sorted(map(str, ps - gs)), sorted(map(str, gs - ps))))
        unused = _batches(p)
        tp = 0
        gold_batches = _batches(g)
        for count, what in gold_batches:
            for i, (pc, pw) in enumerate(unused):
                if pc == count and (not what or not pw or what in pw or pw in what):
                    tp += 1
                    del unused[i]
                    break
        c = result.counts["task_batches"]
        c[0] += tp
        c[1] += len(unused)
        c[2] += len(gold_batches) - tp
        for k in LEDGER_FIELDS:
            if k not in g:
                continue  # an older gold line: not scored on the field
            result.ledger_docs[k] += 1
            tp, extra, lost = _ledger_counts(k, g, p)
            for i, n in enumerate((tp, len(extra), len(lost))):
                result.counts[k][i] += n
            if extra or lost:
                result.errors.append((doc_id, k, list(extra), list(lost)))
        for k in result.dates:
            result.dates[k][1] += 1
            if (g.get(k) or None) == (p.get(k) or None):
                result.dates[k][0] += 1
            else:
                result.errors.append((doc_id, k, [p.get(k)], [g.get(k)]))
    return result


# -- people: one person across documents (B-cubed) ----------------------------------------------


@dataclass
class PeopleGold:
    """A gold set of people: each mention (document, name span in the file's text) with the
    person it is, and the pairs of people of one name who held incompatible posts at once."""

    mentions: dict[tuple[str, int, int], str]  # (document, start, end) → person
    names: dict[tuple[str, int, int], str]  # the name at each mention, simplified
    incompatible: list[tuple[str, str]]

    @property
    def people(self) -> set[str]:
        return set(self.mentions.values())

    @property
    def documents(self) -> set[str]:
        return {d for d, _, _ in self.mentions}


def _reads_as_name(name: str) -> bool:
    """A surname of the gazetteer and one to four more characters."""
    from luoshi.extract.gazetteer import surnames

    single, compound = surnames()
    return (
        2 <= len(name) <= 6
        and all("\u3400" <= c <= "\u9fff" for c in name)
        and (name[0] in single or name[:2] in compound)
    )


def load_people_gold(folder: str | Path) -> PeopleGold:
    """``gold.json`` beside ``docs/``: {"people": {person: [[document, [start, end]], …]},
    "incompatible": [[person, person], …]}; a document is a file of ``docs/`` named without its
    extension, a span is in the file's text. A span that holds no name, or one name given to two
    people in one document, is refused."""
    folder = Path(folder)
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts = {
        p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "docs").iterdir()) if p.is_file()
    }
    mentions: dict[tuple[str, int, int], str] = {}
    names: dict[tuple[str, int, int], str] = {}
    owner: dict[tuple[str, str], str] = {}
    for person, spans in gold["people"].items():
        for document, (start, end) in spans:
            if document not in texts:
                raise ValueError(f"{person}: no document {document!r} in {folder / 'docs'}")
            name = to_simplified(texts[document][start:end])
            if not _reads_as_name(name):
                raise ValueError(f"{person}: {document} [{start}, {end}) holds {name!r}, not a name")
            if owner.setdefault((document, name), person) != person:
                raise ValueError(f"{document}: {name} given to {owner[(document, name)]} and {person}")
            mentions[(document, start, end)] = person
            names[(document, start, end)] = name
    incompatible = [(str(a), str(b)) for a, b in gold.get("incompatible", [])]
    return PeopleGold(mentions, names, incompatible)


@dataclass
class PeopleScore:
    precision: float
    recall: float
    f1: float
    mentions: int
    people: int  # in the gold
    predicted: int  # predicted persons over the gold's mentions
    missed: int  # gold mentions with no predicted person (the name was not found)
    incompatible_merges: list[tuple[str, str]]
    wrong: list[tuple[str, list[str]]]  # predicted persons joining several gold people

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "mentions": self.mentions,
            "people": self.people,
            "predicted": self.predicted,
            "missed": self.missed,
            "incompatible_merges": [list(p) for p in self.incompatible_merges],
            "wrong": [[p, g] for p, g in self.wrong],
        }


def score_people(gold: PeopleGold, assigned: dict[tuple[str, str], Any]) -> PeopleScore:
    """B-cubed precision and recall over the gold's mentions: ``assigned`` maps (document,
    name) to a predicted person; a mention with none is a person of its own."""
    from collections import Counter

    predicted: dict[tuple[str, int, int], Any] = {}
    missed = 0
    for item in gold.mentions:
        found = assigned.get((item[0], gold.names[item]))
        if found is None:
            missed += 1
            found = ("missed", item)
        predicted[item] = found
    both = Counter((predicted[i], gold.mentions[i]) for i in gold.mentions)
    pred_size = Counter(predicted.values())
    gold_size = Counter(gold.mentions.values())
    n = len(gold.mentions) or 1
    precision = (
        sum(both[(predicted[i], gold.mentions[i])] / pred_size[predicted[i]] for i in gold.mentions) / n
    )
    recall = (
        sum(both[(predicted[i], gold.mentions[i])] / gold_size[gold.mentions[i]] for i in gold.mentions) / n
    )
    members: dict[Any, set[str]] = {}
    for item, person in predicted.items():
        members.setdefault(person, set()).add(gold.mentions[item])
    bad = [(a, b) for a, b in gold.incompatible if any({a, b} <= m for m in members.values())]
    wrong = sorted((str(p), sorted(m)) for p, m in members.items() if len(m) > 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PeopleScore(
        precision, recall, f1, len(gold.mentions), len(gold_size), len(pred_size), missed, bad, wrong
    )


# -- follow-through ----------------------------------------------------------------------------
# A gold directory holds the documents (``docs/``) and ``gold.json``: for each directive of the
# source documents (its document's name and a quote that lies inside it), the later documents
# that mention it with their label (重申 / 进展 / 完成 / 调整). Every directive found in a source
# document and not listed is expected to have no mention.

FOLLOW_LABELS = ("重申", "进展", "完成", "调整")


@dataclass
class FollowScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    labels_right: int = 0
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (gold, predicted) → links
    errors: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (kind, directive, document, detail)
    not_extracted: list[tuple[str, str]] = field(default_factory=list)  # (document, quote)
    directives: int = 0  # gold directives with a mention
    links: int = 0  # gold links
    later_documents: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def label_accuracy(self) -> float:
        return self.labels_right / self.tp if self.tp else 1.0

    def table(self) -> str:
        links = message("follow.eval.links")
        lines = [
            message(
                "follow.eval.gold", directives=self.directives, links=self.links, later=self.later_documents
            ),
            f"{'':<10}{'P':>7}{'R':>7}{'F1':>7}",
            f"{links:<10}{self.precision:7.3f}{self.recall:7.3f}{self.f1:7.3f}   "
            + message("follow.eval.counts", tp=self.tp, fp=self.fp, fn=self.fn),
            message(
                "follow.eval.accuracy", accuracy=self.label_accuracy, right=self.labels_right, tp=self.tp
            ),
            message("follow.eval.confusion") + " " + " ".join(f"{x:>4}" for x in FOLLOW_LABELS),
        ]
        for g in FOLLOW_LABELS:
            row = " ".join(f"{self.confusion.get((g, p), 0):>6}" for p in FOLLOW_LABELS)
            lines.append(f"{g:<14}{row}")
        return "\n".join(lines)


def load_follow_gold(folder: str | Path) -> dict[str, Any]:
    """``gold.json`` of a follow-through gold directory; ValueError when it is not usable."""
    gold = json.loads((Path(folder) / "gold.json").read_text(encoding="utf-8"))
    if not isinstance(gold, dict) or not isinstance(gold.get("directives"), list):
        raise ValueError("gold.json needs a list of directives")
    for d in gold["directives"]:
        if not isinstance(d.get("doc"), str) or not isinstance(d.get("quote"), str):
            raise ValueError(f"a directive needs doc and quote: {d!r}")
        for m in d.get("mentions") or []:
            if m.get("label") not in FOLLOW_LABELS:
                raise ValueError(f"unknown label {m.get('label')!r} in {d['doc']} {d['quote']!r}")
    return gold


def score_follow(
    gold: dict[str, Any],
    texts: dict[str, str],
    predicted: dict[str, list[tuple[int, int, dict[str, str]]]],
) -> FollowScore:
    """Score predicted mentions against the gold. ``texts``: each source document's simplified
    text by name; ``predicted``: per source document, its directives as (start, end, {later
    document: label}). A gold directive is the predicted one whose span holds its quote."""
    result = FollowScore()
    wanted: dict[tuple[str, int], dict[str, str]] = {}
    for d in gold["directives"]:
        mentions = {m["doc"]: m["label"] for m in d.get("mentions") or []}
        if mentions:
            result.directives += 1
            result.links += len(mentions)
        text = texts.get(d["doc"], "")
        at = text.find(to_simplified(d["quote"]))
        spans = predicted.get(d["doc"], [])
        index = next((i for i, (s, e, _) in enumerate(spans) if at >= 0 and s <= at < e), None)
        if index is None:
            result.not_extracted.append((d["doc"], d["quote"]))
            result.fn += len(mentions)
            continue
        wanted[(d["doc"], index)] = mentions
    result.later_documents = len({m["doc"] for d in gold["directives"] for m in d.get("mentions") or []})
    for doc, spans in predicted.items():
        for index, (start, end, found) in enumerate(spans):
            expected = wanted.get((doc, index), {})
            name = f"{doc}[{start}:{end}] {texts.get(doc, '')[start:end][:24]}"
            for later, label in found.items():
                if later in expected:
                    result.tp += 1
                    right = expected[later]
                    result.confusion[(right, label)] = result.confusion.get((right, label), 0) + 1
                    if right == label:
                        result.labels_right += 1
                    else:
                        result.errors.append(("label", name, later, f"{right} → {label}"))
                else:
                    result.fp += 1
                    result.errors.append(("extra", name, later, label))
            for later, label in expected.items():
                if later not in found:
                    result.fn += 1
                    result.errors.append(("missed", name, later, label))
    return result
