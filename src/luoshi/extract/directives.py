"""Directives (要…, 一要…二要…, 一是…二是…) with speaker, addressee and deadline; and the meeting
the readout reports (kind, name, chair, place, speakers)."""

from __future__ import annotations

import re

from luoshi.model import Addressee, DeadlinePhrase, Directive, Meeting, Person, Span

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_SPEAKS = re.compile(r"(强调|指出|要求|表示|提出|认为|希望|部署)")
_ORDINALS = "一二三四五六七八九十"
_ORDINAL = re.compile(
    rf"^(?:([{_ORDINALS}])(?:要|是|方面)|第([{_ORDINALS}])[，,、]|[（(]([{_ORDINALS}])[)）]|0?(\d)[.、．\s]|(\d{{2}})\s*$)"
)
_DIRECTIVE_START = re.compile(r"^(?:要|必须|务必|确保|坚持|着力|加快|全力|进一步|持续|切实|奋力)")

MEETING_KINDS: list[tuple[str, str]] = [
    ("常委会", r"常委会(?:\(扩大\)|（扩大）|扩大)?会议|常委会议"),
    ("常务会议", r"常务会议|常务会"),
    (
        "领导小组会议",
        r"领导小组(?:第[一二三四五六七八九十\d]+次)?(?:全体)?会议|深改委(?:第[一二三四五六七八九十\d]+次)?会议",
    ),
    ("党组会议", r"党组(?:扩大)?会议|党工委(?:扩大)?会议|党委(?:扩大)?会议"),
    ("全体会议", r"全体会议|全会"),
    ("现场会", r"现场会"),
    ("动员会", r"动员会|动员大会"),
    ("推进会", r"推进会|推进大会"),
    ("专题会议", r"专题会议|专题会"),
    ("座谈会", r"座谈会"),
    ("专班会议", r"专班(?:第[一二三四五六七八九十\d]+次)?会议"),
    ("人大常委会会议", r"人大常委会第[一二三四五六七八九十\d]+次会议"),
    ("政协会议", r"政协[^，。]{0,12}次会议"),
    ("管理委员会会议", r"管理委员会第[一二三四五六七八九十\d]+次会议"),
    ("调研", r"调研|视察|考察"),
    ("大会", r"大会"),
    ("会议", r"会议"),
]
_KIND_PATTERNS = [(k, re.compile(p)) for k, p in MEETING_KINDS]
_MEETING_NAME = re.compile(
    r"([^，。、\s“”《》]{2,40}?(?:会议|大会|现场会|动员会|推进会|座谈会|全会|常务会|专题会))"
    r"(?:\(扩大\)|（扩大）)?(?:暨[^，。\s]{2,30}?(?:会议|大会))?(?=召开|在|举行|闭幕|开幕|，|,|。)"
)
_PLACE = re.compile(r"在([\u4e00-\u9fff]{2,10}?)(?:主持召开|召开|举行|主持|闭幕|开幕)")
_SPEAK_AFTER = re.compile(r"(?:在[^，,。]{0,12})?(?:讲话|强调|指出|作讲话)")


def _followed(s: str, name: str, pattern: re.Pattern[str]) -> bool:
    """Whether some mention of ``name`` is followed by ``pattern``."""
    i = s.find(name)
    while i >= 0:
        end = i + len(name)
        if pattern.match(s, end):
            return True
        i = s.find(name, end)
    return False


# Every position where _SPEAK_AFTER matches: a class first lets the engine skip ahead to the
# characters it can start with; the lookbehind steps back over that character and tries it there.
_SPEAK_AFTER_AT = re.compile(f"[在讲强指作](?<=(?={_SPEAK_AFTER.pattern}).)")


def _self_overlapping(name: str) -> bool:
    """Whether ``name`` starts with what it ends with ("哈哈"): its mentions may overlap."""
    return name[:1] in name[1:] and any(name[:k] == name[-k:] for k in range(1, len(name)))


def _speakers(s: str, persons: list[Person]) -> list[str]:
    """The names of ``persons`` that some mention is followed by _SPEAK_AFTER, in order: the
    names that end where _SPEAK_AFTER matches (a few places a text), rather than a look after
    every mention of every person. The same answer as ``_followed`` for each name (which it
    still asks for a name whose mentions could overlap, as its search skips overlapping ones)."""
    names = {p.name for p in persons}
    lengths = {len(n) for n in names}
    ends = [m.start() for m in _SPEAK_AFTER_AT.finditer(s)]
    followed = {s[e - n : e] for e in ends for n in lengths if n <= e}
    return [
        p.name
        for p in persons
        if p.name in followed and (not _self_overlapping(p.name) or _followed(s, p.name, _SPEAK_AFTER))
    ]


def find_directives(
    s: str, persons: list[Person], addressees: list[Addressee], deadlines: list[DeadlinePhrase]
) -> list[Directive]:
    """Directives with their speaker; the addressee is the body found (``find_addressees``) at
    the directive's start, the deadline the first limit found (``find_deadlines``) inside it."""
    names = {p.name for p in persons}
    speaker: str | None = None
    out: list[Directive] = []
    for m in _SENTENCE.finditer(s):
        raw = m.group()
        sentence = raw.strip()
        if len(sentence) < 6:
            continue
        start = m.start() + len(raw) - len(raw.lstrip())
        body, body_start = sentence, start
        speaks = _SPEAKS.search(sentence, 0, 40)
        if speaks:
            who = sentence[: speaks.start()]
            named = None
            for n in (4, 3, 2):  # the longest name that ends, then the one that starts, the words before
                if who[-n:] in names:
                    named = who[-n:]
                    break
                if who[:n] in names:
                    named = who[:n]
                    break
            if named:
                speaker = named
            elif who.endswith(("会议", "全会", "会上", "大会")) or who in ("", "他", "她"):
                speaker = "会议" if who.endswith(("会议", "全会", "会上", "大会")) else speaker
            after = sentence[speaks.end() :].lstrip("，,：: ")
            body_start = start + len(sentence) - len(after)
            body = after
        head = body[:18]
        must = "要" in head or "必须" in head or "务必" in head
        # Most sentences are narrative: without 要/必须/务必 near the start, an opening such as
        # 加快/确保 or "，要" after a verb of speaking, a sentence cannot be a directive.
        opens = _DIRECTIVE_START.match(body) is not None
        if not (must or opens or (speaks and ("，要" in sentence or ",要" in sentence))):
            continue
        ordinal_m = _ORDINAL.match(body)
        ordinal = None
        if ordinal_m:
            raw = ordinal_m[ordinal_m.lastindex or 0]  # (each alternative has one group, never empty)
            ordinal = int(raw) if raw.isdigit() else _ORDINALS.index(raw) + 1
        body_end = body_start + len(body)
        addressee = None
        if must:
            for a in addressees:
                if body_start <= a.span.start < body_start + 15 and a.span.end <= body_end:
                    addressee = a.name
                    break
        is_directive = bool(
            opens
            or addressee
            or (ordinal and "要" in body[:8])
            or (speaks and ("，要" in sentence or ",要" in sentence))
        )
        if not is_directive or len(body) < 6:
            continue
        deadline = next(
            (d.text for d in deadlines if body_start <= d.span.start and d.span.end <= body_end), None
        )
        out.append(
            Directive(
                text=body,
                span=Span(body_start, body_end),
                speaker=speaker,
                addressee=addressee,
                deadline=deadline,
                ordinal=ordinal,
            )
        )
    return out


def find_meetings(
    s: str, persons: list[Person], event_date: str | None, chairs: list[Person]
) -> list[Meeting]:
    """The meeting the readout reports; its chair is the first of ``chairs`` (``find_chairs``)."""
    head = s[:1200]
    kind = None
    for k, pattern in _KIND_PATTERNS:
        if pattern.search(head):
            kind = k
            break
    if kind is None:
        return []
    name_m = _MEETING_NAME.search(head)
    name = name_m.group(1) if name_m else None
    if name:
        name = re.sub(r"^(?:\d{1,2}月\d{1,2}日(?:上午|下午|晚)?|召开|举行|主持召开|联合召开)+", "", name)
    chair = chairs[0].name if chairs else None
    place_m = _PLACE.search(head)
    speakers = _speakers(s, persons)
    span = Span(name_m.start(1), name_m.end(1)) if name_m else Span(0, 0)
    return [
        Meeting(
            kind=kind,
            name=name,
            span=span,
            chair=chair,
            place=place_m.group(1) if place_m else None,
            date=event_date,
            speakers=speakers,
        )
    ]
