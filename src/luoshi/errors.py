"""One tree for every error luoshi raises on purpose, so that callers (the CLI, the web layer,
programs using luoshi as a library) can catch ``LuoshiError`` and show ``str(error)``: a sentence
of the message catalogue, in the user's language.

    LuoshiError
    ├── InputError          a file or a value that luoshi cannot take (RejectedInput, …)
    ├── StoreError          the database cannot be opened or used now (StoreBusy, …)
    ├── LedgerError         a ledger operation that cannot be done as asked (SheetImportError,
    │                       CalendarOutOfRange, …)
    └── AccountError        a login, user or password operation refused

The classes live beside the code that raises them (``luoshi.store.StoreError``…) and derive from
these bases; the bases keep the built-in classes callers caught before (``ValueError`` for input,
ledger and account errors, ``RuntimeError`` for the store)."""

from __future__ import annotations

__all__ = ["AccountError", "InputError", "LedgerError", "LuoshiError", "StoreErrorBase"]


class LuoshiError(Exception):
    """An error luoshi raises on purpose; ``str()`` says why, for a user."""


class InputError(LuoshiError, ValueError):
    """A file or a value that luoshi cannot take."""


class StoreErrorBase(LuoshiError, RuntimeError):
    """The database cannot be opened or used (``luoshi.store.StoreError`` adds its catalogue key)."""


class LedgerError(LuoshiError, ValueError):
    """A ledger operation that cannot be done as asked (the message says why)."""


class AccountError(LuoshiError, ValueError):
    """A login, user or password operation refused."""
