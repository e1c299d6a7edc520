"""The Turkish-aware fold behind the portal's search, kept in `search_fold` columns by the store.

Every Turkish letter folds to the one a phone without a Turkish keyboard types: İ, I, ı and i
are one letter, and so are ç c, ğ g, ö o, ş s, ü u (and â a, î i, û u); everything is
casefolded. `köprü`, `KOPRU` and `Köprü` fold alike, as do `Çağlar` and `caglar`. The query gets
the same fold, so a plain LIKE finds it on SQLite and PostgreSQL, whatever the database's locale.
Migration 0012 refolded what 0009 stored with the İ/I/ı/i fold alone.
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
    # Decomposed, a letter's cedilla, breve, diaeresis, circumflex (and İ's dot after casefold)
    # are combining marks of their own: dropping them leaves the letter without them.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
