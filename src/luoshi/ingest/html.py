"""HTML → tracked text: selectolax parses; each text node is found again in the source so that
every clean character keeps its position in the original HTML."""

from __future__ import annotations

import html as htmllib

from selectolax.lexbor import LexborHTMLParser

from luoshi.text.offsets import TrackedText

_DROP = ["script", "style", "noscript", "iframe", "svg", "template", "head", "select", "button"]
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dd", "dt",
    "dl", "hr", "figure", "figcaption", "form", "main", "center", "td", "th",
}  # fmt: skip


def html_title(source: str) -> str | None:
    tree = LexborHTMLParser(source)
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            text = " ".join(node.text(deep=True).split())
            if text:
                return text
    return None


def html_to_tracked(source: str) -> TrackedText:
    """Text of ``source`` with block elements as line breaks, positions into ``source``."""
    tree = LexborHTMLParser(source)
    tree.strip_tags(_DROP)
    root = tree.body or tree.root
    parts: list[tuple[str, int]] = []
    cursor = 0
    if root is None:
        return TrackedText.join([])
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            raw = node.text_content or ""
            if not raw:
                continue
            found = source.find(raw, cursor)
            if found < 0:
                # Entities were decoded by the parser: find the escaped form, else pin to cursor.
                escaped = htmllib.escape(raw, quote=False)
                found = source.find(escaped, cursor)
                if found >= 0:
                    cursor = found + len(escaped)
                    parts.append((raw, -found - 1))
                    continue
                parts.append((raw, -cursor - 1))
                continue
            parts.append((raw, found))
            cursor = found + len(raw)
        elif tag in _BLOCK:
            parts.append(("\n", -cursor - 1))
    return TrackedText.join(parts)
