"""Offsets from derived text back to the original.

Cleaning only ever *deletes* characters from the original or *inserts* synthetic separators
(line breaks standing for markup), so every clean character has one original position.
``TrackedText`` carries a string with that position per character while cleaning;
``OffsetMap`` is its compact, storable form (runs of consecutive positions)."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable


class OffsetMap:
    """Maps offsets of a clean text to offsets of its original, stored as runs.

    A run ``(clean_start, orig_start, length)`` says clean[clean_start + i] came from
    original[orig_start + i] for 0 <= i < length."""

    __slots__ = ("_clean", "_len", "_orig", "clean_length")

    def __init__(self, runs: Iterable[tuple[int, int, int]], clean_length: int) -> None:
        self._clean: list[int] = []
        self._orig: list[int] = []
        self._len: list[int] = []
        for c, o, n in runs:
            self._clean.append(c)
            self._orig.append(o)
            self._len.append(n)
        self.clean_length = clean_length

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([(0, 0, length)] if length else [], length)

    @classmethod
    def from_positions(cls, positions: array | list[int]) -> OffsetMap:
        n = len(positions)
        if n and positions[-1] - positions[0] == n - 1 and positions[0] <= positions[n // 2] <= positions[-1]:
            # Nothing was deleted or inserted in between (positions are strictly increasing by one).
            if all(positions[i] + 1 == positions[i + 1] for i in range(0, n - 1, max(1, n // 64))):
                if list(positions) == list(range(positions[0], positions[0] + n)):
                    return cls([(0, positions[0], n)], n)
        runs: list[tuple[int, int, int]] = []
        start = 0
        for i in range(1, n + 1):
            if i == n or positions[i] != positions[i - 1] + 1:
                runs.append((start, positions[start], i - start))
                start = i
        return cls(runs, n)

    def to_json(self) -> list[list[int]]:
        return [[c, o, n] for c, o, n in zip(self._clean, self._orig, self._len, strict=True)]

    @classmethod
    def from_json(cls, data: list[list[int]], clean_length: int) -> OffsetMap:
        return cls(((c, o, n) for c, o, n in data), clean_length)

    def map(self, offset: int) -> int:
        """Original offset of the clean character at ``offset``."""
        if not self._clean:
            return 0
        i = max(0, bisect_right(self._clean, offset) - 1)
        return self._orig[i] + min(offset - self._clean[i], self._len[i] - 1)

    def map_range(self, start: int, end: int) -> tuple[int, int]:
        """Original range covering clean ``[start, end)``."""
        if end <= start:
            pos = self.map(start)
            return pos, pos
        return self.map(start), self.map(end - 1) + 1


class TrackedText:
    """A string plus, for each character, its position in the original text."""

    __slots__ = ("positions", "text")

    def __init__(self, text: str, positions: array) -> None:
        if len(text) != len(positions):
            raise ValueError("text and positions differ in length")
        self.text = text
        self.positions = positions

    @classmethod
    def of(cls, original: str) -> TrackedText:
        return cls(original, array("l", range(len(original))))

    @classmethod
    def join(cls, parts: Iterable[tuple[str, int]]) -> TrackedText:
        """Build from ``(piece, original_start)`` pairs; a piece of length 1 with a negative
        start is synthetic and takes the position ``-start - 1``."""
        texts: list[str] = []
        positions = array("l")
        for piece, start in parts:
            texts.append(piece)
            if start < 0:
                positions.extend([-start - 1] * len(piece))
            else:
                positions.extend(range(start, start + len(piece)))
        return cls("".join(texts), positions)

    def delete(self, pattern: re.Pattern[str]) -> TrackedText:
        """Remove every match of ``pattern`` (use lookarounds for context to keep)."""
        if pattern.search(self.text) is None:
            return self
        kept: list[tuple[int, int]] = []
        last = 0
        for m in pattern.finditer(self.text):
            kept.append((last, m.start()))
            last = m.end()
        kept.append((last, len(self.text)))
        return self._keep(kept)

    def delete_spans(self, spans: list[tuple[int, int]]) -> TrackedText:
        """Remove the given (sorted, non-overlapping) ranges."""
        if not spans:
            return self
        kept: list[tuple[int, int]] = []
        last = 0
        for start, end in spans:
            kept.append((last, start))
            last = end
        kept.append((last, len(self.text)))
        return self._keep(kept)

    def replace(self, pattern: re.Pattern[str], repl: str) -> TrackedText:
        """Replace each match by ``repl`` (at most one character long), placed at the match."""
        if len(repl) > 1:
            raise ValueError("replacement must be one character or empty")
        if pattern.search(self.text) is None:
            return self
        texts: list[str] = []
        positions = array("l")
        last = 0
        for m in pattern.finditer(self.text):
            texts.append(self.text[last : m.start()])
            positions.extend(self.positions[last : m.start()])
            if repl and m.end() > m.start():
                texts.append(repl)
                positions.append(self.positions[m.start()])
            last = m.end()
        texts.append(self.text[last:])
        positions.extend(self.positions[last:])
        return TrackedText("".join(texts), positions)

    def _keep(self, ranges: list[tuple[int, int]]) -> TrackedText:
        texts = [self.text[a:b] for a, b in ranges if b > a]
        positions = array("l")
        for a, b in ranges:
            if b > a:
                positions.extend(self.positions[a:b])
        return TrackedText("".join(texts), positions)

    def shifted(self, offset: int) -> TrackedText:
        """The same text with positions moved by ``offset`` (a body inside a larger file)."""
        return TrackedText(self.text, array("l", (p + offset for p in self.positions)))

    def strip(self) -> TrackedText:
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        return TrackedText(self.text[start:end], self.positions[start:end])

    def offset_map(self) -> OffsetMap:
        return OffsetMap.from_positions(self.positions)
