"""luoshi (落实): from Chinese government meeting readouts to an implementation ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from luoshi.model import Document, Facts, Span

__all__ = ["Document", "Facts", "Span"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The model (and OpenCC behind it) loads when it is first asked for, not with every command.
    if name in __all__:
        import luoshi.model

        return getattr(luoshi.model, name)
    raise AttributeError(f"module 'luoshi' has no attribute {name!r}")
