"""Injectable faults: which rule applies to a request, and how often each has fired."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FAULT_KINDS = (
    "http500",
    "throttle_app",
    "throttle_user",
    "throttle_page",
    "timeout",
    "cutoff",
    "omit",
    "x_rate_limit",
    "x_rate_limit_no_reset",
    "quota_exceeded",  # YouTube: 403 quotaExceeded (domain youtube.quota), the day's units spent
    # Quirks of the real platforms (documented or recorded), so end-to-end tests meet them:
    "repeat_cursor",  # from `after_items` on, a listing page hands back the cursor it was asked with
    "empty_pages",  # from `after_items` on, pages are empty but always offer a fresh next cursor
    "repeat_page",  # from `after_items` on, a page asked by cursor is the page before it again,
    # with the cursor it was asked with, forever (a platform that ignores the cursor)
    "overlap_pages",  # from `after_items` on, a page asked by cursor starts `overlap` items early
    # (cursor drift while items arrive): the previous page's last items come back
    "errors_only",  # X: HTTP 200 with an `errors` array and no `data` (the OpenAPI allows it)
    "drop_field",  # items in listings and lookups lack `field` (only `item_id`'s, if given)
    "retype_field",  # items carry `field` as `value` if given, else as its value in a string
    "blank_since",  # Graph: `paging.next` in time-paging form: `since` blank, `fields` left out
    "wrong_object",  # a lookup by id answers with another object's data
    "xrpc_rate_limit",  # Bluesky: 429 RateLimitExceeded with ratelimit-* headers (reset_after)
    "not_found_post",  # Bluesky: threads show the live post `item_id` (an at-uri) as notFoundPost
)
# Kinds that alter an answer that is otherwise served normally; the API module applies them.
SHAPE_KINDS = ("repeat_cursor", "empty_pages", "repeat_page", "overlap_pages", "drop_field",
               "retype_field", "blank_since", "wrong_object", "not_found_post")
# Paging quirks that move where a page asked by cursor starts (Fault.drifted says where).
DRIFT_KINDS = ("repeat_page", "overlap_pages")
# Kinds that replace the normal answer with an error response built by the API module. The
# throttle_* kinds are Graph's, the x_rate_limit* kinds X's, quota_exceeded YouTube's; an API
# ignores the others' kinds.
ERROR_KINDS = (
    "http500",
    "throttle_app",
    "throttle_user",
    "throttle_page",
    "x_rate_limit",
    "x_rate_limit_no_reset",
    "quota_exceeded",
    "errors_only",
    "xrpc_rate_limit",
)


@dataclass
class Fault:
    """A fault rule: applies while sim-now is in [start, end), to paths containing `path`.

    `times` bounds how often it fires (None: unlimited). `after_items` is where a "cutoff" cuts a
    listing; `item_id` is the comment, tweet or user an "omit" leaves out of listings.
    `reset_after` is how many wall-clock seconds after an "x_rate_limit" answer its
    x-rate-limit-reset header points to. `field` and `value` belong to "drop_field" and
    "retype_field"; `overlap` (items served again) to "overlap_pages".
    """

    kind: str
    path: str = ""
    start: datetime | None = None
    end: datetime | None = None
    times: int | None = None
    after_items: int = 0
    item_id: str | None = None
    reset_after: float = 1.0
    field: str | None = None
    value: Any = None
    overlap: int = 1

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.kind in ("omit", "not_found_post") and not self.item_id:
            raise ValueError(f"the {self.kind!r} fault needs item_id")
        if self.kind in ("drop_field", "retype_field") and not self.field:
            raise ValueError(f"a {self.kind!r} fault needs field")

    def drifted(self, offset: int, page_size: int) -> int:
        """Where a page asked by cursor at `offset` starts under this drift fault."""
        back = page_size if self.kind == "repeat_page" else self.overlap
        return max(0, offset - back)

    def active_at(self, now: datetime) -> bool:
        """Whether `now` falls in the fault's window."""
        return (self.start is None or now >= self.start) and (self.end is None or now < self.end)


@dataclass(frozen=True)
class FaultPlan:
    """The faults that bear on one request, chosen before it is answered."""

    errors: tuple[Fault, ...] = ()  # answer with the first error the API has for one of these
    timeout: Fault | None = None  # sleep before answering
    cutoff: Fault | None = None  # listings end at cutoff.after_items; later pages are dropped
    omit: tuple[Fault, ...] = ()  # items (comments, tweets, users) to leave out of listings
    shape: tuple[Fault, ...] = ()  # quirks the API module applies to its normal answer


class FaultBook:
    """The fault rules of one simulator, with per-rule firing counts (thread-safe)."""

    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._faults: list[Fault] = list(faults or [])
        self._fired: dict[int, int] = {}  # index in _faults -> times fired
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()  # fired, by kind

    def add(self, fault: Fault) -> None:
        """Add a rule."""
        with self._lock:
            self._faults.append(fault)

    @property
    def total_fired(self) -> int:
        """How many times any fault has fired."""
        with self._lock:
            return sum(self.counts.values())

    def plan(self, now: datetime, route: str) -> FaultPlan:
        """The rules that match a request for `route` at `now` (Graph: no version; X: "/2/...")."""
        timeout = cutoff = None
        errors: list[Fault] = []
        omit: list[Fault] = []
        shape: list[Fault] = []
        with self._lock:
            for index, fault in enumerate(self._faults):
                if not self._eligible(index, fault, now, route):
                    continue
                if fault.kind in ERROR_KINDS:
                    errors.append(fault)
                elif fault.kind == "timeout" and timeout is None:
                    timeout = fault
                elif fault.kind == "cutoff" and cutoff is None:
                    cutoff = fault
                elif fault.kind == "omit":
                    omit.append(fault)
                elif fault.kind in SHAPE_KINDS:
                    shape.append(fault)
        return FaultPlan(tuple(errors), timeout, cutoff, tuple(omit), tuple(shape))

    def fire(self, fault: Fault) -> bool:
        """Count one firing; False (and no count) if the rule has used up its `times`."""
        with self._lock:
            index = self._index(fault)
            fired = self._fired.get(index, 0)
            if fault.times is not None and fired >= fault.times:
                return False
            self._fired[index] = fired + 1
            self.counts[fault.kind] += 1
            return True

    def _eligible(self, index: int, fault: Fault, now: datetime, route: str) -> bool:
        """Window, path and remaining firings all allow the rule (lock held)."""
        if not fault.active_at(now) or fault.path not in route:
            return False
        return fault.times is None or self._fired.get(index, 0) < fault.times

    def _index(self, fault: Fault) -> int:
        """Position of this very rule object (rules compare by identity, not value)."""
        for index, candidate in enumerate(self._faults):
            if candidate is fault:
                return index
        raise ValueError(f"fault {fault!r} is not in this book")
