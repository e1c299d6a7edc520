"""One line of `modaudit check`, shared by the checks and each platform's probe."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One line of `modaudit check`: what was checked, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str
    skipped: bool = False  # not applicable here (e.g. no webhook configured): neither ✓ nor ✗
