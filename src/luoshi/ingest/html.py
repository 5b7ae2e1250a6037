"""HTML → tracked text: selectolax parses; each text node is found again in the source so that
every clean character keeps its position in the original HTML."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from luoshi.text.offsets import TrackedText

_DROP = ["script", "style", "noscript", "iframe", "svg", "template", "head", "select", "button"]
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dd", "dt",
    "dl", "hr", "figure", "figcaption", "form", "main", "center", "td", "th",
}  # fmt: skip


def _title(tree: LexborHTMLParser) -> str | None:
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            text = " ".join(node.text(deep=True).split())
            if text:
                return text
    return None


_ENTITY_CHARS = "&<>\"'\xa0"


def _align(raw: str, source: str, cursor: int) -> tuple[list[int], int]:
    """Source positions of each character of a text node, which the parser may have decoded
    from entities ("&amp;" → "&"); returns them and the new cursor."""
    cut = min((i for i, ch in enumerate(raw) if ch in _ENTITY_CHARS), default=len(raw))
    start = source.find(raw[:cut], cursor) if cut else source.find("&", cursor)
    if start < 0:
        return [cursor] * len(raw), cursor  # not found: pin to where we are
    positions: list[int] = []
    p = start
    for ch in raw:
        if p < len(source) and source[p] == ch:
            positions.append(p)
            p += 1
        elif p < len(source) and source[p] == "&" and 0 < source.find(";", p, p + 12):
            positions.append(p)
            p = source.find(";", p, p + 12) + 1
        else:
            positions.append(p)
    return positions, p


def html_to_tracked(source: str) -> tuple[TrackedText, str | None]:
    """Text of ``source`` with block elements as line breaks, positions into ``source``; and
    the page's title (<h1>, else <title>), read from the same parse."""
    tree = LexborHTMLParser(source)
    title = _title(tree)
    tree.strip_tags(_DROP)
    root = tree.body or tree.root
    parts: list[tuple[str, int]] = []
    cursor = 0
    if root is None:
        return TrackedText.join([]), title
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            raw = node.text_content or ""
            if not raw:
                continue
            positions, cursor = _align(raw, source, cursor)
            parts.extend((ch, -pos - 1) for ch, pos in zip(raw, positions, strict=True))
        elif tag in _BLOCK:
            parts.append(("\n", -cursor - 1))
    return TrackedText.join(parts), title
