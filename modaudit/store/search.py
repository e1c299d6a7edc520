"""The Turkish-aware fold behind the portal's search, kept in `search_fold` columns by the store.

İ, I, ı and i are one letter (a Turkish reader types either case, an English keyboard no ı), and
everything else is casefolded: `İSTİFA`, `istifa` and `ISTIFA` fold alike. The query gets the
same fold, so a plain LIKE finds it on SQLite and PostgreSQL, whatever the database's locale.
"""

from __future__ import annotations

import unicodedata


def fold(*parts: str | None) -> str | None:
    """The searchable form of the given texts joined by spaces, or None when there is none."""
    text = " ".join(p for p in parts if p)
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    for letter in ("İ", "I", "ı"):
        text = text.replace(letter, "i")
    # casefold() turns a stray decomposed İ into i + U+0307; the dot is not a letter to match.
    return unicodedata.normalize("NFC", text.casefold()).replace("\u0307", "")
