"""Accounts: local users with argon2-hashed passwords, roles, sessions.

Other parts use ``service`` (``Accounts``, ``User``, roles) and ``schema`` (the tables)."""

__all__ = ["schema", "service"]
