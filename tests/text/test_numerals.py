"""Numerals read without cn2an (``luoshi.text.numerals``) read as cn2an reads them."""

from __future__ import annotations

import itertools

import cn2an
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.text import numerals
from luoshi.text.numerals import parse_number, reading

NUMERAL_CHARACTERS = "零〇一二两三四五六七八九十百千万亿"


def _cn2an(raw: str) -> int | None:
    try:
        return int(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def test_every_usual_reading_is_cn2an_s_number():
    """Each of the 10,000 readings read without cn2an is the number cn2an reads."""
    for value in range(10000):
        raw = reading(value)
        assert numerals._usual(raw) == value, raw
        assert _cn2an(raw) == value, raw


def test_the_usual_readings_are_the_usual_ones():
    expected = {0: "零", 7: "七", 10: "十", 12: "十二", 20: "二十", 35: "三十五", 100: "一百"}
    expected |= {103: "一百零三", 110: "一百一十", 1010: "一千零一十", 2026: "二千零二十六"}
    assert {value: reading(value) for value in expected} == expected


def test_short_numerals_are_read_as_cn2an_reads_them():
    """Every string of up to three numeral characters (and the others of up to four whose reading
    is the usual one): the same number as cn2an, or None where it gives none."""
    for length in (1, 2, 3):
        for chars in itertools.product(NUMERAL_CHARACTERS, repeat=length):
            raw = "".join(chars)
            assert parse_number(raw) == _cn2an(raw), raw
    for chars in itertools.product("零一二三四五六七八九十百千", repeat=4):
        raw = "".join(chars)
        if numerals._usual(raw) is not None:
            assert numerals._usual(raw) == _cn2an(raw), raw


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=NUMERAL_CHARACTERS + "点负两廿项0123456789", min_size=1, max_size=9))
def test_any_numeral_text_is_read_as_cn2an_reads_it(raw):
    usual = numerals._usual(raw)
    assert usual is None or usual == _cn2an(raw), raw
    assert parse_number(raw) == (int(raw) if raw.strip().isdigit() else _cn2an(raw.strip()))
