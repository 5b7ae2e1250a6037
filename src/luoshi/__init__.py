"""luoshi (落实): from Chinese government meeting readouts to an implementation ledger."""

from luoshi.model import Document, Facts, Span

__all__ = ["Document", "Facts", "Span"]
__version__ = "0.1.0"
