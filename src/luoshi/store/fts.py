"""Full-text search over both scripts with SQLite FTS5.

Text is folded to simplified script and indexed twice: one token per character (column
``uni``, for one-character queries) and one token per overlapping character pair (column ``bi``,
for everything longer: "营商环境" is the phrase "营商 商环 环境"). Pairs are far rarer than single
characters, so phrase queries over them stay fast on large corpora; a pair across punctuation holds
a filler letter, so phrases never match across it. The index is contentless: documents keep the
text, the index keeps only tokens. Queries go through the same functions as the documents."""

from __future__ import annotations

import re
from operator import add

from luoshi.text.fold import to_simplified

_NON_WORD = re.compile(r"[^\w]")
_QUOTE = re.compile(r'"')
FILLER = "ꙮ"  # a letter (Cyrillic multiocular O) that Chinese readouts and queries do not use
COLUMNS = ("tuni", "tbi", "uni", "bi")  # title and body, each as characters and as pairs
WEIGHTS = (4.0, 4.0, 1.0, 1.0)


def unigrams(simplified: str) -> str:
    return " ".join(_NON_WORD.sub(" ", simplified))


def bigrams(simplified: str) -> str:
    # Punctuation and spaces become FILLER, a letter no query holds: a pair across them is a
    # token of its own that never matches, and positions stay aligned for phrase queries.
    marked = _NON_WORD.sub(FILLER, simplified.lower())
    return " ".join(map(add, marked, marked[1:]))


def index_row(title: str | None, text: str, simplified: str | None = None) -> dict[str, str]:
    """The four index columns; pass ``simplified`` when the caller has folded ``text`` already."""
    t, s = to_simplified(title or ""), simplified if simplified is not None else to_simplified(text)
    return {"tuni": unigrams(t), "tbi": bigrams(t), "uni": unigrams(s), "bi": bigrams(s)}


def query_terms(query: str) -> list[str]:
    """The query's terms, folded to simplified script."""
    return [to_simplified(t) for t in query.split() if t.strip()]


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every term required; one character looks in the character
    columns, longer terms are phrases of pairs in the pair columns."""
    phrases = []
    for term in query_terms(query):
        words = [w for w in _NON_WORD.split(_QUOTE.sub(" ", term.lower())) if w]
        for word in words:
            if len(word) == 1:
                phrases.append(f'{{tuni uni}} : "{word}"')
            else:
                phrases.append('{tbi bi} : "' + " ".join(map(add, word, word[1:])) + '"')
    return " AND ".join(phrases) if phrases else None


def find_terms(simplified: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the (simplified) terms occur in a document's simplified text."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = simplified.find(term)
        while start >= 0 and len(spans) < 200:
            spans.append((start, start + len(term)))
            start = simplified.find(term, start + len(term))
    return sorted(spans)
