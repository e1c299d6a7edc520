"""store: the sole owner of the database.

The portal's tables live in schema_users.py, Jetstream's in schema_bluesky.py; importing
them here keeps Base.metadata whole for whoever reads it (migrations' checks, create_all in tests).
"""

from modaudit.store import schema_bluesky, schema_users  # noqa: F401
