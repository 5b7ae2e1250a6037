"""Accounts: local users with argon2-hashed passwords, roles, sessions."""
