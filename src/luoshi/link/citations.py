"""Cited documents across documents, as pure functions over text and keys.

- ``title_key``: one key per title however it is written — 《》〈〉「」『』 and quotes dropped,
  full-width forms folded (NFKC), traditional and variant characters folded to simplified,
  spaces and 、 between issuers dropped, dashes and year ranges written one way ("2021—2025年",
  "2021年至2025年" → "2021-2025年"). Edition suffixes ("(2021-2025年)", "(试行)") stay: they
  are part of which document is meant.
- ``work_key``: the work that the year editions of a title share (the key without edition
  suffixes and years), e.g. the 2024 and 2025 editions of one 工作要点.
- ``document_citations``: the citations of one document — its titles in 《》 (found by
  ``luoshi.extract.citations``), titles introduced without brackets before "(简称…)", the short
  forms the text introduces ("(以下简称《前海方案》)", "(简称“前海方案”)") resolved to their
  full title everywhere in the document, and quoted short forms (“前海方案”) to be resolved
  across documents — each with its sentence.
- ``Resolver``: a short form seen alone maps to the full title when exactly one full title is
  known to have it (defined so by some document, or the title without its issuer, "关于…的意见"
  for "国务院关于…的意见"); when several are, it stays a title of its own. Generic short forms
  ("总体方案", "实施意见") never map across documents.

Word lists (document types, generic modifiers, issuers, verbs) are in ``citation_words.tsv``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from luoshi.text import sentence_of, to_simplified

MAX_KEY = 300  # characters of a key (titles are at most 200 characters as extracted)

# -- word lists ---------------------------------------------------------------------------------


@cache
def words() -> dict[str, tuple[str, ...]]:
    """The lists of ``citation_words.tsv`` (types, modifiers, issuers, verbs), longest first."""
    out: dict[str, tuple[str, ...]] = {}
    for line in Path(__file__).with_name("citation_words.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, listed = line.partition("\t")
        out[name] = tuple(sorted(set(listed.split()), key=len, reverse=True))
    return out


def _alternation(name: str) -> str:
    return "(?:" + "|".join(map(re.escape, words()[name])) + ")"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    types, modifiers = _alternation("types"), _alternation("modifiers")
    return {
        # A key that names no subject: modifiers and a type ("总体方案", "三年行动计划").
        "generic": re.compile(f"^{modifiers}*{types}$"),
        # Ends as a document's title does, an edition suffix allowed ("…方案(试行)").
        "typed": re.compile(f"{types}(?:[(（][^()（）]{{1,16}}[)）])?$"),
        "issuer": re.compile(f"^(.{{2,40}}?{_alternation('issuers')})关于(.{{4,}})$"),
        "verb": re.compile(_alternation("verbs")),
    }


# -- keys ---------------------------------------------------------------------------------------

_DROP = str.maketrans("", "", "《》〈〉「」『』“”‘’\"'<>、 \t\r\n\u3000·・•")
_DASHES = re.compile(r"[-‐‑‒–—―~〜]+")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_RANGE = re.compile(r"(\d{4})年?(?:-|至|到)(\d{4})")


@lru_cache(maxsize=1 << 14)  # a corpus cites the same titles again and again
def title_key(title: str) -> str:
    """The key of a title: equal for every way of writing the same title (see the module)."""
    key = to_simplified(unicodedata.normalize("NFKC", title)).translate(_DROP)
    key = _DASHES.sub("-", key)
    key = _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), key)
    return _RANGE.sub(r"\1-\2", key).lower()[:MAX_KEY]


_EDITION = re.compile(
    r"\((?:\d{4}(?:-\d{4})?年?度?(?:版|修订版?|修正版?|本)?|试行|暂行|修订(?:版|稿)?|修正(?:版|案)?|"
    r"征求意见稿|草案|送审稿|讨论稿|第[一二三四五六七八九十\d]+版)\)$"
)
_YEAR = re.compile(r"(?<![\d-])(?:19|20)\d{2}(?:-(?:19|20)\d{2})?年度?")
_PLAN_PERIOD = re.compile(r"第?十[一二三四五六七八九]个?五(?:年)?")


def work_key(key: str) -> str:
    """The work of a title key: its edition suffixes ("(2021-2025年)", "(2024年版)", "(试行)")
    and its years ("2025年工作要点", "佛山市2025年度…清单") and five-year plan periods left out,
    so that the editions of one work share it."""
    work = key
    while (m := _EDITION.search(work)) and m.start() > 0:
        work = work[: m.start()]
    work = _PLAN_PERIOD.sub("", _YEAR.sub("", work))
    return work if len(work) >= 2 else key


def is_generic(key: str) -> bool:
    """A key that names no subject ("方案", "总体方案", "实施意见"): it is resolved within the
    document that introduced it, never across documents."""
    return len(key) <= 2 or bool(_patterns()["generic"].match(key))


def bare_key(key: str) -> str | None:
    """The key without its issuer ("国务院关于…的意见" → "关于…的意见"), or None."""
    m = _patterns()["issuer"].match(key)
    return "关于" + m.group(2) if m else None


def looks_like_title(text: str) -> bool:
    """Ends as a document's title does ("…方案", "…条例(试行)")."""
    return bool(_patterns()["typed"].search(text))


# -- one document -------------------------------------------------------------------------------


class Mention(NamedTuple):
    """A citation in one document. ``key`` is the title it stands for as far as this document
    tells (its own short forms resolved); ``form`` says how it was written: ``cited`` (in 《》),
    ``full`` (a title introduced without brackets before "(简称…)"), ``short`` (a short form the
    document introduced), ``quoted`` (“…方案”: a short form that counts only where some
    document introduced it). A named tuple: made for every citation of every document stored,
    a frozen dataclass cost 1.3 us each."""

    key: str
    title: str  # as written (simplified, without brackets)
    form: str
    start: int
    end: int
    sentence: tuple[int, int]


@dataclass(frozen=True)
class ShortForm:
    short: str  # key of the short form
    full: str  # key of the full title
    start: int  # the short form's span in the definition
    end: int


@dataclass
class DocumentCitations:
    mentions: list[Mention]
    short_forms: list[ShortForm]

    def keys(self) -> list[str]:
        """The keys of the titles this document cites (quoted forms excluded), each once."""
        return list(dict.fromkeys(m.key for m in self.mentions if m.form != "quoted"))


_DEFINE = re.compile(r"[(（]\s*(?:以下简称|下文简称|以下称|下称|简称)为?\s*[:：]?\s*")
_CLOSE_PAREN = re.compile(r"[)）]")
_QUOTED_ITEM = re.compile(r"[《〈「『“\"‘']([^《》〈〉「」『』“”\"‘’'()（）\n]{2,30})[》〉」』”\"’']")
_QUOTED = re.compile(r"[“‘\"]([^“”‘’\"\n，。；：！？、]{3,24})[”’\"]")
_PLAIN_ITEM = re.compile(r"^[^\s，。；：、！？,.;:!?]{2,20}$")
_BEFORE_TITLE = re.compile(r"[，。；：、！？,.;:!?“”\"()（）《》〈〉\n]")
_OPENERS = {"》": "《", "〉": "〈", "」": "「", "』": "『"}


def _bracketed_before(s: str, p: int) -> tuple[str, int, int] | None:
    """The title in brackets that ends right before position ``p`` (white space allowed), as
    (title, start, end) with the brackets in the span; nested brackets are matched."""
    q = p
    while q > 0 and s[q - 1].isspace():
        q -= 1
    if q == 0 or s[q - 1] not in _OPENERS:
        return None
    closer = s[q - 1]
    opener, depth, i = _OPENERS[closer], 0, q - 1
    while i >= max(0, q - 220):
        if s[i] == closer:
            depth += 1
        elif s[i] == opener:
            depth -= 1
            if depth == 0:
                return s[i + 1 : q - 1], i, q
        elif s[i] == "\n":
            return None
        i -= 1
    return None


def _unbracketed_before(s: str, p: int) -> tuple[str, int, int] | None:
    """A title written without brackets right before "(简称…)" at ``p``: from the clause's
    start, after its first verb and the verbs right after it ("国务院印发了全面深化…方案",
    "学习贯彻…方案"; a verb after 关于 belongs to the title), ending as a title does."""
    floor = max(0, p - 80)
    start = floor
    for i in range(p - 1, floor - 1, -1):
        if _BEFORE_TITLE.match(s, i):
            start = i + 1
            break
    clause = s[start:p]
    about = clause.find("关于")
    lead = [v for v in _patterns()["verb"].finditer(clause) if about < 0 or v.end() <= about]
    if lead:
        cut = lead[0].end()
        for v in lead[1:]:
            if v.start() != cut:
                break
            cut = v.end()
        start += cut + (clause[cut : cut + 1] == "了")
    title = s[start:p].strip()
    if len(title) < 6 or not looks_like_title(title):
        return None
    return title, start, start + len(title)


def _short_items(s: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """The short forms named in a definition's text ``s[a:b]``: quoted ones, or the plain text."""
    items = [(m.group(1), m.start(1), m.end(1)) for m in _QUOTED_ITEM.finditer(s, a, b)]
    if items:
        return items
    text = s[a:b].strip()
    if _PLAIN_ITEM.match(text):
        start = s.index(text, a)
        return [(text, start, start + len(text))]
    return []


def document_citations(s: str, cited: Sequence[tuple[str, int, int]]) -> DocumentCitations:
    """The citations of one document (``s`` its simplified text; ``cited`` its titles in
    brackets as (title, start, end), the brackets inside the span — as the extractor finds
    them). See the module for what is found."""
    mentions: list[Mention] = [
        Mention(title_key(title), title, "cited", start, end, sentence_of(s, start, end))
        for title, start, end in cited
    ]
    short_forms: list[ShortForm] = []
    defined: dict[str, tuple[str, str]] = {}  # short key → (full key, short as written)
    # (every form _DEFINE knows ends in 称: a text without it is not scanned, 10 us a readout)
    for m in _DEFINE.finditer(s) if "称" in s else ():
        close = _CLOSE_PAREN.search(s, m.end(), min(len(s), m.end() + 40))
        if close is None:
            continue
        full = _bracketed_before(s, m.start())
        if full is None and (full := _unbracketed_before(s, m.start())) is not None:
            title, start, end = full
            mentions.append(Mention(title_key(title), title, "full", start, end, sentence_of(s, start, end)))
        if full is None:
            continue
        full_key = title_key(full[0])
        for written, start, end in _short_items(s, m.end(), close.start()):
            short = title_key(written)
            if short and short != full_key:
                short_forms.append(ShortForm(short, full_key, start, end))
                defined.setdefault(short, (full_key, written))
    if defined:
        mentions = [
            Mention(defined[x.key][0], x.title, "short", x.start, x.end, x.sentence)
            if x.key in defined
            else x
            for x in mentions
        ]
    taken = [(x.start, x.end) for x in mentions]
    for m in _QUOTED.finditer(s):
        written = m.group(1)
        if not looks_like_title(written) or any(a <= m.start() < b for a, b in taken):
            continue
        key = title_key(written)
        if key in defined:
            mentions.append(
                Mention(
                    defined[key][0], written, "short", m.start(), m.end(), sentence_of(s, m.start(), m.end())
                )
            )
        elif not is_generic(key):
            mentions.append(
                Mention(key, written, "quoted", m.start(), m.end(), sentence_of(s, m.start(), m.end()))
            )
    for short, (full_key, written) in defined.items():
        if len(written) < 4 or is_generic(short):
            continue  # a short form as plain text is looked for only when it is distinctive
        taken = [(x.start, x.end) for x in mentions] + [(f.start, f.end) for f in short_forms]
        for found in re.finditer(re.escape(written), s):
            if not any(a < found.end() and found.start() < b for a, b in taken):
                span = sentence_of(s, found.start(), found.end())
                mentions.append(Mention(full_key, written, "short", found.start(), found.end(), span))
    mentions.sort(key=lambda x: (x.start, x.end))
    seen: set[tuple[str, tuple[int, int]]] = set()
    unique: list[Mention] = []
    for x in mentions:  # one mention of a title per sentence
        if (x.key, x.sentence) not in seen:
            seen.add((x.key, x.sentence))
            unique.append(x)
    return DocumentCitations(unique, short_forms)


# -- across documents ---------------------------------------------------------------------------


class Resolver:
    """Which title a key stands for across documents. ``aliases`` are (short key, full key)
    pairs that documents introduced; ``titles`` the keys of cited titles, whose forms without
    their issuer ("关于…的意见") are aliases of them too. A key maps to a full title when exactly
    one is known for it (after resolving those in turn); a generic key never maps."""

    def __init__(self, aliases: Iterable[tuple[str, str]] = (), titles: Iterable[str] = ()) -> None:
        self._targets: dict[str, set[str]] = {}
        for short, full in aliases:
            if short != full:
                self._targets.setdefault(short, set()).add(full)
        for key in titles:
            bare = bare_key(key)
            if bare and bare != key:
                self._targets.setdefault(bare, set()).add(key)
        self._resolved: dict[str, str] = {}
        self._aliases: dict[str, list[str]] | None = None

    def title(self, key: str) -> str:
        """The key of the title that ``key`` stands for (``key`` itself when none or several)."""
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(key, 0)
        return found

    def _resolve(self, key: str, depth: int) -> str:
        targets = self._targets.get(key)
        if not targets or depth > 4 or is_generic(key):
            return key
        ends = {self._resolve(t, depth + 1) for t in targets} - {key}
        return next(iter(ends)) if len(ends) == 1 else key

    def is_alias(self, key: str) -> bool:
        """Whether ``key`` stands for another title."""
        return self.title(key) != key

    def ambiguous(self, key: str) -> bool:
        """A short form that several full titles have (kept as a title of its own)."""
        targets = self._targets.get(key)
        return bool(targets) and not is_generic(key) and not self.is_alias(key)

    def aliases_of(self, key: str) -> list[str]:
        """The keys that stand for ``key``, sorted."""
        if self._aliases is None:
            self._aliases = {}
            for short in sorted(self._targets):
                full = self.title(short)
                if full != short:
                    self._aliases.setdefault(full, []).append(short)
        return list(self._aliases.get(key, ()))

    def work(self, key: str) -> str:
        return work_key(self.title(key))


# -- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairScore:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0


def score_pairs(judged: Iterable[tuple[bool, bool]]) -> PairScore:
    """Precision and recall of "same" over (predicted same, labelled same) pairs."""
    counts = [0, 0, 0, 0]
    for predicted, labelled in judged:
        counts[(0 if labelled else 1) if predicted else (2 if labelled else 3)] += 1
    return PairScore(*counts)
