"""The witness: each account's chain head as printed in reports, and read back from them.

Every weekly report (HTML, text, CSV) carries one line per account,
`chain-head <hash> <count> <account>`, so the managers' mailboxes hold copies of the heads that
the database's owner cannot rewrite; `verify --report FILE` reads those lines back.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from modaudit.store import anchors

MARK = "chain-head"
_LINE = re.compile(rf"{MARK} ([0-9a-f]{{64}}) (\d+) ([^\s<\"',][^<\n\"]*)")


@dataclass(frozen=True)
class WitnessRow:
    """One account's head as a report prints it."""

    account: str
    count: int
    head_hash: str
    as_of: datetime
    stamped_at: datetime | None
    tsa_url: str | None
    pending_since: datetime | None

    @property
    def line(self) -> str:
        """The machine-readable line `verify --report` reads back."""
        return f"{MARK} {self.head_hash} {self.count} {self.account}"


def witness_rows(session: Session, names: list[str], now: datetime) -> list[WitnessRow]:
    """The heads of these accounts now, with whether a token covers each."""
    return [WitnessRow(h.account, h.count, h.head_hash, now, h.stamped_at, h.tsa_url,
                       h.pending_since) for h in anchors.heads(session, names)]


def csv_rows(rows: list[WitnessRow]) -> list[list[str]]:
    """The witness as CSV rows (a header, then one per account), for the report's CSV writer."""
    return [["chain_account", "chain_count", "chain_head", "chain_as_of", "time_stamped_at",
             "tsa", "line"]] + [
        [r.account, str(r.count), r.head_hash, r.as_of.isoformat(timespec="seconds"),
         r.stamped_at.isoformat(timespec="seconds") if r.stamped_at else "", r.tsa_url or "",
         r.line] for r in rows]


def read_heads(text: str) -> list[tuple[str, int, str]]:
    """(account, count, hash) of each witness line in a saved report (HTML, text or CSV)."""
    seen: dict[tuple[str, int, str], None] = {}
    for match in _LINE.finditer(html.unescape(text)):
        seen[(match.group(3).strip(), int(match.group(2)), match.group(1))] = None
    return list(seen)
