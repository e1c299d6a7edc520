"""The configuration's sections as typed, frozen dataclasses: each field is a TOML key with its
default (config.example.toml documents them); modaudit/config.py loads and validates them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite:///modaudit.db"
    lock_timeout_seconds: float = 30.0  # PostgreSQL lock_timeout, per transaction
    statement_timeout_seconds: float = 600.0  # PostgreSQL statement_timeout


@dataclass(frozen=True)
class ScheduleConfig:
    timezone: str = "Europe/Istanbul"
    nightly_audit: str = "30 2 * * *"
    weekly_report: str = "0 8 * * mon"
    retention: str = "0 4 * * *"
    anchor: str = "15 5 * * *"  # time-stamp the chain heads ([timestamp]); after the night's audit
    misfire_grace_seconds: int = 6 * 3600  # a run missed while the service was down still runs
    shutdown_grace_seconds: int = 8  # after SIGTERM, how long a scan may take to stop


@dataclass(frozen=True)
class ReportConfig:
    language: str = "tr"
    nightly_alerts: bool = True
    operator: str = "bilgi-islem@example.gov.tr"


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    from_: str = "modaudit@example.gov.tr"
    username_env: str = "MODAUDIT_SMTP_USER"
    password_env: str = "MODAUDIT_SMTP_PASSWORD"


@dataclass(frozen=True)
class XConfig:
    api_base_url: str = "https://api.x.com"
    rate_limit_max_wait_seconds: float = 60.0
    # X's pay-per-use prices per resource read (docs.x.com/x-api/getting-started/pricing).
    price_post_read_usd: float = 0.005
    price_user_read_usd: float = 0.010
    price_owned_read_usd: float = 0.001
    prices_as_of: str = "2026-11-30"
    monthly_budget_usd: float = 0.0  # 0: no budget; per account in [[accounts]]


@dataclass(frozen=True)
class FacebookConfig:
    graph_base_url: str = "https://graph.facebook.com"
    graph_version: str = "v25.0"


@dataclass(frozen=True)
class CollectConfig:
    window_days: int = 30
    timeout_seconds: float = 30.0
    max_retries: int = 3
    backoff_seconds: float = 1.0
    max_lookups_per_run: int = 200  # candidate deletions looked up by id; the rest wait a run
    # A post's comments are re-listed on these days of its age (docs/architecture.md §5).
    recheck_days: list[int] = field(default_factory=lambda: [1, 2, 3, 5, 8, 14, 21, 30])
    lists_every_days: int = 1  # block, mute and ban lists


@dataclass(frozen=True)
class RetentionConfig:
    comment_text_days: int = 365


@dataclass(frozen=True)
class MetaWebhookConfig:
    app_secret_env: str = "MODAUDIT_META_APP_SECRET"
    verify_token_env: str = "MODAUDIT_META_VERIFY_TOKEN"


@dataclass(frozen=True)
class ExecutorConfig:
    kind: str = "local"
    # procrastinate only (several machines; see the README):
    concurrency: int = 4  # scans at once per `modaudit worker` process
    retry_attempts: int = 5  # attempts of a scan failing on a platform error or rate limit
    retry_base_seconds: float = 60.0  # backoff before the 2nd attempt, doubling, jittered
    retry_cap_seconds: float = 1800.0
    heartbeat_seconds: float = 10.0  # workers prove they are alive this often
    stalled_after_seconds: float = 60.0  # a running scan whose worker is silent this long is stalled
    stalled_check_seconds: float = 60.0  # how often `serve` re-queues stalled scans
    night_wait_seconds: float = 5 * 3600.0  # nightly alerts wait this long for the night's scans
    report_wait_seconds: float = 1800.0  # the weekly report waits this long, then names the missing
    job_retention_days: int = 14  # finished queue rows are deleted after this


@dataclass(frozen=True)
class SelectiveConfig:
    min_group_size: int = 20  # smaller groups (or rests) are "too few to judge"
    alpha: float = 0.05  # false-discovery rate for flagging a group
    extra_lexicon: str = ""  # a TOML file extending the built-in topic lexicons


@dataclass(frozen=True)
class WebConfig:
    """The staff portal (`modaudit web serve`): its address, sessions and attachments."""

    base_url: str = ""  # where staff open the portal, e.g. https://modaudit.valilik.gov.tr
    session_hours: int = 8
    session_secret_env: str = "MODAUDIT_WEB_SESSION_SECRET"
    max_attachment_mb: int = 10
    # Proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are believed.
    trusted_proxies: list[str] = field(default_factory=lambda: ["127.0.0.1"])


@dataclass(frozen=True)
class TimestampConfig:
    """An RFC 3161 Time-Stamp Authority that anchors each account's chain head (§3)."""

    enabled: bool = False
    url: str = ""  # e.g. http://tzd.kamusm.gov.tr (credentials) or https://freetsa.org/tsr
    username_env: str = ""  # HTTP basic credentials, if the TSA asks for them
    password_env: str = ""
    ca_file: str = ""  # PEM: the TSA's root (and intermediates), to verify its tokens
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class AccountConfig:
    name: str
    platform: str
    account_id: str
    institution: str
    handle: str = ""
    managers: list[str] = field(default_factory=list)
    page_token_env: str | None = None
    bearer_token_env: str | None = None
    consumer_key_env: str | None = None
    consumer_secret_env: str | None = None
    access_token_env: str | None = None
    access_token_secret_env: str | None = None
    client_id_env: str | None = None  # YouTube: the owner's OAuth client and refresh token
    client_secret_env: str | None = None
    refresh_token_env: str | None = None
    monthly_budget_usd: float | None = None  # X only: overrides [x] monthly_budget_usd
