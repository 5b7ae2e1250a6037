"""Changes of post: who was appointed, elected or nominated to which post, and who left one.

The genre writes them in a few shapes, all read here on the simplified text:

- the person as object: "任命陈海涛为广东省副省长", "免去陈海涛的珠海市委书记职务",
  "选举刘晓东为绵阳市人民政府市长", "提名张国庆为杭州市市长候选人", "接受王立群辞去…职务的请求";
- the person as subject: "陈海涛同志任珠海市委书记", "李建华调任广州市委书记", "刘晓东当选为…",
  "王立群不再担任深圳市副市长职务", "…辞去…职务";
- "免去其…职务" after a clause naming the person ("陈海涛任珠海市委书记，免去其珠海市市长职务").

A post is what follows up to 职务 / 候选人 / punctuation, split at 、 into posts that each end in a
post head (the gazetteer's ``posts.txt``); a run that ends in none is not a post. The transfer
words are the glossary's: 任 / 任命 / 调任 / 接任 / 兼任 / 当选 (a post begins), 免去 / 不再担任 /
辞去 (it ends), 提名 (a candidacy)."""

from __future__ import annotations

import re

from luoshi.extract.gazetteer import post_heads, surnames
from luoshi.extract.names import NOT_GIVEN, NOT_NAMES
from luoshi.model import Appointment, Person, Span

_HEADS = frozenset(post_heads())
_HEAD_LENGTHS = sorted({len(h) for h in _HEADS}, reverse=True)
_STOP = '，,。；;：:！？!?\n（()）“”"《》 　'
_POST_END = re.compile(r"职务|候选人|的(?:请求|辞职)|等职|[" + re.escape(_STOP) + "]")
_MAX_POSTS = 60  # characters a run of posts may cover

# The person as object of the verb: the verb, the name, then what links it to the posts.
_OBJECT = re.compile(r"(决定任命|任命|免去|选举|提名|决定)(?=[\u4e00-\u9fff])")
_OBJECT_LINK = re.compile(r"(?:同志)?(?:为|的|担任|任)?")
_OBJECT_CHANGE = {
    "任命": "start",
    "决定任命": "start",
    "选举": "start",
    "决定": "start",
    "免去": "end",
    "提名": "nominated",
}
# The person as subject: name (同志) then the verb.
_SUBJECT_WORDS = "被任命为 被提名为 不再担任 当选为 调任 接任 兼任 出任 担任 当选 辞去 任".split()
# "(?:同志)?(WORD)(?=[\u4e00-\u9fff])", written as alternatives that each start with a literal and
# are tried in the same order (so the same matches): the engine then skips ahead to their first
# characters instead of trying the pattern at every position. The word is group 1 or the match.
_SUBJECT = re.compile(
    "同志("
    + "|".join(_SUBJECT_WORDS)
    + ")(?=[\u4e00-\u9fff])|"
    + "|".join(w + "(?=[\u4e00-\u9fff])" for w in _SUBJECT_WORDS)
)
_SUBJECT_CHANGE = {"不再担任": "end", "辞去": "end", "被提名为": "nominated"}
_NOT_BEFORE_REN = set("主责信")
_ITS = re.compile(r"免去其|免去他的|免去她的")
_BEFORE_NAME = set(_STOP) | set("、经由")


def _ends_with_head(post: str) -> bool:
    return any(post[-n:] in _HEADS for n in _HEAD_LENGTHS if n <= len(post))


_SINGLE, _COMPOUND = surnames()


def _may_read_as_name(s: str, a: int) -> bool:
    """Whether ``_reads_as_name(s, a, …)`` can be true: a surname starts at ``a`` (one test in
    most places, where no surname does: "确定任务" before 任)."""
    return s[a] in _SINGLE or s[a : a + 2] in _COMPOUND


def _reads_as_name(s: str, a: int, b: int) -> bool:
    single, compound = _SINGLE, _COMPOUND
    for sur in (2, 1):
        given = b - a - sur
        if not 1 <= given <= 2:
            continue
        if (sur == 2 and s[a : a + 2] in compound) or (sur == 1 and s[a] in single):
            word = s[a:b]
            return (
                all("\u4e00" <= c <= "\u9fff" for c in word)
                and s[a + sur] not in NOT_GIVEN
                and s[b - 1] not in NOT_GIVEN
                and word not in NOT_NAMES
                and word[:2] not in NOT_NAMES
            )
    return False


def _posts_at(s: str, i: int) -> list[tuple[str, int, int]]:
    """The posts written from ``i`` on, split at 、, each ending in a post head."""
    m = _POST_END.search(s, i, min(len(s), i + _MAX_POSTS))
    end = m.start() if m else min(len(s), i + _MAX_POSTS)
    out: list[tuple[str, int, int]] = []
    pos = i
    for part in s[i:end].split("、"):
        part_end = pos + len(part)
        if part and _ends_with_head(part):
            out.append((part, pos, part_end))
        pos = part_end + 1
    return out


def _linked(s: str, i: int) -> bool:
    """Whether 为 / 的 / 同志 / 担任 follows at ``i`` (what ends a name after 任命, 免去…)."""
    link = _OBJECT_LINK.match(s, i)
    return link is not None and link.end() > i


# The names found by ``find_people`` and their lengths, longest first.
_Known = tuple[frozenset[str], list[int]]


def _name_after(s: str, i: int, known: _Known) -> tuple[int, int] | None:
    names, lengths = known
    for n in lengths:  # (longest first: one name of each length can start at i)
        if i + n <= len(s) and s[i : i + n] in names:
            return i, i + n
    if i < len(s) and _may_read_as_name(s, i):
        for n in (3, 2, 4):
            if i + n <= len(s) and _reads_as_name(s, i, i + n) and _linked(s, i + n):
                return i, i + n
    return None


def _name_before(s: str, k: int, known: _Known) -> tuple[int, int] | None:
    names, lengths = known
    for n in lengths:  # (longest first: one name of each length can end at k)
        if n <= k and s[k - n : k] in names:
            return k - n, k
    for n in (3, 2, 4):
        a = k - n
        # (what stands before the name asked first: one look-up, where most places — "制定任务",
        # the genre's usual 任 — fail, before the two calls that read a name)
        if (
            a >= 0
            and (a == 0 or s[a - 1] in _BEFORE_NAME)
            and _may_read_as_name(s, a)
            and _reads_as_name(s, a, k)
        ):
            return a, k
    return None


def find_appointments(s: str, persons: list[Person]) -> list[Appointment]:
    """The changes of post written in the simplified text ``s``, in text order. ``persons``
    (the names found by ``find_people``) are preferred where a name could be read two ways."""
    names = frozenset(p.name for p in persons)
    known = (names, sorted({len(n) for n in names}, reverse=True))
    found: dict[tuple[int, int], Appointment] = {}
    last_name: tuple[str, int, int] | None = None

    def add(name: tuple[int, int], word: str, change: str, at: int) -> None:
        nonlocal last_name
        for post, a, b in _posts_at(s, at):
            found.setdefault(
                (a, b), Appointment(s[name[0] : name[1]], post, change, word, Span(a, b), Span(*name))
            )
        last_name = (s[name[0] : name[1]], *name)

    events: list[tuple[int, str, re.Match[str]]] = []
    events.extend((m.start(), "object", m) for m in _OBJECT.finditer(s))
    events.extend((m.start(), "subject", m) for m in _SUBJECT.finditer(s))
    events.extend((m.start(), "its", m) for m in _ITS.finditer(s))
    for _, kind, m in sorted(events, key=lambda e: e[0]):
        if kind == "object":
            word = m.group(1)
            name = _name_after(s, m.end(), known)
            if name is None:
                continue
            link = _OBJECT_LINK.match(s, name[1])
            at = link.end() if link else name[1]
            if word == "决定" and at == name[1]:
                continue  # "决定…" without 为/任 is not an appointment
            add(name, word, _OBJECT_CHANGE[word], at)
        elif kind == "subject":
            word = m.group(1) or m.group()
            if word == "任" and s[m.start() - 1 : m.start()] in _NOT_BEFORE_REN:
                continue  # 主任, 责任, 信任: words, not a name and 任 (asked first: most 任 are these)
            name = _name_before(s, m.start(), known)
            if name is None:
                continue
            add(name, word, _SUBJECT_CHANGE.get(word, "start"), m.end())
        elif last_name is not None and m.start() - last_name[2] < 80:
            add((last_name[1], last_name[2]), "免去", "end", m.end())
    return sorted(found.values(), key=lambda a: a.span.start)
