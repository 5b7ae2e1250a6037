"""The web pages' words: looked up in the one catalogue, ``luoshi.messages`` (zh-CN by default,
English on request)."""

from __future__ import annotations

from collections.abc import Callable

from luoshi.messages import MESSAGES

ERROR_KEYS = frozenset(k for k in MESSAGES if k.startswith("error_"))


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **params)`` for templates: the catalogue's sentence in ``lang`` (zh unless en);
    an unknown key is shown as itself."""
    index = 1 if lang == "en" else 0

    def t(key: str, **params: object) -> str:
        pair = MESSAGES.get(key)
        if pair is None:
            return key
        return pair[index].format(**params) if params else pair[index]

    return t
