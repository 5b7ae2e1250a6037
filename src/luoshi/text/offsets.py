"""Offsets from derived text back to the original.

Cleaning only ever *deletes* characters from the original or *inserts* synthetic separators
(line breaks standing for markup), so every clean character has one original position.
``TrackedText`` carries a string with that position per character while cleaning;
``OffsetMap`` is its compact, storable form (runs of consecutive positions)."""

from __future__ import annotations

import re
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


Run = tuple[int, int, int]  # (clean_start, orig_start, length), as in OffsetMap


class _Runs:
    """Runs under construction; a run that continues the previous one (both in the clean
    text and in the original) extends it, so untouched stretches stay one run."""

    __slots__ = ("runs",)

    def __init__(self) -> None:
        self.runs: list[Run] = []

    def add(self, clean: int, orig: int, length: int) -> None:
        if length <= 0:
            return
        if self.runs:
            c, o, n = self.runs[-1]
            if c + n == clean and o + n == orig:
                self.runs[-1] = (c, o, n + length)
                return
        self.runs.append((clean, orig, length))


class TrackedText:
    """A string plus, for each character, its position in the original text, kept as runs of
    consecutive positions: cleaning costs time per edit, not per character."""

    __slots__ = ("_runs", "_starts", "text")

    def __init__(self, text: str, runs: list[Run]) -> None:
        if sum(n for _, _, n in runs) != len(text):
            raise ValueError("runs do not cover the text")
        self.text = text
        self._runs = runs
        self._starts = [c for c, _, _ in runs]

    @classmethod
    def of(cls, original: str) -> TrackedText:
        return cls(original, [(0, 0, len(original))] if original else [])

    @classmethod
    def join(cls, parts: Iterable[tuple[str, int]]) -> TrackedText:
        """Build from ``(piece, original_start)`` pairs; a piece with a negative start is
        synthetic and each of its characters takes the position ``-start - 1``."""
        texts: list[str] = []
        runs = _Runs()
        clean = 0
        for piece, start in parts:
            texts.append(piece)
            if start < 0:
                for _ in piece:
                    runs.add(clean, -start - 1, 1)
                    clean += 1
            else:
                runs.add(clean, start, len(piece))
                clean += len(piece)
        return cls("".join(texts), runs.runs)

    @property
    def positions(self) -> list[int]:
        """The original position of every character (for tests and debugging)."""
        return [o + k for _, o, n in self._runs for k in range(n)]

    def position(self, i: int) -> int:
        r = bisect_right(self._starts, i) - 1
        c, o, _ = self._runs[r]
        return o + i - c

    def delete(self, pattern: re.Pattern[str]) -> TrackedText:
        """Remove every match of ``pattern`` (use lookarounds for context to keep)."""
        if pattern.search(self.text) is None:
            return self
        return self.delete_spans([m.span() for m in pattern.finditer(self.text)])

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
        return self._rebuild([(a, b, None) for a, b in kept])

    def replace(self, pattern: re.Pattern[str], repl: str) -> TrackedText:
        """Replace each match by ``repl`` (at most one character long), placed at the match."""
        if len(repl) > 1:
            raise ValueError("replacement must be one character or empty")
        if pattern.search(self.text) is None:
            return self
        pieces: list[tuple[int, int, str | None]] = []
        last = 0
        for m in pattern.finditer(self.text):
            pieces.append((last, m.start(), None))
            if repl and m.end() > m.start():
                pieces.append((m.start(), m.start() + 1, repl))
            last = m.end()
        pieces.append((last, len(self.text), None))
        return self._rebuild(pieces)

    def _rebuild(self, pieces: list[tuple[int, int, str | None]]) -> TrackedText:
        """A new text from ranges of this one, in order; a range with a replacement character
        is that character, at the position of the range's first character."""
        texts: list[str] = []
        runs = _Runs()
        clean = 0
        for a, b, repl in pieces:
            if b <= a:
                continue
            if repl is not None:
                texts.append(repl)
                runs.add(clean, self.position(a), 1)
                clean += 1
                continue
            texts.append(self.text[a:b])
            r = bisect_right(self._starts, a) - 1
            while a < b:
                c, o, n = self._runs[r]
                take = min(c + n - a, b - a)
                runs.add(clean, o + a - c, take)
                clean += take
                a += take
                r += 1
        return TrackedText("".join(texts), runs.runs)

    def shifted(self, offset: int) -> TrackedText:
        """The same text with positions moved by ``offset`` (a body inside a larger file)."""
        return TrackedText(self.text, [(c, o + offset, n) for c, o, n in self._runs])

    def strip(self) -> TrackedText:
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        if start == 0 and end == len(self.text):
            return self
        return self._rebuild([(start, end, None)])

    def offset_map(self) -> OffsetMap:
        return OffsetMap(self._runs, len(self.text))
