"""Addressees: the organisational bodies a directive is addressed to, as written.

Found by structure, not by remembering bodies: the subject of a clause whose verb is a modal of
obligation ("滨海新区要…", "港府需…", "各级各部门务必…"), the object of 要求/号召/责成 ("要求各区抓紧…"),
and the body named in "由X牵头". The subject must be a list of bodies: each item ends in the
head of a body (部门, 单位, 政府, 合作区, … from ``gazetteer/bodies.txt``) or is a known place or
zone; items that name people ("广大委员"), pronouns and the scope alone ("全市上下") are not
bodies, and a clause whose subject is the meeting ("会议强调…要…") has none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from luoshi.extract.gazetteer import body_words, places, zones
from luoshi.extract.scan import first_each
from luoshi.model import Addressee, Span

# A modal of obligation, and what may stand between the subject and it.
_MODAL = re.compile(
    r"(?=[也更还都均则一首要需务必应])(?<![所必急亟无不之只主重纲提摘概简首紧将想])(?:也|更|还|都|均|则|一定|首先)?"
    r"(?:要|需要|需|务必|必须|应当|应)(?![求点素闻件害员])"
)
# _MODAL for a scan of a whole text: its leading lookahead is tried at every position, where a
# class first lets the engine skip ahead to the characters a modal starts with; the lookbehind
# steps back over that character and matches _MODAL there (group 1: its match).
_MODAL_SCAN = re.compile(f"[也更还都均则一首要需务必应](?<=(?=({_MODAL.pattern})).)")
_BOUNDARY = set('，,。；;：:！？!?\n“”"「」 \u3000\t')


def modal_starts(s: str) -> list[int]:
    """Where each match of ``_MODAL.finditer(s)`` starts: the scan's matches, each one that
    starts inside the match before it dropped (as the scan of _MODAL goes on after a match)."""
    out: list[int] = []
    last = 0
    for m in _MODAL_SCAN.finditer(s):
        a, b = m.span(1)
        if a >= last:
            out.append(a)
            last = b
    return out


_LEAD_IN = re.compile(
    r"^.*?(?:强调|指出|要求|表示|号召|希望|提出|认为|明确|部署|鼓励|督促|责成)"
    r"|^(?:[一二三四五六七八九十]+是|[一二三四五六七八九十]要|第[一二三四五六七八九十]+|首先|其次|同时|此外|另外|最后)"
)
_SPLIT = re.compile(r"以及|、|和|及|与|同")
_NARROWING = re.compile(r"特别是|尤其是|包括")  # "各级各部门特别是宣传战线": the narrower part may be no body
# 要求 as a verb; as a noun ("讲话要求", "工作部署要求") it is preceded by what it belongs to.
# (The lookbehind, on the character before the two-character verb, follows the verb so that the
# engine can skip ahead to the verbs' first characters.)
_ASKS = re.compile(r"(?:要求|号召|责成|督促|鼓励)(?<![话示署作本体新高格关的照据于合足达到符]..)[，,：:]?")
_LEADS = re.compile(r"由([^，,。；;：:\s]{2,20}?)(?:牵头|负责)")
_AS = re.compile(r"作为")
_MAX_SUBJECT = 40


@cache
def _words() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    w = body_words()
    known = frozenset(places()) | frozenset(n for n, _ in zones())
    return w["strong"], w["weak"], w["people"], w["not_start"], known


@cache
def _not_inside() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, body_words()["not_inside"])) + "|的")


_TRAILING = re.compile(r"[（(][^（()）]*[)）]$")


def _core(item: str) -> str:
    """The item without a trailing parenthesis ("各县(市、区)" → "各县") and 等."""
    core = _TRAILING.sub("", item) if item.endswith((")", "）")) else item
    return core[:-1] if core.endswith("等") else core


def is_body(item: str) -> bool:
    """Whether ``item`` names an organisational body or a category of them."""
    strong, weak, people, not_start, known = _words()
    core = _core(item)
    if not 2 <= len(core) <= 24 or core.endswith(people):
        return False
    examples = core.rfind("等")
    if 0 < examples < len(core) - 1:  # "龙口、莱州、海阳等沿海区市": judged by the category after 等
        category = core[examples + 1 :]
        return category in body_words()["after_examples"] or is_body(category)
    if core in known:
        return True
    if _not_inside().search(core):
        return False
    if core.startswith(not_start) and not core.startswith(("全市各", "全省各", "全区各", "全县各", "全国各")):
        return False
    if core.endswith(strong):
        return True
    head = next((h for h in weak if core.endswith(h)), None)
    if head is None:
        return False
    stem = core[: -len(head)]
    return stem in known or (stem.startswith("各") and len(stem) <= 3) or 2 <= len(stem) <= 13


_CATEGORY = re.compile(r"^(?:全[市省区县国])?(?:各|有关|相关|其他|其余|[市省区县]直|[市省区县]级|国务院)")


def _plain(item: str) -> bool:
    """A category of bodies ("各参加单位", "省直各部门") or a known place or zone."""
    return bool(_CATEGORY.match(item)) or _core(item) in _words()[4]


Items = tuple[tuple[str, int], ...]  # bodies with their offsets in the phrase


@lru_cache(maxsize=8192)
def _split(subject: str, whole: bool = False) -> Items | None:
    """The bodies in a subject phrase with their offsets in it, or ``None`` when the phrase is
    not a list of bodies; after 特别是/包括 only the bodies are kept. (A function of the phrase
    alone, remembered: the same subjects recur, and ``_shortest_bodies`` tries every prefix of
    a clause.)"""
    narrow = _NARROWING.search(subject)
    if not narrow:
        found = _split_list(subject, whole)
        return tuple(found) if found is not None else None
    head = _split_list(subject[: narrow.start()], whole)
    if head is None:
        return None
    rest = _split(subject[narrow.end() :], whole) or ()
    return (*head, *((item, narrow.end() + at) for item, at in rest))


_LEVELS = "省市县区州旗盟乡镇"
_EACH_LEVEL = re.compile(f"各[{_LEVELS}]{{1,3}}")  # "各市", "各市州"
_LEVELS_LEAD = re.compile(f"[{_LEVELS}（()）、]+")  # "县（区）" before the head of "县（区）政府"
_JOINS = ("、", "和", "及", "与")  # a headless item before one of these shares the next head


def _parts(subject: str) -> list[tuple[str, int]]:
    """Items and separators (offset -1) of a subject phrase, split outside brackets."""
    parts: list[tuple[str, int]] = []
    depth, start, i = 0, 0, 0
    while i < len(subject):
        c = subject[i]
        depth += c in "（("
        depth -= c in ")）"
        m = _SPLIT.match(subject, i) if depth == 0 else None
        if m:
            parts.append((subject[start:i], start))
            parts.append((m.group(), -1))  # the separator
            start = i = m.end()
            continue
        i += 1
    parts.append((subject[start:], start))
    return _join_examples(subject, parts)


def _join_examples(subject: str, parts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """ "龙口、莱州、海阳等沿海区市": items listed as examples of the category after 等 are one body,
    as written."""
    out: list[tuple[str, int]] = []
    for k in range(0, len(parts), 2):
        item, at = parts[k]
        cut = item.find("等")
        if 0 < cut < len(item) - 1 and k >= 2 and parts[k - 1][0] == "、":
            first = k
            while first >= 2 and parts[first - 1][0] == "、":
                first -= 2
            del out[first:]  # the examples and their separators become part of this item
            start = parts[first][1]
            item, at = subject[start : at + len(item)], start
        elif k:
            out.append(parts[k - 1])
        out.append((item, at))
    return out


def _shares_levels(item: str, following: str) -> bool:
    """ "各市、县（区）政府", "各市州、县市区政府": levels of government under one 各 and one head."""
    if not _EACH_LEVEL.fullmatch(item):
        return False
    lead = _LEVELS_LEAD.match(following)
    return lead is not None and following[lead.end() :] in _words()[0]


def _split_list(subject: str, whole: bool = False) -> list[tuple[str, int]] | None:
    """The bodies in a subject phrase with their offsets in it, or ``None`` when the phrase is
    not a list of bodies. A headless item shares the head of the next ("财政、社保部门",
    "市水利和湖泊局"), and so do levels under one 各 ("各市、县（区）政府"); a category with 各
    before another is a body of its own ("各处室、各直属单位"). In a ``whole`` subject (ended by
    its modal, not a prefix being tried) a short category with 各 beside bodies is one too
    ("管理局各部门、各园区平台要")."""
    parts = _parts(subject)
    _, _, people, _, _ = _words()
    out: list[tuple[str, int]] = []
    pending: tuple[str, int] | None = None
    for k in range(0, len(parts), 2):
        item, at = parts[k]
        if pending:
            item, at = pending[0] + parts[k - 1][0] + item, pending[1]
            pending = None
        if not item:
            continue
        joined = k + 2 < len(parts) and (
            parts[k + 1][0] == "、" or (parts[k + 1][0] in _JOINS and not _MODAL.search(item))
        )  # "市水利和湖泊局", not "市政府要与各区"
        if joined and parts[k + 1][0] == "、" and _shares_levels(item, parts[k + 2][0]):
            pending = (item, at)
        elif is_body(item):
            out.append((item, at))
        elif item.endswith(people) or len(item) > 24:
            continue
        elif joined and item.startswith("各") and parts[k + 2][0].startswith("各") and len(item) <= 6:
            out.append((item, at))  # "各处室、各直属单位": parallel categories
        elif joined:
            pending = (item, at)
        elif (
            whole and item.startswith("各") and 3 <= len(item) <= 5 and out and not _not_inside().search(item)
        ):
            out.append((item, at))  # "管理局各部门、各园区平台要": a category beside bodies
        else:
            return None  # a word that is neither a body nor people: not a list of bodies
    return out or None


_TO_LAST_BOUNDARY = re.compile(f".*[{re.escape(''.join(sorted(_BOUNDARY)))}]", re.DOTALL)


def _clause_start(s: str, i: int) -> int:
    """Where the clause ending at ``i`` starts; -1 when it is too long to be a subject."""
    floor = i - _MAX_SUBJECT - 1
    last = _TO_LAST_BOUNDARY.match(s, max(0, floor), i)  # (the regex engine walks back)
    if last is not None:
        return last.end()
    return -1 if floor >= 0 else 0


def _subject(s: str, a: int, b: int) -> tuple[str, int]:
    """The subject in ``s[a:b]``: lead-ins (会议强调, 一是) and what follows 作为 dropped."""
    text, lead = _subject_of(s[a:b])
    return text, a + lead


@lru_cache(maxsize=4096)
def _subject_of(text: str) -> tuple[str, int]:
    """``_subject`` of a clause's text: the subject and where it starts in ``text``. A function
    of the text alone, remembered (the same clauses open directives from readout to readout:
    "会议要求，各区", "市商务局")."""
    lead = _LEAD_IN.match(text)
    start = 0
    if lead:
        start = lead.end()
        text = text[start:]
    as_ = _AS.search(text)
    if as_:
        text = text[: as_.start()]
    return text, start


def find_addressees(s: str) -> list[Addressee]:
    """The bodies addressed in ``s`` (simplified text), once each, in order of appearance."""
    return first_each(find_addressee_mentions(s), lambda a: a.name)


def find_addressee_mentions(s: str) -> list[Addressee]:
    """Every mention of an addressed body in ``s`` (simplified text), in order."""
    found = {*_subjects_of_modals(s), *_objects_of_asking(s), *_leaders(s), *_subjects_in_a_series(s)}
    return [Addressee(item, Span(at, at + len(item))) for at, item in sorted(found)]


Found = Iterator[tuple[int, str]]  # (offset in the text, body)


_AS_A_PLACE = re.compile(
    r"作为[^，,。；;]{0,20}?(?:区域|城市|地区|省份|省会|门户|枢纽|窗口|高地|桥头堡|排头兵|前沿|阵地)$"
)
_PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}")


# Heads of places and zones that show a short name to be one ("洋浦" in "洋浦经济开发区").
_ZONE_HEAD = re.compile(
    r"(?:经济开发区|经济技术开发区|开发区|新区|合作区|片区|试验区|示范区|实验区|管委会|管理局)"
)


def _named_as_a_place(s: str, a: int, subject: str, modal: int) -> tuple[str, int] | None:
    """A short name that no gazetteer knows, addressed as a place: the clause calls it one
    ("洋浦作为先行先试区域要…"), or the text names it elsewhere with the head of a place or zone
    ("洋浦要当好样板间" beside "洋浦经济开发区")."""
    _, _, people, not_start, _ = _words()
    if not _PLACE_NAME.fullmatch(subject) or subject.startswith(not_start) or subject.endswith(people):
        return None
    if _AS_A_PLACE.search(s, a + len(subject), modal):
        return subject, 0
    if len(subject) <= 4 and not _not_inside().search(subject):
        for m in re.finditer(re.escape(subject), s):
            if m.start() != a and _ZONE_HEAD.match(s, m.end()):
                return subject, 0
    return None


def _subjects_of_modals(s: str) -> Found:
    for start in modal_starts(s):
        a = _clause_start(s, start)
        if a < 0:
            continue
        if a < start:
            if start - a < 2:
                # One character before the modal ("一要…二要…"): its subject, no longer, names no
                # body (is_body and a name read as a place both need two characters or more).
                continue
            text, a = _subject(s, a, start)
            items = _split(text, whole=True)
            if items is None and (place := _named_as_a_place(s, a, text, start)):
                items = (place,)
            yield from ((a + at, item) for item, at in items or ())
            continue
        # The modal opens its clause: the subject is the clause before ("…各参加单位，要").
        if a == 0 or s[a - 1] not in "，," or (a := _clause_start(s, start - 1)) < 0:
            continue
        text, a = _subject(s, a, start - 1)
        items = _split(text) or ()
        # A clause of its own is a subject only when it is plainly one: categories of bodies or
        # known places ("立足前海合作区，要…" is not addressed to the zone).
        if all(_plain(item) for item, _ in items):
            yield from ((a + at, item) for item, at in items)


@cache
def _last_characters() -> frozenset[str]:
    """Every character a body can end in: the last of each head, known place and zone, 等, and
    a closing bracket."""
    strong, weak, _, _, known = _words()
    return frozenset(w[-1] for w in (*strong, *weak, *known, *body_words()["after_examples"])) | set("）)")


@lru_cache(maxsize=4096)
def _shortest_bodies(text: str) -> tuple[Items, int]:
    """The shortest run of bodies that ``text`` opens with, extended while a head follows
    ("各区" → "各区政府"), and where it ends; ``((), 0)`` when it opens with none. (A function of
    ``text`` alone, remembered like ``_split``.)"""
    best: Items = ()
    last = 0
    strong = _words()[0]
    ends = _last_characters()
    for end in range(2, len(text) + 1):
        if text[end - 1] in _BOUNDARY or end - last > 12 or (best and _MODAL.match(text, last)):
            break  # the run of bodies ends at a modal: "要求，规划建设处要会同…"
        if text[end - 1] not in ends:
            continue  # no body ends in this character
        items = _split(text[:end])
        if not items or items[-1][1] + len(items[-1][0]) != end:
            continue
        # Beyond a few characters only to a strong head: "宁波" → "宁波舟山港集团", not "各区抓紧…".
        if not best or end - last <= 4 or items[-1][0].endswith(strong):
            best, last = items, end
    return best, last


_SERIES = re.compile(r"[；;]")
_SENTENCE_STOP = re.compile(r"[。！？!?\n]")


def _subjects_in_a_series(s: str) -> Found:
    """ "市政府要与各区签订责任书；相关部门制定考评方案": a clause in a series of directives, after a
    semicolon, that opens with a category of bodies and a verb, without a modal of its own."""
    if "；" not in s and ";" not in s:
        return  # (two str searches: far cheaper than the regex engine trying _SERIES everywhere)
    for m in _SERIES.finditer(s):
        sentence = max(
            (x.end() for x in _SENTENCE_STOP.finditer(s, max(0, m.start() - 200), m.start())), default=0
        )
        if not _MODAL.search(s, sentence, m.start()):
            continue
        rest = s[m.end() : m.end() + _MAX_SUBJECT]
        clause = re.split(r"[，,。；;：:！？!?\n]", rest, maxsplit=1)[0]
        if _MODAL.search(clause):
            continue  # a directive of its own: its subject is read there
        best, last = _shortest_bodies(clause)
        if (
            best
            and last < len(clause)
            and clause[last] not in "的之"
            and not _continues_to_people(clause, best[-1][1], last)
        ):
            if all(_CATEGORY.match(item) for item, _ in best):
                yield from ((m.end() + at, item) for item, at in best)


def _objects_of_asking(s: str) -> Found:
    """The shortest run of bodies after 要求, extended while a head follows ("各区" → "各区政府")."""
    for m in _ASKS.finditer(s):
        rest = s[m.end() : m.end() + _MAX_SUBJECT]
        best, last = _shortest_bodies(rest)
        if (
            best
            and last < len(rest)
            and rest[last] not in "的之"
            and not _continues_to_people(rest, best[-1][1], last)
        ):
            yield from ((m.end() + at, item) for item, at in best)


def _continues_to_people(text: str, start: int, i: int) -> bool:
    """Whether the noun phrase of the item at ``start`` goes on from ``i`` to a word for people
    ("要求各级" + "领导干部", "广大委" + "员"): then the object is those people, not a body."""
    people = _words()[2]
    j = i
    while j < len(text) and j - i <= 4 and text[j] not in _BOUNDARY and text[j] not in "、和与及":
        j += 1
        if text[start:j].endswith(people):
            return True
    return False


def _leaders(s: str) -> Found:
    for m in _LEADS.finditer(s):
        yield from ((m.start(1) + at, item) for item, at in _split(m.group(1)) or ())
