"""The YouTube Data API's public addresses and the OAuth scope the audit needs (no library imported)."""

from __future__ import annotations

DEFAULT_API_BASE_URL = "https://www.googleapis.com"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
# Reading a channel's comments under every moderation status needs the force-ssl scope.
YOUTUBE_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
