"""Script folding and offset bookkeeping shared by every part."""

from luoshi.text.fold import detect_script, to_simplified, to_traditional
from luoshi.text.numerals import chinese_numeral, parse_number, require_number
from luoshi.text.offsets import OffsetMap, TrackedText
from luoshi.text.sentences import sentence_of

__all__ = [
    "OffsetMap",
    "TrackedText",
    "chinese_numeral",
    "detect_script",
    "parse_number",
    "require_number",
    "sentence_of",
    "to_simplified",
    "to_traditional",
]
