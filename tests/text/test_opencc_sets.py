"""What OpenCC may change, kept as data (``luoshi/text/opencc_sets.txt``): the file is what the
installed dictionaries give, and the shortcuts built on it (a text t2s cannot change is not
converted; s2t's changes bounded without converting) give what the conversions give."""

from __future__ import annotations

from importlib.resources import files
from operator import ne

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.text import detect_script, fold, opencc_sets, to_simplified, to_traditional
from luoshi.text.fold import _T2S, _fold, _s2t, _t2s_may_change, s2t_changes_at_most
from luoshi.text.opencc_sets import DATA, generated, script_sets


def test_the_file_is_what_the_installed_dictionaries_give():
    kept = (files("luoshi") / "text" / DATA).read_text(encoding="utf-8")
    assert kept == generated()


def _bmp_characters() -> str:
    return "".join(chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c <= 0xDFFF)


def test_t2s_leaves_every_character_outside_the_set_as_it_is():
    unchanged = "".join(c for c in _bmp_characters() if _t2s_may_change().search(c) is None)
    assert len(unchanged) > 50_000
    assert _T2S.convert(unchanged) == unchanged
    assert all(_T2S.convert(c) == c for c in unchanged[::7])


def test_s2t_changes_no_character_outside_the_sets_on_its_own():
    sets = script_sets()
    kept = [
        c
        for c in _bmp_characters()
        if not (sets.s2t.search(c) or sets.s2t_phrase.search(c) or sets.s2t_fallback.search(c))
    ]
    assert all(_s2t().convert(c) == c for c in kept)
    # and the characters only phrases change are left alone on their own
    assert all(_s2t().convert(c) == c for c in _members(sets.s2t_phrase))


def _members(pattern) -> list[str]:
    return [c for c in _bmp_characters() if pattern.search(c)]


def _reference_script(text: str, sample: int = 600) -> str:
    """detect_script as it was: both conversions, every time."""
    head = text[:sample]
    folded = _fold(head) if len(head) > 24 else to_simplified(head)
    if head == folded:
        return "simplified"
    trad_only = sum(map(ne, head, folded))
    traditional = to_traditional(head)
    simp_only = sum(map(ne, head, traditional)) if len(traditional) == len(head) else 0
    if trad_only / (trad_only + simp_only) >= 0.9:
        return "traditional"
    if simp_only / (trad_only + simp_only) >= 0.9:
        return "simplified"
    return "mixed"


def _pieces() -> list[str]:
    sets = script_sets()
    pairs = sorted(sets.s2t_pairs)
    return [
        *pairs[::5],
        *_members(sets.s2t_phrase),
        *_members(sets.s2t)[::10],
        *"會議經濟發展區當規劃實現書記長國際於與為後裡麵乾燥著瞭台灣",
        *"会议经济发展区当规划实现书记长国际于与为后里面干燥着了台湾",
        *"的是在一不有人这中大为上个国我以要他时来用们生到作地",
        "\ufa0c",  # a compatibility ideograph (normalised by both conversions)
        "𠀀",  # beyond the Basic Multilingual Plane
        *"，。、\n 1a",
    ]


_PIECES = _pieces()


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=300))
def test_the_shortcuts_give_what_the_conversions_give(pieces):
    text = "".join(pieces)
    folded = _fold(text)
    assert to_simplified(text) == folded
    if _t2s_may_change().search(text) is None:
        assert folded == text
    bound = s2t_changes_at_most(text)
    if bound is not None:
        traditional = to_traditional(text)
        assert len(traditional) == len(text)
        assert sum(map(ne, text, traditional)) <= bound
    assert detect_script(text) == detect_script(text, folded) == _reference_script(text)


def test_phrases_are_counted_where_their_pair_stands():
    # 了 changes only inside phrases (明了 → 明瞭); alone or beside others it stays.
    sets = script_sets()
    assert sets.s2t_phrase.search("了") and not sets.s2t.search("了")
    assert to_traditional("明了") == "明瞭" and s2t_changes_at_most("明了") == 1
    assert to_traditional("来了") == "來了" and s2t_changes_at_most("来了") == 1
    assert s2t_changes_at_most("\ufa0c了") is None and s2t_changes_at_most("𠀀") is None


def test_a_text_without_changes_is_not_converted_and_one_with_them_is():
    simplified = "前海合作区召开会议，研究部署贯彻落实工作。" * 3
    for _ in range(fold.CHECK_AFTER + 1):  # (the first long texts are converted before the check is made)
        assert to_simplified(simplified) == simplified
    assert to_simplified(simplified) is simplified
    traditional = "前海合作區召開會議，研究部署貫徹落實工作。" * 3
    assert to_simplified(traditional) == simplified
    variant = "深圳市委常委王衞明出席會議" + "，研究部署工作" * 3
    assert to_simplified(variant).startswith("深圳市委常委王卫明出席会议")


def test_ascii_is_left_as_it_is():
    ascii_text = "".join(map(chr, range(128)))
    assert _T2S.convert(ascii_text) == ascii_text and _fold(ascii_text) == ascii_text
    assert all(_fold(c) == c for c in ascii_text)
    assert to_simplified("doc-000123") == "doc-000123"


def test_the_sets_are_trusted_only_for_the_opencc_they_were_written_from():
    # (with another OpenCC ``fold`` converts every text and bounds no s2t change by the sets)
    assert opencc_sets.written_for(opencc_sets.installed_version()) and opencc_sets.trusted()
    assert not opencc_sets.written_for("0.0.1")
