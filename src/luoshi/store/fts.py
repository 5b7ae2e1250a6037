"""Full-text search over both scripts with SQLite FTS5.

Text is folded to simplified script and each Chinese character becomes a token, so a query of
any length (one character, two, a whole title) is a phrase query, and a traditional query finds
simplified text and the reverse."""

from __future__ import annotations

import re

from luoshi.text.fold import to_simplified

_QUOTE = re.compile(r'"')


def index_form(text: str) -> str:
    """Simplified text with every character spaced out for FTS5's unicode61 tokenizer: each
    Chinese character (and each letter or digit) is a token. Queries go through the same
    function, so a phrase of tokens matches exactly the original character sequence."""
    return " ".join(to_simplified(text))


def query_terms(query: str) -> list[str]:
    """The query's terms, folded to simplified script."""
    return [to_simplified(t) for t in query.split() if t.strip()]


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every term as a phrase, all required."""
    phrases = []
    for term in query_terms(query):
        tokens = index_form(_QUOTE.sub(" ", term)).split()
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"')
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
