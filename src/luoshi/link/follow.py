"""Follow-through: which later documents take up a directive again — reiterate it (重申), report
progress on it (进展), report it completed (完成) or revise it (调整). Pure functions over
simplified text; the store finds the candidates and keeps the results (``luoshi.services.follow``).

*Evidence* is what a later sentence shares with the directive, aligned character by character
(rapidfuzz's Indel opcodes: the longest common subsequence, as matching blocks). Each character
pair of the directive weighs its inverse document frequency in the store; pairs inside a
*boilerplate* phrase — a 4-character phrase found in more than ``BOILERPLATE_SHARE`` of the
documents ("一级抓一级", "压实责任", "落地见效") — weigh nothing, so a later document that shares
only the genre's set phrases with a directive is no evidence of it. A sentence (or two adjacent
ones) is a *mention* when the matched pairs carry ``MIN_COVERAGE`` of the directive's weight and
one matched run holds ``MIN_ANCHOR`` weighed characters.

A mention is refused when it names another instance of the same kind of thing: another phase or
session ("二期" where the directive says "三期"), another count of the same batch ("30项民生实事"
for "96项民生实事"), or another place (a later document whose headline names places, none of
them the source's, and which never names the source's places; a directive naming its place
needs a document naming it). Of the directives of one source document, a later sentence is
evidence for the one it matches best.

The label comes from cue words around the mention (``follow_cues.tsv``): a revision (调整) counts
first; a sentence of obligation that reports nothing (要…, without 已/累计/截至…) gives the
directive again (重申); a count below the directive's target (42项 … 已完成11项, 62%) is progress
(进展); a completion word, or the directive's own goal reached ("…开工建设" → "正式开工"), is 完成;
words of work under way are 进展; otherwise 重申 where the sentence repeats the directive's
words of continuing, else 进展."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz.distance import Indel

from luoshi.text import parse_number

LABELS = ("重申", "进展", "完成", "调整")
SHINGLE = 4  # characters of a boilerplate phrase
BOILERPLATE_SHARE = 0.05  # a phrase in more of the documents than this is boilerplate
# Below this many documents holding it, no phrase is boilerplate: the share of a phrase in a
# small store says nothing (a project reported on five times is 5% of a hundred documents).
BOILERPLATE_MIN_DOCUMENTS = 10
MIN_COVERAGE = 0.35  # share of the directive's weight a mention must match
MIN_ANCHOR = 2.5  # weight of the longest matched run (about two uncommon pairs)
MAX_QUERIES = 4  # phrases of the directive searched for candidates
NEIGHBOURS = 1  # a mention may span a sentence and the next one
REORDERED_RUN = 3  # characters of a run matched out of order
MIN_BATCH = 3  # a counted batch this large or larger identifies the work ("42项重点改革任务")

_HERE = Path(__file__).parent
_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]+")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_DATE = re.compile(r"\d+(?:\.\d+)?\s*[年月日号]")
_OPENING = re.compile(
    r"^(?:[一二三四五六七八九十]+[要是]|第[一二三四五六七八九十]+[，,、]|[（(][一二三四五六七八九十\d]+[)）])"
)
# Chinese numerals of one character ("一条", "两个") are mostly not counts ("最后一条街巷").
_NUMERAL = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两零〇]{2,})"
# A share that measures work done ("完成投资的62%", "覆盖率已达78%"), not growth ("增长38%").
_DONE_SHARE = re.compile(r"(?:已|累计|完成|达到|达|覆盖率|工程量|进度|有)[^，。；%]{0,10}$")
# Identifiers of one instance among several: phases and sessions ("三期", "第三届").
_ORDINAL = re.compile(r"第?([一二三四五六七八九十\d]{1,3})(期|届|批|号线)")
# A counted batch: a count directly before what is counted ("96项重点民生实事").
_COUNT = re.compile(r"(\d{1,5}|[一二三四五六七八九十百两]{1,6})(项|个|条|件)([\u4e00-\u9fff]{2})")


@cache
def _cue_lines() -> dict[str, list[re.Pattern[str]]]:
    """Each kind's lines of ``follow_cues.tsv``, one pattern a line."""
    lines: dict[str, list[re.Pattern[str]]] = {}
    for line in (_HERE / "follow_cues.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, pattern = line.split("\t", 1)
            lines.setdefault(kind, []).append(re.compile(pattern.strip()))
    return lines


@cache
def _cues() -> dict[str, re.Pattern[str]]:
    """Each kind's lines as one pattern; ``quantity`` finds numbers with their unit."""
    lines = _cue_lines()
    out = {
        kind: re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) for kind, patterns in lines.items()
    }
    units = "|".join(sorted(lines["unit"][0].pattern.split("|"), key=len, reverse=True))
    out["quantity"] = re.compile(rf"({_NUMERAL})\s*(?=({units}))")
    return out


@cache
def _heads() -> re.Pattern[str]:
    words = next(
        line.split("\t", 1)[1].split()
        for line in (_HERE / "follow_scope.tsv").read_text(encoding="utf-8").splitlines()
        if line.startswith("head\t")
    )
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


def place_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where ``text`` names the places: each name with the administrative head after it
    ("海澄自贸片区", "白沙市")."""
    heads = _heads()
    out = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            head = heads.match(text, m.end())
            out.append((m.start(), head.end() if head else m.end()))
    return out


@cache
def _scope_words() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    words: dict[str, list[str]] = {}
    for line in (_HERE / "follow_scope.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, values = line.split("\t", 1)
            words[kind] = values.split()
    heads = "|".join(sorted(words["head"], key=len, reverse=True))
    after = "".join(words["not_after"])
    pattern = re.compile(rf"([\u4e00-\u9fff]{{2}})(?:{heads})(?![{after}])")
    return pattern, frozenset("".join(words["not_in"])), frozenset(words["not_place"])


def scope_names(text: str | None) -> frozenset[str]:
    """Places a text names by their administrative head: "临江市委常委会…滨江新区…" →
    {临江, 滨江}. Two characters before the head (most place names; a longer name still
    contains them)."""
    pattern, not_in, not_place = _scope_words()
    found = set()
    for m in pattern.finditer(text or ""):
        name = m.group(1)
        if name not in not_place and not not_in.intersection(name):
            found.add(name)
    return frozenset(found)


# -- phrase statistics -------------------------------------------------------------------------


def phrases(simplified: str) -> set[str]:
    """The characters, character pairs and 4-character phrases of a text, never across
    punctuation."""
    out: set[str] = set()
    for m in _WORD.finditer(simplified):
        w = m.group()
        out.update(w)
        out.update(w[i : i + 2] for i in range(len(w) - 1))
        out.update(w[i : i + SHINGLE] for i in range(len(w) - SHINGLE + 1))
    return out


def phrase_counts(texts: Iterable[str]) -> tuple[int, Counter[str]]:
    """(documents, how many of them hold each pair and 4-character phrase)."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        counts.update(phrases(text))
    return n, counts


@dataclass(frozen=True)
class PhraseStats:
    """Document frequencies of phrases in (a sample of) the store."""

    documents: int
    counts: Mapping[str, int]

    def frequency(self, phrase: str) -> int:
        return self.counts.get(phrase, 0)

    def is_boilerplate(self, phrase: str) -> bool:
        n = self.frequency(phrase)
        return n >= BOILERPLATE_MIN_DOCUMENTS and n > BOILERPLATE_SHARE * self.documents

    def idf(self, phrase: str) -> float:
        return math.log((self.documents + 1) / (self.frequency(phrase) + 0.5))

    def cohesion(self, pair: str) -> float:
        """How much a pair is a word: of the documents holding its rarer character, the share
        holding the pair ("滨江" near 1; "进滨" in "推进滨江…", a junction of two words, near 0)."""
        rarer = min(self.frequency(pair[0]), self.frequency(pair[1]))
        return min(1.0, (self.frequency(pair) + 0.5) / (rarer + 0.5))

    def weight(self, pair: str) -> float:
        """What matching a pair is worth: its rarity as a word."""
        return self.idf(pair) * self.cohesion(pair)


# -- what is followed and what is found ----------------------------------------------------------


@dataclass
class Target:
    """A directive to follow: its simplified text (with its offset in its document), the day of
    its document, and what else identifies it."""

    key: int  # the directive's id
    text: str
    day: str | None
    group: int = 0  # directives of one source document compete for a later sentence
    scope: frozenset[str] = frozenset()  # places the source document's headline names
    places: frozenset[str] = frozenset()  # places named anywhere in the source document
    addressee: str | None = None  # who is asked: no evidence of the work itself


@dataclass
class Candidate:
    """A later document: its id, day, headline and simplified text."""

    key: int
    day: str | None
    title: str | None
    text: str


@dataclass
class Mention:
    target: int
    document: int
    day: str | None
    label: str
    span: tuple[int, int]  # the sentence(s) in the later document's text
    aligned: list[tuple[int, int]] = field(default_factory=list)  # the matched runs, in that text
    cue: str | None = None
    score: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "document_id": self.document,
            "date": self.day,
            "label": self.label,
            "span": list(self.span),
            "aligned": [list(a) for a in self.aligned],
            "cue": self.cue,
            "score": round(self.score, 3),
        }


@dataclass
class Weights:
    """Per character pair of a directive: its weight (0 for punctuation and boilerplate)."""

    text: str
    pairs: list[float]

    @property
    def total(self) -> float:
        return sum(self.pairs)


def weigh(text: str, stats: PhraseStats, addressee: str | None = None, places: Iterable[str] = ()) -> Weights:
    """The weight of each character pair of ``text``: its rarity as a word (``PhraseStats.weight``);
    nothing for pairs across punctuation, inside a boilerplate phrase or a date, in the
    addressee or a place name (who is asked and where say nothing of the work; places are
    checked apart) or in the opening ordinal ("一要")."""
    n = len(text)
    boiler = [False] * n
    for m in _WORD.finditer(text):
        w, base = m.group(), m.start()
        for i in range(len(w) - SHINGLE + 1):
            if stats.is_boilerplate(w[i : i + SHINGLE]):
                for k in range(base + i, base + i + SHINGLE):
                    boiler[k] = True
    masked = [m.span() for m in _DATE.finditer(text)]
    if addressee:
        masked.extend(m.span() for m in re.finditer(re.escape(addressee), text))
    masked.extend(place_spans(text, places))
    for start, end in masked:
        for k in range(start, end):
            boiler[k] = True
    opening = _OPENING.match(text)
    skip = opening.end() if opening else 0
    pairs = []
    for i in range(n - 1):
        pair = text[i : i + 2]
        if i < skip or boiler[i] or boiler[i + 1] or not _WORD.fullmatch(pair):
            pairs.append(0.0)
        else:
            pairs.append(stats.weight(pair))
    return Weights(text, pairs)


def query_phrases(text: str, stats: PhraseStats, limit: int = MAX_QUERIES) -> list[str]:
    """The directive's rarest 4-character phrases (no boilerplate, no digits, not overlapping):
    what the store is searched for."""
    found: list[tuple[int, int, str]] = []
    opening = _OPENING.match(text)
    skip = opening.end() if opening else 0
    for m in _WORD.finditer(text):
        w, base = m.group(), m.start()
        for i in range(len(w) - SHINGLE + 1):
            phrase = w[i : i + SHINGLE]
            if base + i < skip or any(c.isdigit() for c in phrase) or stats.is_boilerplate(phrase):
                continue
            found.append((stats.frequency(phrase), base + i, phrase))
    chosen: list[tuple[int, str]] = []
    for _, at, phrase in sorted(found):
        if all(abs(at - other) >= SHINGLE for other, _ in chosen):
            chosen.append((at, phrase))
        if len(chosen) == limit:
            break
    return [p for _, p in sorted(chosen)]


def batch_queries(text: str) -> list[list[str]]:
    """Searches for a counted batch the directive names: "96项重点民生实事" → ["96项", "重点"]."""
    out = []
    for m in _COUNT.finditer(text):
        if m.group(1).isdigit() or len(m.group(1)) > 1:
            out.append([m.group(1) + m.group(2), m.group(3)])
    return out


def heaviest_pair(weights: Weights) -> str | None:
    """The pair of the directive that weighs most (what to search beside its addressee)."""
    best = max(range(len(weights.pairs)), key=weights.pairs.__getitem__, default=None)
    return weights.text[best : best + 2] if best is not None and weights.pairs[best] > 0 else None


# -- alignment --------------------------------------------------------------------------------


@dataclass
class Alignment:
    coverage: float
    anchor: float
    runs: list[tuple[int, int, int, float]]  # (start in the directive, start in the window, length, weight)


def align(weights: Weights, window: str) -> Alignment:
    """The directive aligned with a window of a later text: the share of its weight in matched
    runs of two characters or more, and the weight of the heaviest run. A second pass aligns
    what the first left unmatched on both sides, for parts said in another order ("引进…企业100家"
    / "100家…企业"); it keeps runs of ``REORDERED_RUN`` characters or more."""
    total = weights.total
    if not total or not window:
        return Alignment(0.0, 0.0, [])
    runs: list[tuple[int, int, int, float]] = []
    directive = weights.text
    for least in (2, REORDERED_RUN):
        for block in Indel.opcodes(directive, window).as_matching_blocks():
            if block.size < least:
                continue
            w = sum(weights.pairs[block.a : block.a + block.size - 1])
            if w > 0:
                runs.append((block.a, block.b, block.size, w))
        # What is matched cannot match again: blank it on both sides (different blanks never match).
        directive = _blank(directive, [(a, a + n) for a, _, n, _ in runs], "\x00")
        window = _blank(window, [(b, b + n) for _, b, n, _ in runs], "\x01")
    matched = sum(w for *_, w in runs)
    anchor = max((w for *_, w in runs), default=0.0)
    return Alignment(matched / total, anchor, sorted(runs))


def _blank(text: str, spans: Iterable[tuple[int, int]], blank: str) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = blank * (end - start)
    return "".join(chars)


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SENTENCE.finditer(text):
        raw = m.group()
        start = m.start() + len(raw) - len(raw.lstrip())
        end = m.start() + len(raw.rstrip())
        if end - start >= 4:
            out.append((start, end))
    return out


def _identifiers(pattern: re.Pattern[str], text: str, context: int) -> dict[str, set[str]]:
    """Identifiers by what they identify: {"理厂期": {"三"}} for "江北污水处理厂三期"
    (ordinals: the two characters before; counts: the two characters after)."""
    out: dict[str, set[str]] = {}
    for m in pattern.finditer(text):
        if context < 0:
            key = text[max(0, m.start() + context) : m.start()] + m.group(2)
        else:
            key = m.group(2) + m.group(3)
        value = parse_number(m.group(1))
        out.setdefault(key, set()).add(str(value if value is not None else m.group(1)))
    return out


def conflicts(directive: str, window: str) -> bool:
    """Whether the window names another instance than the directive: another phase or session
    of the same thing, another count of the same batch."""
    for pattern, context in ((_ORDINAL, -2), (_COUNT, 2)):
        mine = _identifiers(pattern, directive, context)
        if not mine:
            continue
        theirs = _identifiers(pattern, window, context)
        for key, values in mine.items():
            if key in theirs and not values & theirs[key]:
                return True
    return False


# -- labels -----------------------------------------------------------------------------------


def _quantities(text: str) -> list[tuple[float, str, int]]:
    """(value, unit, offset) of the counts and amounts in a text, dates left out."""
    out = []
    for m in _cues()["quantity"].finditer(text):
        raw = m.group(1)
        value = float(raw) if raw[0].isdigit() else parse_number(raw)
        if value is not None and not _DATE.match(text, m.start()):
            out.append((float(value), m.group(2), m.start()))
    return out


def _reached(text: str, cue: re.Match[str]) -> bool:
    """A completion word that is not a plan ("预计…竣工", "年底前完成")."""
    before = text[max(0, cue.start() - 6) : cue.start()]
    return not _cues()["future"].search(before)


def _goals(directive: str) -> list[re.Pattern[str]]:
    """The milestone groups the directive sets as its goal."""
    return [group for group in _cue_lines()["milestone"] if group.search(directive)]


def label(
    directive: str, region: str, title: str | None = None, related: Sequence[str] = ()
) -> tuple[str, str | None]:
    """(label, the cue that decided it) for a mention ``region`` of ``directive``; ``related``
    are other sentences of the document on the same work (a revision said there counts)."""
    cues = _cues()
    for text in (region, *related):
        revised = cues["调整"].search(text)
        if revised:
            return "调整", revised.group()
    past = cues["past"].search(region)
    if cues["imperative"].search(region) and not past:
        again = cues["重申"].search(region)
        return "重申", again.group() if again else None
    # Counts against the directive's target: below it is progress, at or above it done.
    targets = {unit: value for value, unit, _ in _quantities(directive)}
    reported = _quantities(region)
    for value, unit, at in reported:
        done_before = bool(_DONE_SHARE.search(region[max(0, at - 12) : at]))
        if unit == "%" and "%" not in targets:
            if value < 100 and done_before:
                return "进展", f"{value:g}%"
        elif unit in targets and value < targets[unit] and (done_before or unit == "%"):
            return "进展", f"{value:g}{unit}"
    reached = [m for group in _goals(directive) for m in group.finditer(region) if _reached(region, m)]
    if reached:
        return "完成", reached[0].group()
    ongoing = _cue_lines()["进展"][0].search(region)
    if ongoing:
        return "进展", ongoing.group()
    done = [m for m in cues["完成"].finditer(region) if _reached(region, m)]
    if done:
        return "完成", done[0].group()
    future = _cues()["future"]
    met = [
        (v, u)
        for v, u, at in reported
        if u in targets and v >= targets[u] and not future.search(region[max(0, at - 6) : at])
    ]
    if met:
        return "完成", f"{met[0][0]:g}{met[0][1]}"
    partial = cues["进展"].search(region)
    if partial:
        return "进展", partial.group()
    if title:
        heading = cues["调整"].search(title)
        if heading:
            return "调整", heading.group()
        heading = cues["完成"].search(title)
        if heading and _reached(title, heading):
            return "完成", heading.group()
    again = cues["重申"].search(region)
    if again and not past:
        return "重申", again.group()
    return "进展", None


PRIORITY = {"调整": 3, "完成": 2, "进展": 1, "重申": 0}  # what a document says of a directive, first


# -- follow -----------------------------------------------------------------------------------


@dataclass
class _Window:
    start: int
    end: int
    alignment: Alignment
    origin: int = -1  # where the aligned text began (the span is trimmed after)

    def __post_init__(self) -> None:
        if self.origin < 0:
            self.origin = self.start

    def runs(self, heavier: float = 0.0) -> list[tuple[int, int]]:
        """The matched runs in the later text, those weighing at least ``heavier``."""
        return [
            (self.origin + b, self.origin + b + size) for _, b, size, w in self.alignment.runs if w >= heavier
        ]


@dataclass
class _Found:
    target: Target
    windows: list[_Window]  # the qualifying windows, the best first
    related: list[str]

    @property
    def coverage(self) -> float:
        return self.windows[0].alignment.coverage


EVIDENCE = 2.0  # a matched run weighing this much is evidence (lighter ones may be chance: "建设")
RELATED = 0.2  # coverage of another sentence of the document that speaks of the same work
CLAUSE_SHARE = 0.3  # a clause carrying this share of the directive's weight may be followed alone
CLAUSE_COVERAGE = 0.5  # … when a window matches this share of it


def _clauses(weights: Weights) -> list[tuple[int, int]]:
    """The directive's clauses (between commas and semicolons) that carry weight of their own."""
    out = []
    total = weights.total
    for m in re.finditer(r"[^，,；;：:]+", weights.text):
        w = sum(weights.pairs[m.start() : max(m.start(), m.end() - 1)])
        if total and w >= CLAUSE_SHARE * total:
            out.append((m.start(), m.end()))
    return out


def _qualifies(
    target: Target, weights: Weights, clauses: Sequence[tuple[int, int]], found: Alignment, window: str
) -> bool:
    """Whether a window is a mention of the directive: enough of its weight matched (or of one
    of its clauses, or its counted batch named alike), one heavy run, nothing that names
    another instance."""
    if conflicts(target.text, window):
        return False
    # The same counted batch ("42项重点改革任务") names the same work, however common its words.
    batches = _identifiers(_COUNT, target.text, 2)
    if batches:
        theirs = _identifiers(_COUNT, window, 2)
        if any(
            int(v) >= MIN_BATCH
            for key, values in batches.items()
            for v in values & theirs.get(key, set())
            if v.isdigit()
        ):
            return True
    if found.anchor < MIN_ANCHOR:
        return False
    if found.coverage >= MIN_COVERAGE:
        return True
    for start, end in clauses:
        own = sum(weights.pairs[start : max(start, end - 1)])
        matched = sum(
            sum(weights.pairs[max(a, start) : min(a + size - 1, end - 1)]) for a, _, size, _ in found.runs
        )
        if own and matched >= CLAUSE_COVERAGE * own:
            return True
    return False


def _windows(
    target: Target,
    weights: Weights,
    clauses: Sequence[tuple[int, int]],
    text: str,
    sentences: Sequence[tuple[int, int]],
    keys: set[str],
) -> _Found | None:
    """The windows of a later text (a sentence, or it and the next in the same paragraph) that
    mention the directive, the best-matching first; each trimmed to its sentences holding
    matched runs. None when none does."""
    windows: list[_Window] = []
    related: list[str] = []
    for i, (start, end) in enumerate(sentences):
        if not any(k in text[start:end] for k in keys):
            continue
        # A sentence alone, or — when it is not a mention alone — it and the next one of its paragraph.
        best: _Window | None = None
        for j in range(i, min(i + NEIGHBOURS + 1, len(sentences))):
            stop = sentences[j][1]
            window = text[start:stop]
            if j > i and "\n" in window:
                break
            found = align(weights, window)
            if j == i and found.coverage >= RELATED and not conflicts(target.text, window):
                related.append(window)
            if _qualifies(target, weights, clauses, found, window):
                best = _Window(start, stop, found)
                break
        if best is not None:
            runs = best.runs(EVIDENCE) or best.runs()
            held = [
                (s, e)
                for s, e in sentences
                if best.start <= s < best.end and any(s <= a < e for a, _ in runs)
            ]
            if held:
                best.start, best.end = held[0][0], held[-1][1]
            windows.append(best)
    if not windows:
        return None
    windows.sort(key=lambda w: -w.alignment.coverage)
    return _Found(target, windows, related)


def _places_agree(target: Target, candidate: Candidate) -> bool:
    """Whether a later document speaks of the source's places: it must name a place of the
    source's headline, or one the directive names — and, where the directive names a place of
    the headline, that one. News of a project names where it is; the same work elsewhere
    ("金溪市…开展涉企违规收费专项整治") is not a follow-up."""
    if not target.scope:
        return True
    text, title = candidate.text, candidate.title or ""
    named = [name for name in target.scope | target.places if name in target.text]
    headline = [name for name in named if name in target.scope]
    if headline and not any(name in text or name in title for name in headline):
        return False
    return any(name in text or name in title for name in (*target.scope, *named))


def _keys(weights: Weights) -> set[str]:
    """Pairs of the directive worth looking for a sentence by (the heaviest half)."""
    weighted = sorted(
        ((w, weights.text[i : i + 2]) for i, w in enumerate(weights.pairs) if w > 0), reverse=True
    )
    return {pair for _, pair in weighted[: max(3, len(weighted) // 2)]}


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    """Whether two sets of matched runs share characters."""
    return any(x < y2 and y < x2 for x, x2 in a for y, y2 in b)


def follow(targets: Sequence[Target], candidates: Iterable[Candidate], stats: PhraseStats) -> list[Mention]:
    """The mentions of ``targets`` among ``candidates``, one per (directive, later document).
    Matched text is evidence for one directive of a source document only (the best-matching).
    Of a document's windows on a directive, the one saying most decides the label (a revision,
    then completion, progress, reiteration)."""
    ready = []
    for t in targets:
        weights = weigh(t.text, stats, t.addressee, t.scope)
        if weights.total > 0:
            ready.append((t, weights, _clauses(weights), _keys(weights)))
    out: list[Mention] = []
    for candidate in candidates:
        sentences = _sentences(candidate.text)
        found: list[_Found] = []
        for target, weights, clauses, keys in ready:
            if not candidate.day or not target.day or candidate.day <= target.day:
                continue
            if not _places_agree(target, candidate):
                continue
            f = _windows(target, weights, clauses, candidate.text, sentences, keys)
            if f is not None:
                found.append(f)
        found.sort(key=lambda f: -f.coverage)
        kept: list[_Found] = []
        for f in found:
            mine = f.windows[0].runs(EVIDENCE)
            if any(
                k.target.group == f.target.group and _overlap(k.windows[0].runs(EVIDENCE), mine) for k in kept
            ):
                continue
            kept.append(f)
        for f in kept:
            labelled = []
            for w in f.windows:
                region = candidate.text[w.start : w.end]
                labelled.append((label(f.target.text, region, candidate.title, f.related), w))
            # A window with a cue says more than one without ("会议听取了…情况汇报").
            (name, cue), w = max(
                labelled, key=lambda lw: (lw[0][1] is not None, PRIORITY[lw[0][0]], lw[1].alignment.coverage)
            )
            out.append(
                Mention(
                    f.target.key,
                    candidate.key,
                    candidate.day,
                    name,
                    (w.start, w.end),
                    w.runs(),
                    cue,
                    f.coverage,
                )
            )
    out.sort(key=lambda m: (m.target, m.day or "", m.document))
    return out
