"""Plain Chinese numerals read without cn2an: the same numbers as cn2an's "smart" reading."""

import itertools
import subprocess
import sys

import cn2an

from luoshi.text.numerals import _plain_numeral, parse_number

_ALPHABET = "一二三四五六七八九十百千两零〇"


def _cn2an_reading(raw: str) -> int | None:
    try:
        return int(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def test_every_short_string_read_here_is_read_so_by_cn2an() -> None:
    read = 0
    for size in range(1, 5):
        for chars in itertools.product(_ALPHABET, repeat=size):
            raw = "".join(chars)
            mine = _plain_numeral(raw)
            if mine is not None:
                read += 1
                assert mine == _cn2an_reading(raw), raw
    assert read > 300  # (the plain forms up to four characters: 三, 十五, 两百, 三千零五…)


def test_every_number_below_ten_thousand_in_its_plain_form() -> None:
    for value in range(1, 10000):
        written = cn2an.an2cn(value)
        assert _plain_numeral(written) == value, written
        two = written.replace("二千", "两千").replace("二百", "两百")
        assert _plain_numeral(two) == _cn2an_reading(two) == value, two


def test_other_forms_still_read_by_cn2an() -> None:
    # Forms the plain reader leaves alone: cn2an reads them (or says they are not numbers).
    for raw in ("一百三", "二〇二六", "一万", "十十", "零"):
        assert _plain_numeral(raw) is None
        assert parse_number(raw) == _cn2an_reading(raw), raw


def test_plain_numerals_do_not_import_cn2an() -> None:
    code = (
        "import sys\n"
        "from luoshi.text import parse_number\n"
        "assert [parse_number(x) for x in ('十五', '两百', '一千零三十', '96')] == [15, 200, 1030, 96]\n"
        "assert 'cn2an' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
