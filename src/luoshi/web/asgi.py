"""ASGI entry point for ``luoshi serve`` (and any ASGI server): the database from $LUOSHI_DB."""

from luoshi.web.app import create_app

app = create_app()
