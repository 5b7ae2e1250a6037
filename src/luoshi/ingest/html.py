"""HTML → tracked text: selectolax parses; each text node is found again in the source so that
every clean character keeps its position in the original HTML."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from luoshi.ingest.decode import RejectedInput
from luoshi.messages import message
from luoshi.text import TrackedText

_DROP = ["script", "style", "noscript", "iframe", "svg", "template", "head", "select", "button"]
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "hr",
    "figure",
    "figcaption",
    "form",
    "main",
    "center",
    "td",
    "th",
}


def _title(tree: LexborHTMLParser) -> str | None:
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            text = " ".join(node.text(deep=True).split())
            if text:
                return text
    return None


# Characters a parser may have decoded from an entity ("&amp;" → "&", "&nbsp;" → NBSP), and
# line breaks (the parser reads "\r\n" as "\n"): verbatim stretches of a text node end there.
_STRETCH_END = re.compile("[&<>\"'\xa0\n]")

# Elements that never nest (void) or that the parser closes by itself (a new <p> ends the last
# one): left out when estimating how deep a page nests.
_NOT_NESTING = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "option",
    "optgroup",
    "thead",
    "tbody",
    "tfoot",
    "colgroup",
    "rp",
    "rt",
    "caption",
}
# A tag; its attributes never run past the next "<", so that "<a<a<a…" stays linear.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")
# The parser takes time growing with the square of the nesting depth (a second at 20,000
# levels, minutes at 100,000): deeper pages are refused before parsing.
MAX_HTML_DEPTH = 5000


def nesting_depth(source: str, limit: int = MAX_HTML_DEPTH) -> int:
    """An upper estimate of how deep the elements of ``source`` nest, counted up to ``limit + 1``."""
    if source.count("<") <= limit:
        return 0  # cannot nest deeper than it has tags
    depth = deepest = 0
    for m in _TAG.finditer(source):
        if m.group(3) or m.group(2).lower() in _NOT_NESTING:
            continue
        depth = depth - 1 if m.group(1) else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _align(raw: str, source: str, cursor: int) -> tuple[list[tuple[str, int]], int]:
    """Pieces of a text node with their source positions (as for ``TrackedText.join``: a piece
    found verbatim at a position, or a synthetic one-character piece for a character decoded
    from an entity), and the new cursor."""
    m = _STRETCH_END.search(raw)
    cut = m.start() if m else len(raw)
    start = source.find(raw[:cut], cursor) if cut else source.find(raw[0] if raw[0] in "&\n" else "&", cursor)
    if start < 0:
        return [(raw, -cursor - 1)], cursor  # not found: pin to where we are
    pieces: list[tuple[str, int]] = []
    size = len(source)
    run_i = run_p = -1  # a stretch of raw[run_i:] found verbatim at source[run_p:], still open

    def close(i: int) -> None:
        nonlocal run_i
        if run_i >= 0 and i > run_i:
            pieces.append((raw[run_i:i], run_p))
        run_i = -1

    def take(i: int, p: int) -> None:
        nonlocal run_i, run_p
        if run_i < 0 or run_p + (i - run_i) != p:
            close(i)
            run_i, run_p = i, p

    p = start
    i = 0
    n = len(raw)
    while i < n:
        m = _STRETCH_END.search(raw, i + 1)
        j = m.start() if m else n
        if source.startswith(raw[i:j], p):  # the common case: a whole stretch verbatim
            take(i, p)
            p += j - i
            i = j
            continue
        for k in range(i, j):  # character by character up to the next stretch end
            ch = raw[k]
            if ch == "\n" and source.startswith("\r\n", p):
                p += 1
            if p < size and source[p] == ch:
                take(k, p)
                p += 1
                continue
            close(k)
            semicolon = source.find(";", p, p + 12) if p < size and source[p] == "&" else -1
            pieces.append((ch, -p - 1))
            if semicolon > 0:
                p = semicolon + 1
        i = j
    close(n)
    return pieces, p


def html_to_tracked(source: str) -> tuple[TrackedText, str | None]:
    """Text of ``source`` with block elements as line breaks, positions into ``source``; and
    the page's title (<h1>, else <title>), read from the same parse."""
    if nesting_depth(source) > MAX_HTML_DEPTH:
        raise RejectedInput(message("html_too_deep", limit=MAX_HTML_DEPTH))
    tree = LexborHTMLParser(source)
    title = _title(tree)
    tree.strip_tags(_DROP)
    root = tree.body or tree.root
    parts: list[tuple[str, int]] = []
    cursor = 0
    if root is None:
        return TrackedText.join([]), title
    node = None
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            raw = node.text_content or ""
            if not raw:
                continue
            pieces, cursor = _align(raw, source, cursor)
            parts.extend(pieces)
        elif tag in _BLOCK:
            parts.append(("\n", -cursor - 1))
    del node, root, tree  # the parsed page takes about five times its source: free it first
    return TrackedText.join(parts), title
