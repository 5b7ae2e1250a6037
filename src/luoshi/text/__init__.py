"""Script folding and offset bookkeeping shared by every part."""

from luoshi.text.fold import detect_script, to_simplified, to_traditional
from luoshi.text.offsets import OffsetMap, TrackedText

__all__ = ["OffsetMap", "TrackedText", "detect_script", "to_simplified", "to_traditional"]
