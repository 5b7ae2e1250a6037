"""The web application: a JSON API under /api and server-rendered pages over the same services."""

from luoshi.web.app import create_app

__all__ = ["create_app"]
