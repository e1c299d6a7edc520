"""The bounds of every configuration number, and the format checks of URLs and variable names.

Each check returns the problem as the tail of a one-line message (after "key.path: "), or None;
modaudit.config raises it as a ConfigError. No message ever repeats a secret.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from modaudit import platforms


class Range(NamedTuple):
    """Allowed values of a number: from `low` (included or not) up to and including `high`."""

    low: float
    high: float
    low_inclusive: bool = True


_DAY = 86400.0
# Every number of every section, by key path: declared once here, checked for NaN/inf too.
# "Positive" integers are written (0, high, False) so their message keeps reading "greater than 0".
RANGES: dict[str, Range] = {
    "database.lock_timeout_seconds": Range(0.1, 3600),  # waits for a row lock, per transaction
    "database.statement_timeout_seconds": Range(1, _DAY),  # the longest query: a retention sweep
    # A nightly run missed for more than a day would overlap the next night's run.
    "schedule.misfire_grace_seconds": Range(0, _DAY, False),
    # Keep it under systemd's TimeoutStopSec (30 s in deploy/modaudit.service), or systemd kills first.
    "schedule.shutdown_grace_seconds": Range(0, 600, False),
    "smtp.port": Range(0, 65535, False),
    # X's rate-limit windows are 15 minutes; a longer reset is a daily cap the next night handles.
    "x.rate_limit_max_wait_seconds": Range(0, 900),
    # 100 years: far from where `now - window` overflows datetime, and what tests use for "everything".
    "collect.window_days": Range(0, 36500, False),
    "collect.timeout_seconds": Range(0.1, 600),
    "collect.max_retries": Range(0, 20),
    # The base, doubled per retry; collectors/http.py caps each wait at 60 s anyway.
    "collect.backoff_seconds": Range(0, 60),
    "collect.max_lookups_per_run": Range(1, 100000),  # one request each: a night's request budget
    "collect.lists_every_days": Range(1, 30),
    # A price is per resource; X's table is in tenths of a cent.
    "x.price_post_read_usd": Range(0, 1),
    "x.price_user_read_usd": Range(0, 1),
    "x.price_owned_read_usd": Range(0, 1),
    "x.monthly_budget_usd": Range(0, 1_000_000),
    "retention.comment_text_days": Range(0, 36500, False),
    # Each scan holds two connections; PostgreSQL's default max_connections is 100.
    "executor.concurrency": Range(0, 64, False),
    "executor.retry_attempts": Range(0, 20, False),
    "executor.retry_base_seconds": Range(0, _DAY, False),
    "executor.retry_cap_seconds": Range(0, _DAY, False),
    "executor.heartbeat_seconds": Range(0.1, 600),  # more than 10 a second only loads the database
    "executor.stalled_after_seconds": Range(0, _DAY, False),
    "executor.stalled_check_seconds": Range(0, _DAY, False),
    # 0 = do not wait; past a day the next night's scans would be waited for too.
    "executor.night_wait_seconds": Range(0, _DAY),
    "executor.report_wait_seconds": Range(0, _DAY),
    "executor.job_retention_days": Range(0, 3650, False),
    "selective.min_group_size": Range(0, 1_000_000, False),
    # A false-discovery rate above one half would flag groups mostly by chance.
    "selective.alpha": Range(0, 0.5, False),
    # A working day at most by default; a week is the longest a stolen cookie should last.
    "web.session_hours": Range(0, 168, False),
    "web.max_attachment_mb": Range(0, 50, False),  # a court order or a screenshot, not a video
    # A TSA answers in well under a second; past two minutes the daily anchor just waits a day.
    "timestamp.timeout_seconds": Range(0.1, 120),
    # Google's default is 10,000 units a day per project; an extension may grant millions.
    "youtube.daily_quota_units": Range(0, 100_000_000, False),
}
URL_KEYS = frozenset({"x.api_base_url", "facebook.graph_base_url", "timestamp.url"})
# The sections platforms bring (modaudit/platforms/): every *_url and *_uri key in them is a URL.
PLATFORM_SECTIONS = frozenset(p.section for p in platforms.REGISTRY.values() if p.settings)
DATABASE_FORMS = "sqlite:///path or postgresql+psycopg://user@host/db"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Real names here are under 40 characters; a pasted Page token is ~200, an X bearer token ~100.
ENV_NAME_MAX = 64
# What the platforms' credentials look like, so that one pasted into a `*_env` key is refused
# even when its characters could spell a variable name (Graph tokens and X keys are alphanumeric).
# Each shape is named in the refusal; the value itself never is.
_CREDENTIAL_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"EAA[A-Za-z0-9]{4,}"), "a Graph access token (EAA…)"),
    # X's app-only bearer tokens: a run of A's, then base64 with %-escapes ("AAAA…%2B…%3D…").
    (re.compile(r"A{4,}(?=[A-Za-z0-9%]*[a-z%])[A-Za-z0-9%]{8,}"), "an X bearer token (AAAA…)"),
    (re.compile(r"GOCSPX-.*", re.S), "an OAuth client secret (GOCSPX-…)"),
    (re.compile(r"1//.*", re.S), "an OAuth refresh token (1//…)"),
    (re.compile(r"ya29\..*", re.S), "an OAuth access token (ya29.…)"),
    (re.compile(r"[0-9]{6,}-[A-Za-z0-9]{16,}"), "an X access token (user id-…)"),
    (re.compile(r"[a-z0-9]{4}(?:-[a-z0-9]{4}){3}"), "an app password (xxxx-xxxx-xxxx-xxxx)"),
)
# X consumer keys (25), secrets (50), access token secrets (45) and Meta app secrets (32 hex) are
# long runs of letters and digits; people write long variable names in capitals, words joined by _.
_KEY_RUN = re.compile(r"[A-Za-z0-9]{16,}")


def _shown(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def number_problem(rule: str, value: float) -> str | None:
    """Why `value` is outside the declared range of `rule` (or not finite), or None."""
    bounds = RANGES.get(rule)
    if bounds is None:
        return None
    low, high, low_inclusive = bounds
    finite = not isinstance(value, float) or math.isfinite(value)
    if finite and (value >= low if low_inclusive else value > low) and value <= high:
        return None
    kind = "a finite number " if isinstance(value, float) else ""
    span = (f"between {_shown(low)} and {_shown(high)}" if low_inclusive
            else f"greater than {_shown(low)} and at most {_shown(high)}")
    return f"must be {kind}{span}, got {value!r}"


def http_url_problem(value: str) -> str | None:
    """Why `value` is not an http(s) URL with a host and no query or fragment, or None."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        parts = None
    if (parts and parts.scheme in ("http", "https") and parts.hostname
            and "?" not in value and "#" not in value and not any(c.isspace() for c in value)):
        return None
    shown = value.replace(parts.password, "***") if parts and parts.password else value
    return f"must be an http:// or https:// URL with a host and no query or fragment, got {shown!r}"


def credential_shape(value: str) -> str | None:
    """What kind of credential `value` looks like (never repeating it), or None for a name."""
    for pattern, kind in _CREDENTIAL_SHAPES:
        if pattern.fullmatch(value):
            return kind
    if _KEY_RUN.fullmatch(value) and len(set(value)) >= 8:  # random keys use many characters
        mixed = any(c.islower() for c in value) and any(c.isupper() for c in value)
        digits = sum(c.isdigit() for c in value)
        if (len(value) >= 20 and not value.isupper()) or (mixed and digits) or digits >= 4:
            return "an API key or secret (a run of letters and digits)"
    return None


def env_name_problem(value: str) -> str | None:
    """Why `value` cannot be the name of an environment variable (never repeating it), or None.

    Refused: what cannot be a name, and a name-like value shaped like a platform's credential.
    """
    if value == "":
        return None  # "" is "not configured", as before
    shape = credential_shape(value)
    if shape is None and len(value) <= ENV_NAME_MAX and _ENV_NAME.fullmatch(value):
        return None
    return (f"is not a variable name: it must name an environment variable (letters, digits and "
            f"_, not starting with a digit, at most {ENV_NAME_MAX} characters) that holds the "
            f"secret, not the secret itself; "
            f"got {len(value)} characters" + (f" shaped like {shape} (if it really is a "
                                              "variable's name, give the variable a name in "
                                              "words split by _, such as VALILIK_X_KEY)"
                                              if shape else ""))


def network_problem(value: str) -> str | None:
    """Why `value` is not an IP address or network (a trusted proxy), or None."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"expected IP addresses or networks (e.g. 127.0.0.1, 10.0.0.0/8), got {value!r}"
    return None


_TOKENISH = re.compile(r"[A-Za-z0-9._~+/=-]{24,}")


def shown_value(value: object) -> str:
    """`value` as an error message may repeat it: a token-looking string only by its length."""
    if isinstance(value, str) and (
            (_TOKENISH.fullmatch(value) and any(c.isdigit() for c in value))
            or credential_shape(value)):
        return f"a value of {len(value)} characters (not shown: it looks like a secret)"
    return repr(value)


SESSION_SECRET_BITS = 256  # 32 random bytes: what HMAC-SHA256, the cookies' signature, can use
MAKE_SESSION_SECRET = ('make one with: python -c "import secrets; print(secrets.token_urlsafe(48))" '
                       "(or openssl rand -hex 32)")


def secret_bits(value: str) -> float:
    """About how many random bits `value` can hold: its length times log2 of the alphabet its
    characters come from (hexadecimal 16; else digits 10, each case 26, other characters 32).
    Fewer than ten distinct characters is a pattern, not randomness: a few bits at most."""
    classes = [(str.isdigit, 10), (str.islower, 26), (str.isupper, 26)]
    if value and all(c in "0123456789abcdef" for c in value.lower()):
        alphabet = 16
    else:
        alphabet = sum(size for test, size in classes if any(test(c) for c in value))
        alphabet += 32 if any(not (c.isascii() and c.isalnum()) for c in value) else 0
    distinct = len(set(value))
    if distinct < 10:  # "aaaa…" or "abab…" is long, not random (64 random hex digits show ~16)
        return distinct * math.log2(max(2, distinct))
    return len(value) * math.log2(max(2, alphabet))


def session_secret_problem(value: str) -> str | None:
    """Why `value` is too weak to sign the portal's sessions (never repeating it), or None."""
    bits = secret_bits(value)
    if bits >= SESSION_SECRET_BITS:
        return None
    return (f"holds about {int(bits)} random bits ({len(value)} characters); the portal signs "
            f"sessions with it and needs at least 32 random bytes ({SESSION_SECRET_BITS} bits): "
            f"{MAKE_SESSION_SECRET}")


def value_problem(rule: str, key: str, value: object) -> str | None:
    """The problem of one scalar value under the rules for its key path, or None."""
    if rule == "web.base_url" and isinstance(value, str):
        # "" leaves the portal unlinked; links are {base_url}/bulgu/{id}, so no trailing slash.
        if value == "":
            return None
        if value.endswith("/"):
            return f"must not end with /, got {value!r}"
        return http_url_problem(value)
    if rule == "web.trusted_proxies" and isinstance(value, list):
        return next(filter(None, map(network_problem, value)), None)
    if rule in RANGES and isinstance(value, int | float):
        return number_problem(rule, value)
    is_url = rule in URL_KEYS or (rule.split(".")[0] in PLATFORM_SECTIONS
                                  and key.endswith(("_url", "_uri")))
    if rule == "bluesky.jetstream_url" and isinstance(value, str):
        return None if value == "" or value.startswith(("ws://", "wss://")) else (
            f"must be a ws:// or wss:// URL, or \"\" to leave Jetstream off, got {value!r}")
    if is_url and isinstance(value, str) and (value or rule != "timestamp.url"):
        return http_url_problem(value)
    if key.endswith("_env") and isinstance(value, str):
        return env_name_problem(value)
    return None


def timestamp_problem(enabled: bool, url: str, ca_file: str, username_env: str,
                      password_env: str) -> str | None:
    """Why `[timestamp]` cannot be used (the whole message, key path first), or None: an enabled
    TSA needs its URL and the root its tokens are verified against."""
    if bool(username_env) != bool(password_env):
        return "timestamp.username_env: set both username_env and password_env, or neither"
    if not enabled:
        return None
    if not url:
        return "timestamp.url: required when timestamp.enabled is true"
    if not ca_file:
        return ("timestamp.ca_file: required when timestamp.enabled is true (the TSA's root "
                "certificate, PEM, to verify its tokens)")
    if not Path(ca_file).is_file():
        return f"timestamp.ca_file: {ca_file} is not a readable file"
    return None


def database_url_problem(url: str) -> str | None:
    """Why SQLAlchemy cannot use `url` for SQLite or PostgreSQL, or None; never connects.

    The URL itself is never repeated: it may hold a password, in its authority or its query.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    use = f"use {DATABASE_FORMS}"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return f"not a database URL SQLAlchemy can parse; {use}"
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        return f"unsupported database {backend!r}; {use}"
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        return f"unknown {backend} driver {parsed.drivername.partition('+')[2]!r}; {use}"
    driver = dialect.driver
    if dialect.is_async:
        return f"the {backend} driver {driver!r} is asynchronous; {use}"
    try:
        dialect.import_dbapi()  # an import, no connection: a missing driver fails here, not mid-run
    except ImportError:
        return f"the {backend} driver {driver!r} is not installed; {use}"
    return None


def did_you_mean(given: str, choices: list[str] | set[str]) -> str:
    """"; did you mean 'x'?" for the closest of `choices` to a mistyped name, or ""."""
    close = difflib.get_close_matches(given, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def sqlite_beside(url: str, folder: Path) -> str:
    """`url` with a relative SQLite file path made absolute against `folder`; others unchanged."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str((folder / database).resolve())).render_as_string(
        hide_password=False)
