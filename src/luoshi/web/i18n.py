"""The web pages' words: looked up in the one catalogue, ``luoshi.messages`` (zh-CN by default,
English on request)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from luoshi.messages import MESSAGES, using_language

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


class RequestLanguage:
    """Everything said while answering a request (status reasons, ledger refusals, the report)
    is in the user's language: the ``lang`` cookie, zh unless en."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = "en" if HTTPConnection(scope).cookies.get("lang") == "en" else "zh"
        with using_language(lang):
            await self.app(scope, receive, send)
