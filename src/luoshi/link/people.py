"""People across documents: which mentions of a name are one person, and that person's career.

Pure: sightings in, careers out (no store). The service (``luoshi.services.people``) reads the
sightings from the store, passes the post heads of the extract gazetteer, applies the office's
decisions and writes the careers back.

A *sighting* is one name in one document (a document names one person by one name), with the
posts the text shows for it: held ("深圳市市长张三"), begun ("任命张三为…", "调任", "当选"),
ended ("免去张三的…职务", "不再担任", "辞去"), former ("原…") or a candidacy ("提名…候选人"),
and the places the document is about (its *home*: "省长" in a 广东 readout is 广东省省长).

Posts are read into place + tier + unit + head ("深圳" 市 "" 市长 → 深圳市市长; "省委书记" in a 广东
readout → 广东省委书记): the variants of one post become one. A post with a place occupies a
*seat* at its tier and at the tiers of the places containing it (深圳 → 市 深圳, 省 广东;
``admin_places.tsv``). One person sits in one place per tier at a time, so two posts whose
seats differ at some tier cannot be held in the same month (mayor of two cities; 省长 of two
provinces), nor can the heads of two governments be (a 副省长 and a 副市长), unless a transfer
word marks the change between them.

Clustering, per name (simplified, variants folded):

1. the office's decisions first: mentions it merged are one person; mentions it split apart
   never meet again;
2. candidate pairs, each mention with its next few in time, that share evidence: the same post
   (weight 3, within ``SAME_POST_YEARS``; a post without a place 2, a bare "市委书记" with no
   known place 1), the same place at the same tier (2) or a city inside a province the other
   one served (2), sibling cities of one province (1), within ``SAME_PLACE_YEARS``; strongest
   and closest first, each merged unless the merged career would hold incompatible posts at
   once. A name of two characters is common: it needs weight 3 (the same post), other names 2;
3. mentions without posts join the person whose places match the document's home near in
   time; failing that the only person of a rare name; else one person per home province."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from luoshi.collector import fewer_collections
from luoshi.text import to_simplified

SAME_MONTH = 31  # days: posts that cannot be held at once, seen closer than this, are two people
SAME_POST_YEARS = 6  # one post held by many (副市长): mentions this far apart may be one person
SAME_SINGLE_POST_YEARS = 10  # a post one person holds at a time (市长 of a city)
SAME_PLACE_YEARS = 3
NEAR = SAME_PLACE_YEARS * 366 + 1  # days: a mention without a post is near a seat held this close
NEIGHBOURS = 3  # each sighting is compared with the next few sharing a piece of evidence
STRONG = 3  # evidence of a post with its place, or of a move: a new mention that clashes with
# the person it shares such evidence with makes its name clustered whole (``extend``)
COMMON_NAME_LENGTH = 2  # names this short are shared by many: they need the same post to join

HELD, START, END, FORMER, NOMINATED = "held", "start", "end", "former", "nominated"
CHANGES = (HELD, START, END, FORMER, NOMINATED)

_SUFFIX_TIER = {
    "壮族自治区": "省",
    "回族自治区": "省",
    "维吾尔自治区": "省",
    "自治区": "省",
    "特别行政区": "省",
    "省": "省",
    "自治州": "市",
    "市": "市",
    "州": "市",
    "盟": "市",
    "区": "县",
    "县": "县",
    "旗": "县",
}
_SUFFIXES = sorted(_SUFFIX_TIER, key=len, reverse=True)
_TIER_CHARS = {"省": "省", "市": "市", "区": "县", "县": "县"}
# What follows a place inside a post: its organs ("深圳市委", "广东省人大常委会").
_ORGANS = (
    "委",
    "人大",
    "政协",
    "政府",
    "人民政府",
    "纪委",
    "监委",
    "中级人民法院",
    "人民法院",
    "法院",
    "人民检察院",
    "检察院",
    "党委",
    "党工委",
    "工委",
)
# Words that start with a tier character without naming the tier ("市场监管局").
_NOT_TIER = ("市场", "市民", "市政设施", "区域", "区块", "县域", "省级", "市级", "区级", "县级")
# Heads that carry their tier: 省长 of the province, 区长 of the district.
_GOVERNMENT = {"省长": "省", "市长": "市", "区长": "县", "县长": "县", "州长": "市"}
_DEPUTY = ("常务副", "副")
_ACTING = ("代理", "代")
_FORMER = ("原任", "原", "前任", "时任")
_SESSION = re.compile(r"^第?[〇零一二三四五六七八九十百0-9]+届")  # "十二届省政协副主席": the post itself
# Words that end in a tier character without being a place ("自治区", "全国").
_NOT_PLACES = frozenset(
    {"自治", "特别行政", "全国", "中央", "地方", "全省", "全市", "各省", "各市", "本市", "本省"}
)
_GENERIC_PLACE = re.compile(r"([\u4e00-\u9fff]{2,5}?)(" + "|".join(_SUFFIXES) + ")")
# Heads held by one person at a time at a place (a successor can be named); deputies and
# members are many.
_MANY = ("常委", "委员", "候补委员", "党组成员", "成员", "参事", "巡视员", "一级巡视员", "二级巡视员", "专员")


# -- places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPlace:
    name: str
    tier: str  # 省 | 市 | 县
    suffix: str  # written after the name in a full post
    parent: str | None


@cache
def admin_places() -> dict[str, AdminPlace]:
    """``admin_places.tsv``: provinces, cities and districts with the place containing each."""
    out: dict[str, AdminPlace] = {}
    for line in (Path(__file__).with_name("admin_places.tsv")).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, tier, suffix, parent = line.split("\t")
        out[name] = AdminPlace(name, tier, suffix, None if parent == "-" or parent == name else parent)
    return out


@cache
def _places_by_first() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for name in admin_places():
        groups[name[0]].append(name)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in groups.items()}


def _ancestors(place: str, tier: str) -> list[tuple[str, str]]:
    """The seats of ``place`` at ``tier`` and of the places containing it."""
    seats = [(tier, place)]
    known = admin_places()
    if _known_tier(place) != tier:
        return seats  # a place of another tier with the same name (吉林市)
    parent = known[place].parent
    if place in known and known[place].tier == "市" and known[place].parent is None and tier == "市":
        seats.append(("省", place))  # a municipality is its own province
    while parent and parent in known and len(seats) < 4:
        up = known[parent]
        seats.append((up.tier, up.name))
        if up.tier == "市" and up.parent is None:
            seats.append(("省", up.name))
        parent = up.parent
    return seats


# -- posts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A post read into its parts; ``text`` is its one written form ("广东省省长")."""

    text: str
    place: str | None
    tier: str | None
    unit: str
    head: str
    seats: tuple[tuple[str, str], ...] = ()
    inferred: bool = False  # the place comes from the document's home, not from the post

    @cached_property  # (asked of every post of every mention; a post is read once)
    def single_holder(self) -> bool:
        """One person at a time (a successor can be named): a principal post with a place."""
        return bool(self.place) and not self.head.startswith(_DEPUTY) and self.head not in _MANY

    @cached_property
    def specific(self) -> bool:
        """Whether two people holding it are likely one: it names a place or a unit."""
        return bool(self.place) or self.unit not in ("", "委", "政府")


class PostReader:
    """Reads posts as written into ``Post``; built with the gazetteer's post heads."""

    def __init__(self, heads: Iterable[str]) -> None:
        self.heads = frozenset(heads)
        self._lengths = sorted({len(h) for h in self.heads}, reverse=True)
        self._read: dict[tuple[str, tuple[tuple[str, str], ...]], Post] = {}
        # ``_fuller``'s answers: (the posts as written with their contexts, the home) → which
        # of them are kept (their positions, None for all), read, and their pieces of evidence
        # with the posts of them one person holds at a time (``_evidence``)
        self._fuller: dict[tuple[Any, ...], _Kept] = {}

    def head_of(self, post: str) -> str:
        for n in self._lengths:
            if n <= len(post) and post[-n:] in self.heads:
                return post[-n:]
        return ""

    def read(self, written: str, home: Mapping[str, str] | None = None) -> Post:
        """``written`` read in a document about ``home`` (tier → place). Answers are kept: one
        corpus writes a few thousand distinct posts, each thousands of times."""
        key = (written, tuple(sorted(home.items())) if home else ())
        found = self._read.get(key)
        if found is None:
            if len(self._read) > 200_000:
                self._read.clear()
            found = self._read[key] = self._parse(written, home)
        return found

    def _parse(self, written: str, home: Mapping[str, str] | None) -> Post:
        s = to_simplified(written).strip().removeprefix("中共")
        for word in _FORMER:
            s = s.removeprefix(word)
        s = _SESSION.sub("", s)
        head = self.head_of(s)
        rest = s[: len(s) - len(head)]
        for acting in _ACTING:
            if head.startswith(acting) and head[len(acting) :] in self.heads:
                head = head[len(acting) :]
            rest = rest.removesuffix(acting)
        place, tier, suffix = self._place(rest, head)
        inferred = False
        if place is not None:
            rest = rest[len(place) + len(suffix) :]
            if _known_tier(place) == tier:
                suffix = _suffix_of(place, suffix)  # 广东省长 and 广东省省长 are one post
        else:
            if rest[:1] in _TIER_CHARS and not rest.startswith(_NOT_TIER):
                tier, suffix, rest = _TIER_CHARS[rest[0]], rest[0], rest[1:]
            elif not rest and _government_tier(head):
                tier = _government_tier(head)
                suffix = {"省": "省", "市": "市", "县": head_tier_char(head)}[tier or "市"]
            if tier and home and home.get(tier):
                place, inferred = home[tier], True
                suffix = _suffix_of(place, suffix)
        unit = rest
        if _government_tier(head) and unit in ("政府", "人民政府"):
            unit = ""
        unit = unit.replace("人民政府", "政府") if unit.startswith("人民政府") else unit
        unit = "委" if unit == "党委" else unit
        if place:
            text = place + suffix + unit + head
            seats = tuple(_ancestors(place, tier or "市"))
        else:
            marker = suffix if tier and not (not unit and _government_tier(head)) else ""
            text = marker + unit + head
            seats = ()
        return Post(text or s, place, tier, unit, head or s, seats, inferred)

    def _place(self, rest: str, head: str) -> tuple[str | None, str | None, str]:
        """(place, tier, suffix as written) at the start of ``rest``, or Nones."""
        known = admin_places()
        for name in _places_by_first().get(rest[:1], ()):
            if not rest.startswith(name):
                continue
            after = rest[len(name) :]
            suffix = next((x for x in _SUFFIXES if after.startswith(x)), "")
            place = known[name]
            if suffix:
                if suffix in ("区", "县") and place.tier != "县" and after[1:2] not in ("", "委", "政", "人"):
                    return name, place.tier, ""  # "深圳市区…": not a district
                return name, _SUFFIX_TIER[suffix], suffix  # 吉林市 is a city, 吉林省 a province
            if place.tier != "县" or after.startswith(_ORGANS) or (not after and _government_tier(head)):
                return name, place.tier, ""
        m = _GENERIC_PLACE.match(rest)
        if m and m.group(1)[:1] not in _TIER_CHARS and m.group(1) not in _NOT_PLACES:
            after = rest[m.end() :]
            if not after or after.startswith(_ORGANS):
                return m.group(1), _SUFFIX_TIER[m.group(2)], m.group(2)
        return None, None, ""


def _government_tier(head: str) -> str | None:
    core = head
    for prefix in (*_DEPUTY, *_ACTING):
        core = core.removeprefix(prefix)
    return _GOVERNMENT.get(core)


def head_tier_char(head: str) -> str:
    """区 or 县 for a district or county head (区长, 副县长)."""
    return "县" if "县" in head else "区"


def _known_tier(place: str) -> str | None:
    known = admin_places().get(place)
    return known.tier if known else None


def _suffix_of(place: str, fallback: str) -> str:
    known = admin_places().get(place)
    return known.suffix if known else fallback


def former_word(written: str) -> bool:
    """ "原深圳市市长": a post the person held before."""
    return to_simplified(written).startswith(_FORMER)


def document_home(reader: PostReader, posts: Iterable[str], places: Iterable[str]) -> dict[str, str]:
    """The places a document is about, per tier. A readout writes its own place's posts short
    ("市长") and names the place early (its dateline, its first sentence), while guests' posts
    carry their places ("温州市市长…"): the first administrative place named counts 3, every
    other place named and every place written in a post 1. The city is chosen first (ties: the
    first named), the province is the city's where it has one, else chosen the same way."""
    score: dict[tuple[str, str], float] = defaultdict(float)
    order: dict[tuple[str, str], int] = {}
    known = admin_places()
    for k, name in enumerate(n for n in places if n in known):
        seat = (known[name].tier, name)
        score[seat] += 3 if k == 0 else 1
        order.setdefault(seat, k)
    for written in posts:
        post = reader.read(written)
        if post.seats:
            score[post.seats[0]] += 1
            order.setdefault(post.seats[0], 1000)
    ranked = sorted(score, key=lambda seat: (-score[seat], order[seat]))
    home: dict[str, str] = {}
    for tier in ("市", "县", "省"):
        if tier in home:
            continue
        chosen = next((place for t, place in ranked if t == tier), None)
        if chosen is None:
            continue
        home[tier] = chosen
        for up_tier, up in _ancestors(chosen, tier)[1:]:
            home.setdefault(up_tier, up)
    return home


# -- sightings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A post as one document shows it for a name."""

    written: str
    span: tuple[int, int]
    change: str = HELD  # held | start | end | former | nominated
    word: str = ""  # the transfer word (任命, 免去…)
    context: tuple[tuple[str, str], ...] = ()  # (tier, place) that a post without a place is read in

    def to_json(self) -> list[Any]:
        return [self.written, list(self.span), self.change, self.word, [list(c) for c in self.context]]

    @classmethod
    def of(
        cls,
        written: str,
        span: tuple[int, int],
        change: str = HELD,
        word: str = "",
        context: tuple[tuple[str, str], ...] = (),
    ) -> Shown:
        """``Shown(…)`` without the frozen class's ``__init__`` (which sets each field through
        ``object.__setattr__``): a refresh makes one for every post of every mention."""
        shown = object.__new__(cls)
        shown.__dict__.update(written=written, span=span, change=change, word=word, context=context)
        return shown

    @classmethod
    def from_json(cls, value: Sequence[Any]) -> Shown:
        """What ``to_json`` wrote. Made without the frozen class's ``__init__`` (which sets each
        field through ``object.__setattr__``): a refresh reads every stored mention of the names
        it touches, and that was a third of reading one."""
        span = value[1]
        context = tuple((str(t), str(p)) for t, p in value[4]) if len(value) > 4 and value[4] else ()
        shown = object.__new__(cls)
        shown.__dict__.update(
            written=str(value[0]),
            span=(int(span[0]), int(span[1])),
            change=str(value[2]),
            word=str(value[3]),
            context=context,
        )
        return shown


@dataclass(slots=True)
class Sighting:
    """One name in one document (slots: a refresh makes one for every name of every document)."""

    document_id: int
    name: str  # simplified
    day: str | None  # YYYY-MM-DD: the event's, else the publication's
    shown: list[Shown] = field(default_factory=list)
    home: dict[str, str] = field(default_factory=dict)
    span: tuple[int, int] | None = None  # the name's first mention
    ref: int = 0  # a stable id given by the store (the person's id is its smallest)

    @property
    def key(self) -> tuple[int, str]:
        return self.document_id, self.name

    def data(self) -> dict[str, Any]:
        """What the store keeps beside the document id, name and day."""
        return {
            "shown": [s.to_json() for s in self.shown],
            "home": self.home,
            "span": list(self.span) if self.span else None,
        }

    def data_as_json(self) -> dict[str, Any]:
        """``data()`` for a JSON writer, which writes tuples as lists: the same text, without
        copying each post's span and context into lists (a refresh stores tens of thousands)."""
        return {
            "shown": [(x.written, x.span, x.change, x.word, x.context) for x in self.shown],
            "home": self.home,
            "span": self.span or None,
        }

    @classmethod
    def from_row(
        cls, ref: int, document_id: int, name: str, day: str | None, data: Mapping[str, Any]
    ) -> Sighting:
        span = data.get("span")
        return cls(
            document_id,
            name,
            day,
            [Shown.from_json(x) for x in data.get("shown") or []],
            dict(data.get("home") or {}),
            (int(span[0]), int(span[1])) if span else None,
            ref,
        )


def sightings_from_facts(
    reader: PostReader, document_id: int, day: str | None, facts: Mapping[str, Any]
) -> list[Sighting]:
    """The sightings of one document from its stored facts (``Facts.to_json``): every
    person, with the posts the text attaches (roles) and the changes of post (appointments)."""
    spans = facts.get("spans") or {}
    shown: dict[str, list[Shown]] = {}
    fold = _folded
    for name, post, start, end in spans.get("roles") or []:
        made = Shown.of(post, (int(start), int(end)), FORMER if _former(post) else HELD)
        found = shown.get(name := fold(name))
        if found is None:
            shown[name] = [made]
        else:
            found.append(made)
    for a in facts.get("appointments") or []:
        made = Shown.of(a["post"], tuple(a["span"]), a["change"], a["word"])
        found = shown.get(name := fold(a["name"]))
        if found is None:
            shown[name] = [made]
        else:
            found.append(made)
    first = {fold(n): (int(a), int(b)) for n, a, b in spans.get("persons") or []}
    places = [p["name"] for p in facts.get("places") or [] if p.get("kind") == "admin"]
    home = document_home(reader, [s.written for found in shown.values() for s in found], places)
    for name, found in shown.items():
        shown[name] = _in_context(reader, found, home)
    names = dict.fromkeys(fold(n) for n in facts.get("persons") or [])
    names.update(dict.fromkeys(shown))  # (those not among the persons, after them)
    return [Sighting(document_id, name, day, shown.get(name) or [], home, first.get(name)) for name in names]


T = TypeVar("T")


def _remembered(compute: Callable[[str], T]) -> Callable[[str], T]:
    """``compute`` of a string, remembered: a refresh reads each of the few thousand names and
    posts of a corpus tens of times (bounded: forgotten when full)."""
    seen: dict[str, T] = {}

    def get(text: str) -> T:
        found = seen.get(text)
        if found is None:
            if len(seen) > 100_000:
                seen.clear()
            found = seen[text] = compute(text)
        return found

    return get


# Names and posts as written, folded, and whether a post is a former one.
_folded = _remembered(to_simplified)
_former = _remembered(former_word)


def _in_context(reader: PostReader, mine: list[Shown], home: Mapping[str, str]) -> list[Shown]:
    """Each post without a place of its own, with the places it is read in: those of the
    person's other posts in the document ("省委副书记、深圳市委书记": 广东; "温州市市长某某…某某市长"
    in a readout of 厦门: 温州), then the document's home."""
    read = [reader.read(s.written) for s in mine]
    if all(post.place or not post.tier for post in read):
        return mine  # (no post to read in a context)
    own: dict[str, str] = {}
    for post in read:
        for tier, place in post.seats:
            own.setdefault(tier, place)
    context = {**home, **own}  # (the person's own places first, then the home's)
    if context == home:
        return mine  # (each post read in the home, as it is without a context)
    placed = tuple(sorted(context.items()))
    return [
        s if post.place or not post.tier else Shown.of(s.written, s.span, s.change, s.word, placed)
        for s, post in zip(mine, read, strict=True)
    ]


# -- careers -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Evidence:
    """One mention of a post (slots: a career keeps one for each, tens of thousands a refresh)."""

    document_id: int
    span: tuple[int, int]
    written: str
    day: str | None
    change: str
    word: str

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "span": list(self.span),
            "written": self.written,
            "day": self.day,
            "change": self.change,
            "word": self.word,
        }


@dataclass
class PostRecord:
    """One post of one person: when the documents show it held, and where."""

    post: Post
    first: str | None = None  # first day seen held (or begun)
    last: str | None = None  # last day seen held (or ended)
    began: str | None = None  # the day a document says it began (任命, 当选…)
    ended: str | None = None  # the day a document says it ended (免去, 不再担任…)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def documents(self) -> list[int]:
        return sorted({e.document_id for e in self.evidence})


@dataclass
class Career:
    """One person: the sightings that are them and their posts in date order."""

    ref: int  # the smallest sighting ref: stable while that mention stays theirs
    name: str
    sightings: list[Sighting]
    records: list[PostRecord]

    @property
    def first(self) -> str | None:
        return min((s.day for s in self.sightings if s.day), default=None)

    @property
    def last(self) -> str | None:
        return max((s.day for s in self.sightings if s.day), default=None)

    @property
    def label(self) -> str:
        """The latest post, the way the person is told apart from others of the name."""
        dated = [r for r in self.records if r.last or r.first]
        if dated:
            return max(dated, key=lambda r: (r.last or r.first or "", r.first or "")).post.text
        return self.records[0].post.text if self.records else ""


@lru_cache(maxsize=1 << 16)
def _ordinal(day: str | None) -> int | None:
    """The day's number (None for none or an invalid one); kept, as a corpus has few days."""
    if not day:
        return None
    try:
        return date.fromisoformat(day).toordinal()
    except ValueError:
        return None


class _Held:
    """One post of a group: the days it was seen held, begun or ended (a plain class with slots:
    clustering makes one for every post of every mention). ``starts`` and ``ends`` are rarely
    any: the empty ones are one shared tuple, a list once a day is added."""

    __slots__ = ("days", "ends", "first", "last", "post", "starts")

    def __init__(self, post: Post) -> None:
        self.post = post
        self.days: list[int] = []  # held, begun or ended
        self.starts: list[int] | tuple[()] = ()
        self.ends: list[int] | tuple[()] = ()
        self.first: int | None = None  # min(days), kept as days are added (a hot name has thousands)
        self.last: int | None = None

    def take(self, other: _Held) -> None:
        """Add the days of ``other`` (its first and last are those of its days)."""
        if other.days:
            assert other.first is not None and other.last is not None
            self.days.extend(other.days)
            if self.first is None or other.first < self.first:
                self.first = other.first
            if self.last is None or other.last > self.last:
                self.last = other.last
        if other.starts:
            self.starts = [*self.starts, *other.starts]
        if other.ends:
            self.ends = [*self.ends, *other.ends]


def _incompatible(a: Post, b: Post) -> bool:
    """Posts one person cannot hold at once: seats in different places at one tier (mayor of
    two cities), or the heads of two governments (a 副省长 is no 副市长)."""
    mine = dict(a.seats)
    if any(tier in mine and mine[tier] != place for tier, place in b.seats):
        return True
    return bool(
        a.place
        and b.place
        and _government_tier(a.head)
        and _government_tier(b.head)
        and (a.tier, a.place) != (b.tier, b.place)
    )


_INCOMPATIBLE: dict[tuple[int, int], tuple[Post, Post, bool]] = {}


def _incompatible_kept(a: Post, b: Post) -> bool:
    """``_incompatible``, remembered for the pair (a corpus has a few thousand posts, and
    clustering asks about the same pairs again and again). The entry holds the two posts, so
    their ids are not reused while it is kept."""
    key = (id(a), id(b))
    found = _INCOMPATIBLE.get(key)
    if found is None:
        if len(_INCOMPATIBLE) > 200_000:
            _INCOMPATIBLE.clear()
        found = _INCOMPATIBLE[key] = (a, b, _incompatible(a, b))
    return found[2]


def _clash(a: _Held, b: _Held) -> bool:
    """Whether one person cannot have held both: incompatible seats seen within a month of
    each other (or overlapping), with no transfer word marking the change between them."""
    if a.first is None or b.first is None:
        return False
    if a.first > b.first:
        a, b = b, a
    assert a.last is not None and b.first is not None
    if b.first - a.last >= SAME_MONTH:
        return False  # (the cheap test first: most pairs of posts are seen years apart)
    if not _incompatible_kept(a.post, b.post):
        return False
    return not any(a.last <= t + SAME_MONTH and b.first >= t - SAME_MONTH for t in (*a.ends, *b.starts))


class _Group:
    """Mentions taken as one person, with their posts (``_Held`` by the post's text)."""

    __slots__ = ("held", "labels", "members", "placed")

    def __init__(
        self, sighting: Sighting, posts: list[tuple[Shown, Post]], labels: set[tuple[int, int]]
    ) -> None:
        self.members: list[Sighting] = [sighting]
        self.labels: set[tuple[int, int]] = set(labels) if labels else set()
        self.held: dict[str, _Held] = {}
        self.placed: list[_Held] = []  # the held posts with a place (only those clash)
        if posts:  # (a third of the mentions show none)
            self._posts(sighting, posts)

    @classmethod
    def empty(cls) -> _Group:
        """A group of no mention and no post (``_cluster_name``'s stand-in for mentions without posts)."""
        group = cls.__new__(cls)
        group.members, group.labels, group.held, group.placed = [], set(), {}, []
        return group

    @property
    def seated(self) -> bool:
        """Whether a post of it has a place."""
        return bool(self.placed)

    @classmethod
    def of(
        cls,
        members: Sequence[Sighting],
        posts: Sequence[list[tuple[Shown, Post]]],
        labels: Sequence[set[Any]],
    ) -> _Group:
        """One group of ``members`` (with their posts and labels, in the same order): what
        absorbing the group of each in turn into the first's makes, without making those."""
        group = cls(members[0], posts[0], labels[0])
        for k in range(1, len(members)):  # (``_add``, written out)
            group.members.append(members[k])
            if labels[k]:
                group.labels |= labels[k]
            if posts[k]:
                group._posts(members[k], posts[k])
        return group

    def _add(self, sighting: Sighting, posts: list[tuple[Shown, Post]], labels: set[tuple[int, int]]) -> None:
        self.members.append(sighting)
        if labels:
            self.labels |= labels
        if posts:
            self._posts(sighting, posts)

    def _posts(self, sighting: Sighting, posts: list[tuple[Shown, Post]]) -> None:
        day = _ordinal(sighting.day)
        held_by = self.held
        for shown, post in posts:
            text = post.text
            held = held_by.get(text)
            if held is None:
                held = held_by[text] = _Held(post)
                if post.seats:
                    self.placed.append(held)
            if day is None:
                continue
            change = shown.change
            if change == HELD:  # (most are)
                pass
            elif change == START:
                held.starts = [*held.starts, day]
            elif change == END:
                held.ends = [*held.ends, day]
            else:  # FORMER, NOMINATED (or unknown: counted as held, as before)
                if change in (FORMER, NOMINATED):
                    continue
            held.days.append(day)
            if held.first is None or day < held.first:
                held.first = day
            if held.last is None or day > held.last:
                held.last = day

    @property
    def anchored(self) -> bool:
        return any(h.post.specific for h in self.held.values())

    def clashes_with(self, other: _Group) -> bool:
        if self.labels and other.labels and any((i, 1 - side) in other.labels for i, side in self.labels):
            return True
        mine, theirs = self.placed, other.placed
        if not (mine and theirs):
            return False  # only posts with places clash
        for a in mine:
            first, last = a.first, a.last
            if first is None or last is None:
                continue
            for b in theirs:
                # ``_clash(a, b)``, its cheap test here: most pairs of posts are seen years apart
                if b.first is None or b.last is None:
                    continue
                if first <= b.first:
                    if b.first - last < SAME_MONTH and _clash(a, b):
                        return True
                elif first - b.last < SAME_MONTH and _clash(b, a):
                    return True
        return False

    def absorb(self, other: _Group) -> None:
        """Take in the mentions and posts of ``other``, which is not used again (its posts that
        this group lacks are taken as they are, not copied)."""
        self.members.extend(other.members)
        if other.labels:
            self.labels |= other.labels
        held_by = self.held
        for text, held in other.held.items():
            mine = held_by.get(text)
            if mine is None:
                held_by[text] = held
                if held.post.seats:
                    self.placed.append(held)
            else:
                mine.take(held)


class _Where:
    """Where a person sat when (for mentions without posts to be placed): for each seat, the
    days it was seen held, sorted; read from the group once."""

    def __init__(self, group: _Group) -> None:
        by_seat: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.always: set[tuple[str, str]] = set()  # seats of posts seen without a day
        for h in group.held.values():
            for seat in h.post.seats:
                by_seat[seat].extend(h.days)
                if not h.days:
                    self.always.add(seat)
        self.by_seat = {seat: sorted(days) for seat, days in by_seat.items()}
        self.days = sorted({d for days in self.by_seat.values() for d in days})

        # per tier, the days any seat at it was seen held (sorted), and the tiers of ``always``
        by_tier: dict[str, list[int]] = defaultdict(list)
        for (tier, _), days in self.by_seat.items():
            by_tier[tier].extend(days)
        self.tier_days = {tier: sorted(days) for tier, days in by_tier.items()}
        self.always_tiers = {tier for tier, _ in self.always}

    def holds(self, seat: tuple[str, str], day: int, days: int) -> bool:
        """Whether ``seat`` was seen held within ``days`` of ``day`` (or seen without a day)."""
        if seat in self.always:
            return True
        seen = self.by_seat.get(seat)
        if not seen:
            return False
        k = bisect_left(seen, day - days + 1)
        return k < len(seen) and seen[k] <= day + days - 1

    def near(self, home: Iterable[tuple[str, str]], day: int | None, days: int) -> bool:
        """Whether a seat of ``home`` was held within ``days`` of ``day`` (at any time when
        ``day`` is unknown)."""
        if day is None:
            return any(seat in self.by_seat for seat in home)
        return any(self.holds(seat, day, days) for seat in home)

    def conflicts(self, home: Iterable[tuple[str, str]], day: int) -> bool:
        """Whether the person sat elsewhere within the month of ``day`` at a tier of the
        document's ``home``, and not in the home's place too (one seen in two cities within
        the month, moving between them, may be in either). Only the seats at the home's tiers
        are looked at: one mention without a post asks every anchored person of its name."""
        for tier, place in home:
            if tier in self.always_tiers:
                if (tier, place) not in self.always and not self.holds((tier, place), day, SAME_MONTH):
                    return True  # a seat at the tier held with no day: held that month too
                continue
            seen = self.tier_days.get(tier)
            if not seen:
                continue
            k = bisect_left(seen, day - SAME_MONTH + 1)
            if (
                k < len(seen)
                and seen[k] <= day + SAME_MONTH - 1
                and not self.holds((tier, place), day, SAME_MONTH)
            ):
                return True  # a seat at the tier held that month, the home's not
        return False

    def rank(self, home: Iterable[tuple[str, str]], day: int | None, days: int) -> int | None:
        """None when the person's seats ``conflicts`` with ``home`` on ``day``, else 2 when
        they were ``near`` it (within ``days``), else 1: the two questions in one pass, each
        seat's nearest day found once."""
        if day is None:
            return 2 if any(seat in self.by_seat for seat in home) else 1
        near = False
        month = SAME_MONTH - 1
        always, by_seat = self.always, self.by_seat
        for seat in home:
            if always and seat in always:
                near = True
                continue
            seen = by_seat.get(seat)
            if seen:  # the gap to the nearest day it was seen held (``_gap``, written out)
                k = bisect_left(seen, day)
                if k == len(seen):
                    gap = day - seen[k - 1]
                elif k:
                    gap = min(day - seen[k - 1], seen[k] - day)
                else:
                    gap = seen[k] - day
                if gap <= days - 1:
                    near = True
                if gap <= month:
                    continue  # held that month: no conflict at its tier
            tier = seat[0]
            if tier in self.always_tiers:
                return None  # a seat at the tier held with no day: held that month too
            at_tier = self.tier_days.get(tier)
            if at_tier and _gap(at_tier, day) <= month:
                return None  # a seat at the tier held that month, the home's not
        return 2 if near else 1

    def distance(self, day: int | None) -> int:
        if day is None or not self.days:
            return 10**6
        days = self.days
        k = bisect_left(days, day)
        if k == len(days):
            return day - days[k - 1]
        return min(day - days[k - 1], days[k] - day) if k else days[k] - day


def _gap(seen: Sequence[int], day: int) -> int:
    """How far ``day`` is from the nearest of ``seen`` (sorted, not empty)."""
    k = bisect_left(seen, day)
    if k == len(seen):
        return day - seen[k - 1]
    return min(day - seen[k - 1], seen[k] - day) if k else seen[k] - day


@dataclass(frozen=True)
class Decisions:
    """The office's decisions, as sets of mentions: each group in ``together`` is one person;
    in each pair of ``apart`` no mention of one side is the same person as one of the other."""

    together: tuple[tuple[tuple[int, str], ...], ...] = ()
    apart: tuple[tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]], ...] = ()


def common_name(name: str) -> bool:
    return len(name) <= COMMON_NAME_LENGTH


def cluster(
    reader: PostReader, sightings: Sequence[Sighting], decisions: Decisions | None = None
) -> list[Career]:
    """The people behind ``sightings`` (any names; each name is clustered apart), largest
    career first within a name."""
    by_name: dict[str, list[Sighting]] = defaultdict(list)
    for s in sightings:
        by_name[s.name].append(s)
    out: list[Career] = []
    with fewer_collections(None):
        for name in sorted(by_name):
            out.extend(_cluster_name(reader, name, by_name[name], decisions or Decisions()))
    return out


def _apart_labels(
    decisions: Decisions, index: Mapping[tuple[int, str], int]
) -> dict[int, set[tuple[int, int]]]:
    """For each sighting (by position), the office's "apart" decisions it is in and on which side:
    a group holding one side of a decision never joins a group holding the other."""
    labels: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for k, (left, right) in enumerate(decisions.apart):
        for side, keys in enumerate((left, right)):
            for key in keys:
                if key in index:
                    labels[index[key]].add((k, side))
    return labels


def _cluster_name(
    reader: PostReader, name: str, sightings: list[Sighting], decisions: Decisions
) -> list[Career]:
    sightings = sorted(sightings, key=lambda s: (s.day or "9999", s.document_id))
    decided = bool(decisions.together or decisions.apart)
    index = {(s.document_id, s.name): i for i, s in enumerate(sightings)} if decided else {}
    labels = _apart_labels(decisions, index) if decided else {}
    kept = [_kept(reader, s) for s in sightings]
    posts = [_shown_posts(s, k) if k[1] else [] for s, k in zip(sightings, kept, strict=True)]
    no_labels: set[tuple[int, int]] = set()  # (read, never changed: a group copies its labels)
    # Without decisions of the office, a mention without posts clashes with nobody: it is paired
    # with no one, and joins a person (or another such mention) below whatever they hold. Its
    # group is then never asked but whether it is anchored (no) and has labels or seats (no):
    # one shared empty group stands for all of them, and joining them only sets their root.
    plain = not decided
    bare = _Group.empty()
    groups = [
        _Group(s, found, labels.get(i, no_labels)) if found or not plain else bare
        for i, (s, found) in enumerate(zip(sightings, posts, strict=True))
    ]
    parent = list(range(len(sightings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    refused: set[tuple[int, int, int, int]] = set()  # pairs of groups (as they were) that clash

    def join(i: int, j: int, forced: bool = False) -> bool:
        a, b = root(i), root(j)
        if a == b:
            return True
        if not forced:
            state = (a, b, len(groups[a].members), len(groups[b].members))
            if state in refused:
                return False
            if groups[a].clashes_with(groups[b]):
                refused.add(state)
                return False
        a, b = min(a, b), max(a, b)
        groups[a].absorb(groups[b])
        parent[b] = a
        return True

    for together in decisions.together:
        members = [index[k] for k in together if k in index]
        for i in members[1:]:
            join(members[0], i, forced=True)

    need = 3 if common_name(name) else 2
    # (``_candidates``, packed; the evidence as ``_kept`` remembered it)
    packed, bits = _pairs(*_evidence_kept(sightings, posts, kept), need, unique=True)
    mask = (1 << bits) - 1
    for x in packed:  # (``join`` written out)
        i, j = (x >> bits) & mask, x & mask
        a = i if parent[i] == i else root(i)
        b = j if parent[j] == j else root(j)
        if a == b:
            continue  # one person already
        ga, gb = groups[a], groups[b]
        state = (a, b, len(ga.members), len(gb.members))
        if state in refused:
            continue
        if ga.clashes_with(gb):
            refused.add(state)
            continue
        if a < b:
            ga.absorb(gb)
            parent[b] = a
        else:
            gb.absorb(ga)
            parent[a] = b

    # Mentions without a post of their own join the person the document's home points to.
    roots = sorted(set(_flatten(parent)))
    anchored = [r for r in roots if groups[r].anchored]
    places = {r: _Where(groups[r]) for r in anchored}  # joining posts without places moves no seat
    loose = [r for r in roots if not groups[r].anchored]
    waiting: dict[tuple[str, str] | None, int] = {}
    single = len(anchored) == 1 and not common_name(name)
    holders = _holders(places)
    pools: dict[tuple[tuple[str, str], ...], Iterable[int]] = {}  # by the home: a name has a few

    def person(i: int) -> _Group:
        return groups[root(i)]

    def joined(i: int, r: int) -> bool:
        """``join(i, r)`` of a mention without posts ``r``: without decisions only its root is set."""
        if not plain:
            return join(i, r)
        a, b = root(i), root(r)
        if a != b:
            parent[max(a, b)] = min(a, b)
        return True

    for r in loose:
        s = sightings[r] if plain else groups[r].members[0]  # (the same: r is its own root yet)
        # anchored groups are not joined to each other here: each g names one still
        if single:
            pool: Iterable[int] = anchored
        else:
            home = tuple(s.home.items())
            pool = pools.get(home) or pools.setdefault(home, _pool(holders, s.home))
        best = _best_anchor(s, r, pool, places, person, 1 if single else 2)
        if best and (best[0] >= 2 or single) and joined(best[2], r):
            continue
        place = _widest(s.home)
        if place in waiting and joined(waiting[place], r):
            continue
        waiting.setdefault(place, root(r))

    careers: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(_flatten(parent)):
        careers[r].append(i)
    built = [
        _career(name, [sightings[i] for i in members], [posts[i] for i in members])
        for members in careers.values()
    ]
    return sorted(built, key=lambda c: (-len(c.sightings), c.ref))


def _flatten(parent: list[int]) -> list[int]:
    """``parent`` with each entry its root, in one pass: a group is joined to the one of the
    smaller index (so ``parent[i] <= i``), and the roots of the earlier entries are known."""
    for i, p in enumerate(parent):
        if p != i:
            parent[i] = parent[p]
    return parent


def _holders(places: Mapping[int, _Where]) -> dict[tuple[str, str], list[int]]:
    """For each seat, the persons (of ``places``) that held it, seen with a day or without."""
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for g, where in places.items():
        for seat in where.by_seat:
            out[seat].append(g)
    return out


def _pool(holders: Mapping[tuple[str, str], list[int]], home: Mapping[str, str]) -> Iterable[int]:
    """The persons that can rank 2 for a mention in a document about ``home`` (``_Where.rank``:
    a seat of the home held): those that held one of its seats. The others rank 1 or not at
    all, and a best of rank 1 joins a mention only to the one anchored person of a rare name,
    where every person is asked (the order does not matter: the best is a maximum)."""
    if len(home) == 1:
        return holders.get(next(iter(home.items())), ())
    found: set[int] = set()
    for seat in home.items():
        found.update(holders.get(seat, ()))
    return found


def _best_anchor(
    s: Sighting,
    r: int,
    anchored: Iterable[int],
    places: Mapping[int, _Where],
    person: Callable[[int], _Group],
    least: int = 1,
) -> tuple[int, int, int] | None:
    """The anchored person a mention without a post (``s``, of group ``r``) is closest to: one
    whose seats around its day take in the document's home ranks first, then the nearest in
    time; none whose seats that month conflict with the home or who clashes with ``r``. With
    ``least`` 2, only one whose seats take in the home (None when there is none)."""
    day = _ordinal(s.day)
    home_seats = s.home.items()  # (``rank`` asks each seat once, in any order)
    mine = person(r)
    plain = not mine.labels and not mine.seated  # (then it clashes with nobody)
    if least == 2:
        # Only persons ranking 2 count, so the best is the nearest in time (then the largest
        # index): the persons are asked in that order, and the first that ranks 2 is it.
        for far, g in sorted([(places[g].distance(day), -g) for g in anchored]):
            g = -g
            if places[g].rank(home_seats, day, NEAR) == 2 and (plain or not person(g).clashes_with(mine)):
                return 2, -far, g
        return None
    best: tuple[int, int, int] | None = None
    for g in anchored:
        where = places[g]
        near = where.rank(home_seats, day, NEAR)
        if near is None or near < least:
            continue  # its seats that month conflict with the home
        if not plain and person(g).clashes_with(mine):
            continue
        if best is not None and best[0] > near:
            continue  # (it cannot rank first: no need of its distance)
        candidate = (near, -where.distance(day), g)
        if best is None or candidate > best:
            best = candidate
    return best


@dataclass
class Extension:
    """What new sightings change in a name's clustered persons: the persons made or changed
    (``careers``) and the ids of the stored persons they replace (``replaced``); every other
    person of the name stays as it is."""

    careers: list[Career]
    replaced: list[int]


def extend(
    reader: PostReader,
    name: str,
    persons: Mapping[int, Sequence[Sighting]],
    new: Sequence[Sighting],
    decisions: Decisions | None = None,
) -> Extension | None:
    """Add the ``new`` sightings of ``name`` to its clustered ``persons`` (person id → their
    sightings) by the rules of ``cluster`` without clustering the name again: the evidence pairs
    that involve a new sighting are taken strongest first, each joining the two persons unless
    they clash (a new sighting between two persons that do not clash joins them, as clustering
    would); a new sighting without a post of its own joins the person its document's home points
    to. None — the name must be clustered whole — when a new sighting clashes with a person it
    shares STRONG evidence with (it may belong elsewhere, or the person be two), when the new sightings
    make a person with a post of its own while stored mentions without a post were placed by
    the persons known then (clustering places them again), or when a decision of the office
    names a new sighting."""
    with fewer_collections(None):
        return _extend(reader, name, persons, new, decisions or Decisions())


def _extend(
    reader: PostReader,
    name: str,
    persons: Mapping[int, Sequence[Sighting]],
    new: Sequence[Sighting],
    decisions: Decisions,
) -> Extension | None:
    decided = {k for group in decisions.together for k in group}
    decided |= {k for left, right in decisions.apart for k in (*left, *right)}
    if any(s.key in decided for s in new):
        return None
    fresh = {s.key for s in new}
    person_of = {(s.document_id, s.name): pid for pid, members in persons.items() for s in members}
    sightings = sorted(
        [s for members in persons.values() for s in members] + list(new),
        key=lambda s: (s.day or "9999", s.document_id),
    )
    index = {(s.document_id, s.name): i for i, s in enumerate(sightings)}
    labels = _apart_labels(decisions, index)
    no_labels: set[tuple[int, int]] = set()  # (read, never changed: a group copies its labels)
    kept = [_kept(reader, s) for s in sightings]
    posts = [_shown_posts(s, k) if k[1] else [] for s, k in zip(sightings, kept, strict=True)]
    parent = list(range(len(sightings)))
    groups: dict[int, _Group] = {}
    old: dict[int, bool] = {}  # root → whether its group holds stored sightings
    for members in persons.values():
        at = sorted(index[s.document_id, s.name] for s in members)
        group = _Group.of(
            [sightings[i] for i in at], [posts[i] for i in at], [labels.get(i, no_labels) for i in at]
        )
        for i in at[1:]:
            parent[i] = at[0]
        groups[at[0]], old[at[0]] = group, True
    for s in new:
        i = index[s.key]
        groups[i], old[i] = _Group(s, posts[i], labels.get(i, no_labels)), False

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def merge(a: int, b: int) -> int:
        a, b = min(a, b), max(a, b)
        groups[a].absorb(groups.pop(b))
        old[a] = old[a] or old.pop(b)
        parent[b] = a
        return a

    need = 3 if common_name(name) else 2
    # the evidence between stored sightings was weighed when the name was clustered
    # (``_candidates`` with ``only``, the evidence as ``_kept`` remembered it)
    evidence, held_alone, days, begins, ends = _evidence_kept(sightings, posts, kept)
    only = {index[s.key] for s in new}
    for negative, _gap, i, j in _candidates_of(only, evidence, held_alone, days, begins, ends, need):
        a, b = root(i), root(j)
        if a == b:
            continue
        if groups[a].clashes_with(groups[b]):
            lone = [r for r in (a, b) if not old[r] and len(groups[r].members) == 1]
            if -negative >= STRONG and lone and any(old[r] for r in (a, b)):
                return None  # a new mention against a person it shares a seat or a move with
            continue  # (another city of the province, another post: refused, as clustering would)
        merge(a, b)

    roots = sorted(set(_flatten(parent)))
    made = [_Where(groups[r]) for r in roots if not old[r] and groups[r].anchored]
    if made:  # a new person with a post: would the stored mentions without one be theirs?
        before = sum(1 for r in roots if old[r] and groups[r].anchored)
        seen_at: dict[int, _Where] = {}
        for s, found in zip(sightings, posts, strict=True):
            if s.key in fresh or any(post.specific for _, post in found):
                continue
            if before <= 1 and not common_name(name):
                return None  # the one person with a post took them all
            day, home = _ordinal(s.day), set(s.home.items())
            rivals = [w for w in made if w.near(home, day, SAME_PLACE_YEARS * 366 + 1)]
            if not rivals:
                continue
            r = root(index[s.key])
            if groups[r].anchored:  # it stays with its person when that one is nearer in time
                mine = seen_at.setdefault(r, _Where(groups[r]))
                if mine.near(home, day, SAME_PLACE_YEARS * 366 + 1) and mine.distance(day) < min(
                    w.distance(day) for w in rivals
                ):
                    continue
            return None
    loose = [r for r in roots if not old[r] and not groups[r].anchored]
    if loose:  # as in cluster: the person the document's home points to, else its place's
        anchored = [r for r in roots if groups[r].anchored]
        places = {r: _Where(groups[r]) for r in anchored}
        waiting: dict[tuple[str, str] | None, int] = {}
        for r in roots:
            if old[r] and not groups[r].anchored:
                waiting.setdefault(_widest(groups[r].members[0].home), r)
        single = len(anchored) == 1 and not common_name(name)
        holders = _holders(places)
        for r in loose:
            s = groups[r].members[0]
            pool = anchored if single else _pool(holders, s.home)
            best = _best_anchor(s, r, pool, places, lambda i: groups[root(i)], 1 if single else 2)
            if best and (best[0] >= 2 or single):
                a, b = root(best[2]), root(r)
                if not groups[a].clashes_with(groups[b]):
                    merge(a, b)
                    continue
            place = _widest(s.home)
            if place in waiting:
                a, b = root(waiting[place]), root(r)
                if a != b and not groups[a].clashes_with(groups[b]):
                    merge(a, b)
                    continue
            waiting.setdefault(place, root(r))

    made_of: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(_flatten(parent)):
        made_of[r].append(i)
    careers, replaced = [], set()
    for at in made_of.values():
        if not any(sightings[i].key in fresh for i in at):
            continue  # a person the new sightings did not touch
        replaced |= {person_of[sightings[i].key] for i in at if sightings[i].key in person_of}
        careers.append(_career(name, [sightings[i] for i in at], [posts[i] for i in at]))
    return Extension(sorted(careers, key=lambda c: (-len(c.sightings), c.ref)), sorted(replaced))


_Kept = tuple[tuple[int, ...] | None, tuple[Post, ...], dict[tuple[str | None, ...], int], set[str]]
_NO_POSTS: _Kept = (None, (), {}, set())  # (of a mention without posts; never changed)


def _fuller(reader: PostReader, s: Sighting) -> list[tuple[Shown, Post]]:
    """The posts of a sighting, read; a bare head ("书记" in "李晓林书记") is dropped where the
    same document shows a fuller post with that head ("深圳市委书记"). What is kept depends on
    the posts as written, their contexts and the home alone: it is remembered by those (a
    corpus shows a few thousand such combinations in tens of thousands of mentions)."""
    return _shown_posts(s, _kept(reader, s)) if s.shown else []


def _shown_posts(s: Sighting, kept: _Kept) -> list[tuple[Shown, Post]]:
    """``_fuller`` of ``s`` from what ``_kept`` says of it."""
    at, posts = kept[0], kept[1]
    if at is None:  # (most: every post kept)
        return list(zip(s.shown, posts, strict=True))
    shown = s.shown
    return [(shown[k], post) for k, post in zip(at, posts, strict=True)]


def _kept(reader: PostReader, s: Sighting) -> _Kept:
    """What ``_fuller`` keeps of the posts of ``s`` (the positions, None for all, and the posts
    read), with their pieces of evidence and the posts one person holds at a time (``_evidence``):
    remembered by the posts as written, their contexts and the home."""
    shown = s.shown
    if not shown:
        return _NO_POSTS
    key = (*[(x.written, x.context) for x in shown], *s.home.items())
    found = reader._fuller.get(key)
    if found is None:
        read = [reader.read(x.written, dict(x.context) or s.home) for x in shown]
        at = tuple(
            k
            for k, post in enumerate(read)
            if post.tier
            or post.unit
            or post.place
            or not any(o.head == post.head and o is not post for o in read)
        )
        posts = tuple(read[k] for k in at)
        singles: set[str] = set()
        mine = _evidence([(shown[k], post) for k, post in zip(at, posts, strict=True)], singles)
        found = (None if len(at) == len(read) else at, posts, mine, singles)
        if len(reader._fuller) > 100_000:
            reader._fuller.clear()
        reader._fuller[key] = found
    return found


def _widest(home: Mapping[str, str]) -> tuple[str, str] | None:
    """The province a document is about (else its city): mentions without posts of one name in
    one province are one person unless a post tells them apart."""
    for tier in ("省", "市", "县"):
        if tier in home:
            return tier, home[tier]
    return None


_NO_EVIDENCE: dict[tuple[str | None, ...], int] = {}  # (of a mention without posts; never changed)
# ``_evidence`` of posts (by their ids; the entry holds them, so the ids are not reused while it
# is kept): the pieces of evidence, and the posts one person holds at a time. Never changed.
_EVIDENCE: dict[tuple[int, ...], tuple[tuple[Post, ...], dict[tuple[str | None, ...], int], set[str]]] = {}


def _pairing_days(key: tuple[str | None, ...], n: int, need: int, single: set[str]) -> int | None:
    """The days within which two of the ``n`` sightings sharing the piece of evidence ``key``
    are paired (``_candidates``); None when the piece makes no pair: fewer than two sightings,
    or a kind of post when more than 2 is needed (its pairs weigh 2 at most)."""
    if n < 2 or (key[0] == "kind" and need > 2):
        return None
    if key[0] == "post":
        years = SAME_SINGLE_POST_YEARS if key[1] in single else SAME_POST_YEARS
    else:
        years = SAME_PLACE_YEARS
    return years * 366


def _candidates(
    sightings: list[Sighting], posts: list[list[tuple[Shown, Post]]], need: int, only: set[int] | None = None
) -> list[tuple[int, int, int, int]]:
    """(-weight, gap in days, i, j) for pairs of sightings that share evidence at least ``need``
    strong, strongest and closest first (the weight negated: the list is sorted as made). Each
    sighting is paired with the next ``NEIGHBOURS`` in time that share a piece of evidence:

    - the same post: 3 with a place, 2 without one but with a unit, 1 bare ("市委书记");
    - the same kind of post where one of them has no known place ("省长", "安徽省省长"): 2;
    - a place both served in, at one tier (the same city; a city and its province; two cities
      of one province): 2, and 3 when a transfer word marks the move between them.

    With ``only`` (indexes), the pairs that involve one of those sightings, the same as above."""
    evidence, single, days, begins, ends = _evidence_of(sightings, posts)
    if only is not None:
        return _candidates_of(only, evidence, single, days, begins, ends, need)
    packed, bits = _pairs(evidence, single, days, begins, ends, need)
    mask, gap_at = (1 << bits) - 1, 2 * bits
    return [
        (-(3 - (x >> (gap_at + GAP_BITS))), (x >> gap_at) & GAP_MASK, (x >> bits) & mask, x & mask)
        for x in packed
    ]


def _evidence_kept(
    sightings: list[Sighting], posts: list[list[tuple[Shown, Post]]], kept: list[_Kept]
) -> tuple[list[dict[tuple[str | None, ...], int]], set[str], list[int | None], list[bool], list[bool]]:
    """``_evidence_of`` with each sighting's pieces of evidence and single-holder posts as
    ``_kept`` remembered them."""
    singles: set[str] = set()  # (the posts one person holds at a time)
    for k in kept:
        if k[3]:
            singles |= k[3]
    return _evidence_of(sightings, posts, [k[2] for k in kept], singles)


def _evidence_of(
    sightings: list[Sighting],
    posts: list[list[tuple[Shown, Post]]],
    given: list[dict[tuple[str | None, ...], int]] | None = None,
    given_single: set[str] | None = None,
) -> tuple[list[dict[tuple[str | None, ...], int]], set[str], list[int | None], list[bool], list[bool]]:
    """What ``_candidates`` pairs the sightings by: each one's pieces of evidence with their
    strengths, the posts one person holds at a time, each one's day, and whether it shows a
    post begun, one ended. ``given``: the pieces of evidence of each, and ``given_single`` the
    posts held by one at a time of them all (``_kept``: then not looked up again)."""
    single: set[str] = set() if given_single is None else given_single
    known: dict[tuple[int, ...], dict[tuple[str | None, ...], int]] = {}  # by the posts' ids
    evidence = [] if given is None else given
    begins = [False] * len(posts)
    ends = [False] * len(posts)
    for i, found in enumerate(posts):  # (many mentions show the same posts: ``_fuller`` remembers)
        if not found:
            if given is None:
                evidence.append(_NO_EVIDENCE)
            continue
        if given is not None:
            for shown, _ in found:
                if shown.change == START:
                    begins[i] = True
                elif shown.change == END:
                    ends[i] = True
            continue
        ids = tuple([id(post) for _, post in found])
        mine = known.get(ids)
        if mine is None:
            kept = _EVIDENCE.get(ids)
            if kept is None:
                if len(_EVIDENCE) > 100_000:
                    _EVIDENCE.clear()
                singles: set[str] = set()
                kept = _EVIDENCE[ids] = (tuple(post for _, post in found), _evidence(found, singles), singles)
            mine = known[ids] = kept[1]
            single |= kept[2]
        evidence.append(mine)
        for shown, _ in found:
            if shown.change == START:
                begins[i] = True
            elif shown.change == END:
                ends[i] = True
    return evidence, single, [_ordinal(s.day) for s in sightings], begins, ends


# A pair of ``_pairs`` packed in one number, which sorts as its (-weight, gap, i, j) would: the
# weight (1-3) as 3 - weight, then the gap (days, at most the longest pairing's), then i and j
# in ``bits`` each (the bits of the number of sightings). Numbers sort several times faster
# than tuples, and tens of thousands of pairs are sorted a refresh.
GAP_BITS = (max(SAME_SINGLE_POST_YEARS, SAME_POST_YEARS, SAME_PLACE_YEARS) * 366).bit_length()
GAP_MASK = (1 << GAP_BITS) - 1


def _pairs(
    evidence: list[dict[tuple[str | None, ...], int]],
    single: set[str],
    days: list[int | None],
    begins: list[bool],
    ends: list[bool],
    need: int,
    unique: bool = False,
) -> tuple[list[int], int]:
    """The pairs of ``_candidates`` (without ``only``), sorted, each packed in a number (``GAP_BITS``),
    and the bits of i and j in it. With ``unique``, a pair listed again by another piece of
    evidence of the same weight and gap (a city and its province) once: clustering takes the
    second as it left the first (joined, or refused as they stand), so it changes nothing (a
    sixth of the pairs of the generated readouts)."""
    shared: dict[tuple[str | None, ...], list[int]] = {}  # piece of evidence → who shows it, in order
    for i, mine in enumerate(evidence):
        if mine:
            for key in mine:
                found = shared.get(key)
                if found is None:
                    shared[key] = [i]
                else:
                    found.append(i)
    bits = max(len(evidence) - 1, 1).bit_length()
    gap_at = 2 * bits
    out: list[int] = []
    add = out.append
    for key, members in shared.items():
        n = len(members)
        within = _pairing_days(key, n, need, single)
        if within is None:
            continue
        what = key[0]
        if what == "post":  # (the pairs of the same post weigh the strength of the first)
            for k in range(n - 1):
                i = members[k]
                weight = evidence[i][key]
                if weight < need:
                    continue
                top = ((3 - weight) << (gap_at + GAP_BITS)) | (i << bits)
                di = days[i]
                for j in members[k + 1 : k + 1 + NEIGHBOURS]:
                    dj = days[j]
                    gap = (di - dj if di > dj else dj - di) if di is not None and dj is not None else 0
                    if gap <= within:
                        add(top | (gap << gap_at) | j)
        elif what == "kind":  # 2 where one of the two has no place (both placed: one post or two)
            placeless = [evidence[i][key] for i in members]
            if not any(placeless):
                continue
            for k in range(n - 1):
                i = members[k]
                a = placeless[k]
                top = (1 << (gap_at + GAP_BITS)) | (i << bits)
                di = days[i]
                for m in range(k + 1, min(k + 1 + NEIGHBOURS, n)):
                    if not (a or placeless[m]):
                        continue
                    j = members[m]
                    dj = days[j]
                    gap = (di - dj if di > dj else dj - di) if di is not None and dj is not None else 0
                    if gap <= within:
                        add(top | (gap << gap_at) | j)
        else:  # a place both served in; i is the earlier of the two: 3 with a move between them
            for k in range(n - 1):
                i = members[k]
                ended = ends[i]
                di = days[i]
                for j in members[k + 1 : k + 1 + NEIGHBOURS]:
                    weight = 3 if ended or begins[j] else 2
                    if weight < need:
                        continue
                    dj = days[j]
                    gap = (di - dj if di > dj else dj - di) if di is not None and dj is not None else 0
                    if gap <= within:
                        add(((3 - weight) << (gap_at + GAP_BITS)) | (i << bits) | (gap << gap_at) | j)
    if unique:
        return sorted(set(out)), bits
    out.sort()
    return out, bits


def _candidates_of(
    only: set[int],
    evidence: list[dict[tuple[str | None, ...], int]],
    single: set[str],
    days: list[int | None],
    begins: list[bool],
    ends: list[bool],
    need: int,
) -> list[tuple[int, int, int, int]]:
    """``_candidates`` with ``only``: the pairs (p, q), p < q ≤ p + ``NEIGHBOURS`` in the list of
    the sightings sharing a piece of evidence, that hold one of ``only``. The pieces none of
    those have make no pair (not listed); the others list the positions only, the strengths
    looked up for the few pairs asked."""
    wanted = {key for i in only for key in evidence[i]}
    shared: dict[tuple[str | None, ...], list[int]] = defaultdict(list)
    at_of: dict[tuple[str | None, ...], list[int]] = defaultdict(list)  # key → where ``only``'s are
    for i, mine in enumerate(evidence):
        if not mine:
            continue
        if i in only:
            for key in mine:
                members = shared[key]
                at_of[key].append(len(members))
                members.append(i)
        else:
            for key in mine:
                if key in wanted:
                    shared[key].append(i)
    out: list[tuple[int, int, int, int]] = []  # (-weight, gap, i, j): sorted as they are
    for key, members in shared.items():
        n = len(members)
        within = _pairing_days(key, n, need, single)
        if within is None:
            continue
        what = key[0]
        for k in sorted({p for q in at_of[key] for p in range(max(q - NEIGHBOURS, 0), q + 1)}):
            i = members[k]
            a = evidence[i][key]
            if what == "post" and a < need:
                continue  # (the pairs of the same post weigh the strength of the first)
            di = days[i]
            for j in members[k + 1 : k + 1 + NEIGHBOURS]:
                if i not in only and j not in only:
                    continue
                if what == "post":
                    weight = a
                elif what == "kind":
                    weight = 2 if a or evidence[j][key] else 0  # both placed: one post or two places
                else:  # i is the earlier of the two
                    weight = 3 if begins[j] or ends[i] else 2
                if weight < need:
                    continue
                dj = days[j]
                gap = (di - dj if di > dj else dj - di) if di is not None and dj is not None else 0
                if gap <= within:
                    out.append((-weight, gap, i, j))
    out.sort()
    return out


def _evidence(found: list[tuple[Shown, Post]], single: set[str]) -> dict[tuple[str | None, ...], int]:
    """The pieces of evidence of one sighting's posts with their strengths (``_candidates``);
    the posts one person holds at a time are added to ``single``."""
    mine: dict[tuple[str | None, ...], int] = {}
    for _shown, post in found:
        mine[("post", post.text)] = 3 if post.place else 2 if post.specific else 1
        if post.single_holder:
            single.add(post.text)
        if post.tier:
            kind: tuple[str | None, ...] = ("kind", post.tier, post.unit, post.head)
            mine[kind] = max(mine.get(kind, 0), 0 if post.place else 1)
        for seat in post.seats:
            mine[("at", *seat)] = 2
    return mine


def _career(name: str, members: list[Sighting], posts: list[list[tuple[Shown, Post]]]) -> Career:
    """The career of ``members``, given in (day, document) order, as clustering sorts them
    (their list is the career's): each record's evidence is in (day, document, span) order
    when each mention's is added in the order of its spans, without sorting it whole."""
    records: dict[str, PostRecord] = {}
    for s, found in zip(members, posts, strict=True):
        day, doc = s.day, s.document_id
        in_order = len(found) < 2 or all(
            found[k][0].span <= found[k + 1][0].span for k in range(len(found) - 1)
        )
        for shown, post in found:
            record = records.get(post.text)
            if record is None:
                record = records[post.text] = PostRecord(post)
            elif post.place and not post.inferred and record.post.inferred:
                record.post = post  # the written place is the better description
            change = shown.change
            if in_order:
                record.evidence.append(Evidence(doc, shown.span, shown.written, day, change, shown.word))
            if not day or change in (FORMER, NOMINATED):
                continue
            # (the days kept are never empty: the earliest and the latest of those seen)
            if record.first is None or day < record.first:
                record.first = day
            if record.last is None or day > record.last:
                record.last = day
            if change == START:
                if record.began is None or day < record.began:
                    record.began = day
            elif change == END and (record.ended is None or day > record.ended):
                record.ended = day
        if not in_order:  # (a stable sort: posts at one span stay in the order shown)
            for shown, post in sorted(found, key=lambda x: x[0].span):
                records[post.text].evidence.append(
                    Evidence(doc, shown.span, shown.written, day, shown.change, shown.word)
                )
    ordered = sorted(records.values(), key=lambda r: (r.first or r.evidence[0].day or "9999", r.post.text))
    return Career(min(s.ref for s in members), name, members, ordered)


@dataclass(frozen=True)
class Holding:
    """One person's record of one post, as the store lists the holders of a post."""

    person: int
    name: str
    post: str
    first: str | None
    last: str | None
    ended: str | None = None


def successor(holdings: Iterable[Holding], person: int) -> Holding | None:
    """Of the holders of one post (one person at a time holds it), the one who holds it now as
    far as the documents show: the latest seen in it who began there after ``person`` did and
    was seen there no earlier than ``person`` last was. None when ``person`` is that one."""
    holdings = list(holdings)
    mine = [h for h in holdings if h.person == person]
    if not mine:
        return None
    since = min((h.first for h in mine if h.first), default=None)
    until = max((h.ended or h.last or "" for h in mine), default="")
    later = [
        h
        for h in holdings
        if h.person != person
        and h.first
        and h.last
        and (since is None or h.first > since)
        and h.last >= until
    ]
    return max(later, key=lambda h: (h.last or "", h.first or "", h.person)) if later else None
