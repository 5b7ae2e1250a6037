"""Full-text search over both scripts: SQLite FTS5, and the same tokens in PostgreSQL.

Text is folded to simplified script and indexed twice: each distinct character once (column
``uni``, for one-character queries) and one token per overlapping character pair (column ``bi``,
for everything longer: "营商环境" is the phrase "营商 商环 环境"). Pairs are far rarer than single
characters, so phrase queries over them stay fast on large corpora. A character is only ever
asked for alone (a phrase of one token: whether the document holds it), so its positions answer
nothing and ``uni`` holds each character once, in code point order: a third of the tokens of a
readout fewer to index than one per character, the same answers. The index is contentless:
documents keep the text, the index keeps only tokens.

The pairs are built without looking at the characters, by byte slicing over UTF-32 (about
twenty times faster than joining characters in Python, which matters at ingest), the distinct
characters by sorting them (a set, or numpy's sort of the code points for a long text), and
FTS5's ``ascii`` tokenizer splits them at spaces and ASCII punctuation only. A pair with
punctuation in it ("报，") is a token no query asks for, so phrases never match across
punctuation. Text is lower-cased before (the tokenizer folds ASCII only). The ``ascii`` tokenizer
indexes a third faster than ``unicode61``, which classifies every character of every token."""

from __future__ import annotations

import math
import re
from operator import add

from luoshi.messages import message
from luoshi.text import to_simplified, to_traditional

_NON_WORD = re.compile(r"[^\w]")
_QUOTE = re.compile(r'"')
COLUMNS = ("tuni", "tbi", "uni", "bi")  # title and body, each as characters and as pairs
WEIGHTS = (4.0, 4.0, 1.0, 1.0)
INSERT = "INSERT INTO document_fts(rowid, tuni, tbi, uni, bi) VALUES (:id, :tuni, :tbi, :uni, :bi)"


_UNIT = " ".encode("utf-32-le")  # one code point, four bytes


def characters(simplified: str) -> str:
    """ "海前海。" → "。 前 海": each distinct character a token, once, in code point order (the
    column ``uni``: a character is asked for alone, so where and how often it occurs answers
    nothing)."""
    if len(simplified) < 2:
        return simplified
    return " ".join(sorted(set(simplified)))


def bigrams(simplified: str, src: bytes | None = None) -> str:
    """ "前海合作" → "前海 海合 合作": every overlapping pair of characters a token (``src``: the
    text in UTF-32, when the caller has it)."""
    pairs = len(simplified) - 1
    if pairs < 1:
        return simplified
    if src is None:
        src = simplified.encode("utf-32-le", "surrogatepass")
    out = bytearray(_UNIT * (3 * pairs - 1))
    for k in range(4):
        out[k::12] = src[k : 4 * pairs : 4]  # first of each pair
        out[4 + k :: 12] = src[4 + k :: 4]  # second of each pair
    return out.decode("utf-32-le", "surrogatepass")


LONG = 256  # characters: a longer text's tokens are laid out by numpy (``_tokens``)


def _tokens(simplified: str, src: bytes) -> tuple[str, str]:
    """``characters`` and ``bigrams`` of a long text at once: its code points (``src``, UTF-32),
    sorted and made distinct, and in text order, written into one array of both layouts and
    decoded once (numpy is loaded by the ingest that calls this anyway, for the reprints'
    fingerprints)."""
    import numpy as np

    from luoshi.link.reprints import unique

    n = len(simplified)
    points = np.frombuffer(src, dtype=np.uint32)
    distinct = unique(points)
    m = distinct.size
    out = np.empty(2 * m + 3 * n - 5, dtype=np.uint32)  # 2m - 1 for the characters, 3(n - 1) - 1 pairs
    chars, pairs = out[: 2 * m - 1], out[2 * m - 1 :]
    chars[0::2] = distinct
    chars[1::2] = 0x20
    pairs[0::3] = points[:-1]
    pairs[1::3] = points[1:]
    pairs[2::3] = 0x20
    both = out.tobytes().decode("utf-32-le", "surrogatepass")
    return both[: 2 * m - 1], both[2 * m - 1 :]


def index_row(title: str | None, text: str, simplified: str | None = None) -> dict[str, str]:
    """The four index columns; pass ``simplified`` when the caller has folded ``text`` already."""
    t = to_simplified(title or "").lower()
    s = (simplified if simplified is not None else to_simplified(text)).lower()
    ts = t.encode("utf-32-le", "surrogatepass")
    if len(s) >= LONG:
        uni, bi = _tokens(s, s.encode("utf-32-le", "surrogatepass"))
    else:
        uni, bi = characters(s), bigrams(s)
    return {"tuni": characters(t), "tbi": bigrams(t, ts), "uni": uni, "bi": bi}


# -- PostgreSQL --------------------------------------------------------------------------------
# The same character and pair tokens, stored per document as a stripped tsvector (lexemes only,
# no positions) in ``document_terms`` under a GIN index. The tsvector is built from the token
# list with ``array_to_tsvector`` and queries are tsquery literals, so no text-search parser or
# dictionary (and no extension) is involved: the database's ctype does not change what is
# indexed. A stripped tsvector cannot answer phrases, so a word of three or more characters is
# asked for as the AND of its pairs and each candidate is checked for the word itself
# (``contains``). A tsvector holds at most 1 MB of lexemes: a document with more distinct pairs
# than fit keeps its characters only, marked ``partial``; a query reaches it through its
# characters and the check.

PG_INSERT = (
    "INSERT INTO document_terms (id, terms, partial) "
    "VALUES (%s, array_to_tsvector(string_to_array(%s, ' ')), %s)"
)
PG_TERMS_LIMIT = 900_000  # bytes of lexemes, under PostgreSQL's 1 MB per tsvector
PARTIAL = "<~>"  # a lexeme no query asks for (tokens are at most two characters)


def pg_terms(row: dict[str, str]) -> tuple[str, bool]:
    """The lexemes of an ``index_row`` as PostgreSQL stores them (distinct, space-separated), and
    whether the pairs had to be left out."""
    chars = set(row["tuni"].split()) | set(row["uni"].split())
    pairs = (set(row["tbi"].split()) | set(row["bi"].split())) - chars
    terms = " ".join(chars | pairs)
    if len(terms.encode()) + 8 * (len(chars) + len(pairs)) <= PG_TERMS_LIMIT:
        return terms, False
    return " ".join(chars) + " " + PARTIAL, True


def pg_tsvector(terms: str) -> bytes:
    """``array_to_tsvector(string_to_array(terms, ' '))`` in PostgreSQL's binary form (what
    ``tsvectorrecv`` reads: the number of lexemes, then each lexeme's UTF-8 bytes, a zero byte
    and its number of positions, 0), its lexemes distinct and in the server's order (byte order,
    a prefix first: Python's order of the strings), so the server stores them as they come, with
    neither the parsing of a text form nor a sort."""
    lexemes = sorted(set(terms.split(" "))) if terms else []
    if not lexemes:
        return b"\0\0\0\0"
    if not lexemes[0]:  # (PostgreSQL refuses it too)
        raise ValueError(message("store.empty_lexeme"))
    return len(lexemes).to_bytes(4, "big") + ("\0\0\0".join(lexemes) + "\0\0\0").encode()


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_query(words: list[str]) -> str:
    """A tsquery (text form) for documents holding every word: a word's pairs (its character
    when it has one), or, in documents indexed by characters only, its characters."""
    pairs: list[str] = []
    chars: list[str] = []
    for word in words:
        pairs.extend([word] if len(word) == 1 else map(add, word, word[1:]))
        chars.extend(word)
    full = " & ".join(map(_lexeme, dict.fromkeys(pairs)))
    only = " & ".join(map(_lexeme, [PARTIAL, *dict.fromkeys(chars)]))
    return f"({full}) | ({only})"


def pg_tokens(word: str) -> list[str]:
    """The lexemes a document holding ``word`` has (unless indexed by characters only): its
    pairs, or its character."""
    return [word] if len(word) == 1 else list(map(add, word, word[1:]))


def pg_all(tokens: list[str]) -> str:
    """A tsquery (text form) for documents holding every one of ``tokens``."""
    return " & ".join(map(_lexeme, tokens))


def pg_partial_query(words: list[str]) -> str:
    """A tsquery (text form) for the documents indexed by characters only that hold every
    character of the words (``pg_query``'s second half)."""
    return pg_all([PARTIAL, *dict.fromkeys(c for w in words for c in w)])


def needs_check(words: list[str]) -> bool:
    """Whether a match of the pairs may still lack a word (a word of three characters or more)."""
    return any(len(w) > 2 for w in words)


def contains(words: list[str], title: str | None, text: str) -> bool:
    """Whether every word (as ``query_words`` gives them) occurs in the title or the text, as the
    index sees them: simplified and lower-cased. The words in either script are tried first;
    only when that fails is the document folded."""
    head, body = (title or "").lower(), text.lower()
    missing = [w for w in words if not any(f in body or f in head for f in (w, to_traditional(w)))]
    if not missing:
        return True
    head, body = to_simplified(head), to_simplified(body)
    return all(w in body or w in head for w in missing)


def query_terms(query: str) -> list[str]:
    """The query's terms, folded to simplified script."""
    return [to_simplified(t) for t in query.split() if t.strip()]


def query_words(query: str) -> list[str]:
    """The words of a query as the index sees them: simplified, lower-cased, split at
    punctuation and spaces."""
    words: list[str] = []
    for term in query_terms(query):
        words.extend(w for w in _NON_WORD.split(_QUOTE.sub(" ", term.lower())) if w)
    return words


def word_expression(word: str) -> str:
    """One character looks in the character columns; longer words are phrases of pairs."""
    if len(word) == 1:
        return f'{{tuni uni}} : "{word}"'
    return '{tbi bi} : "' + " ".join(map(add, word, word[1:])) + '"'


# BM25 as FTS5 defines it. luoshi computes it itself over the newest matches: FTS5's bm25()
# counts each phrase's matches over the whole index first, which for common phrases at 100,000
# documents was nine tenths of a query's time.
K1, B = 1.2, 0.75


def bm25(
    words: list[str], docs: list[tuple[int, str | None, str]], frequency: dict[str, float], total: int
) -> dict[int, float]:
    """Scores of ``docs`` (id, simplified title, clean text in either script) for ``words``;
    ``frequency`` holds each word's number of matching documents (estimated) out of ``total``.
    Title occurrences weigh WEIGHTS[0] times body ones. A text counts a word in the script it is
    written in: the traditional form only where the word itself is absent (so a search over
    simplified texts never loads OpenCC's s2t dictionaries, 45 ms)."""
    if not docs:
        return {}
    traditional: dict[str, str] = {}  # a word's traditional form, folded when a text lacks the word

    def count(body: str, w: str) -> int:
        n = body.count(w)
        if n:
            return n
        if w not in traditional:
            traditional[w] = to_traditional(w)
        return body.count(traditional[w]) if traditional[w] != w else 0

    cased = any(w != w.upper() for w in words)  # Latin letters: compare case-insensitively
    average = sum(len(text) for _, _, text in docs) / len(docs) or 1.0
    idf = {w: math.log(1 + (total - frequency.get(w, 1) + 0.5) / (frequency.get(w, 1) + 0.5)) for w in words}
    scores: dict[int, float] = {}
    for doc_id, title, text in docs:
        body, head = (text.lower(), (title or "").lower()) if cased else (text, title or "")
        norm = K1 * (1 - B + B * len(text) / average)
        score = 0.0
        for w in words:
            tf = WEIGHTS[0] * head.count(w) + count(body, w)
            score += idf[w] * tf * (K1 + 1) / (tf + norm) if tf else 0.0
        scores[doc_id] = score
    return scores


def find_terms(simplified: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the (simplified) terms occur in a document's simplified text."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = simplified.find(term)
        while start >= 0 and len(spans) < 200:
            spans.append((start, start + len(term)))
            start = simplified.find(term, start + len(term))
    return sorted(spans)
