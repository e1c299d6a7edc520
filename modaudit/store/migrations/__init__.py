"""Alembic migrations of the modaudit evidence store."""
