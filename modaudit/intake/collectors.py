"""Build the right collector for a configured account, with its secrets read from the environment."""

from __future__ import annotations

from typing import Protocol

from collectors.facebook import FacebookPageCollector, build_graph
from collectors.instagram import InstagramCollector
from collectors.reads import ReadMeter
from collectors.records import LookupResult, ReadPlan, Snapshot
from collectors.x import XCollector, XCredentials, build_client
from modaudit.config import AccountConfig, Config, ConfigError, secret


class Collector(Protocol):
    """What a job needs from any platform's collector."""

    @property
    def api_calls(self) -> int:
        """Requests made so far by this collector."""

    @property
    def meter(self) -> ReadMeter:
        """Requests and resources read so far, per endpoint."""

    def collect(self, *, now, since, progress=None, plan: ReadPlan | None = None) -> Snapshot:
        """One collection pass over the account (everything, or what `plan` asks for)."""

    def check_token(self) -> None:
        """Raise unless the token still reads a known object."""

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look one comment up by id."""

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """The platform's per-user check of a block/mute list; None where it has none."""


SECRET_KEYS = ("page_token_env", "bearer_token_env", "consumer_key_env", "consumer_secret_env",
               "access_token_env", "access_token_secret_env")


def secret_values(account: AccountConfig) -> tuple[str, ...]:
    """The account's secret values that can be read (for masking in messages); never raises."""
    values = []
    for key in SECRET_KEYS:
        name = getattr(account, key)
        if not name:
            continue
        try:
            values.append(secret(name, named_by=key))
        except (ConfigError, OSError, ValueError):
            continue
    return tuple(v for v in values if v)


def build_collector(config: Config, account: AccountConfig) -> Collector:
    """The collector for `account`; ConfigError if its secret is missing or its platform unsupported."""
    if account.platform in ("facebook", "instagram"):
        assert account.page_token_env is not None  # guaranteed by config validation
        token = secret(account.page_token_env, named_by=f"account {account.name!r} page_token_env")
        graph = build_graph(
            token=token, base_url=config.facebook.graph_base_url,
            version=config.facebook.graph_version, timeout=config.collect.timeout_seconds,
            max_retries=config.collect.max_retries, backoff_seconds=config.collect.backoff_seconds,
        )
        # Instagram: account_id is the professional account (IG User) id, read with the Page token.
        kind = InstagramCollector if account.platform == "instagram" else FacebookPageCollector
        return kind(graph, account.account_id)
    if account.platform == "x":
        return _x_collector(config, account)
    raise ConfigError(
        f"account {account.name!r}: collection for platform {account.platform!r} is not available "
        "in this version of modaudit"
    )


def _x_collector(config: Config, account: AccountConfig) -> Collector:
    def read(env: str | None, key: str) -> str | None:
        return secret(env, named_by=f"account {account.name!r} {key}") if env else None

    oauth1_keys = (account.consumer_key_env, account.consumer_secret_env, account.access_token_env,
                   account.access_token_secret_env)
    if all(oauth1_keys):
        credentials = XCredentials(
            consumer_key=read(account.consumer_key_env, "consumer_key_env"),
            consumer_secret=read(account.consumer_secret_env, "consumer_secret_env"),
            access_token=read(account.access_token_env, "access_token_env"),
            access_token_secret=read(account.access_token_secret_env, "access_token_secret_env"))
    else:
        credentials = XCredentials(oauth2_user_token=read(account.bearer_token_env, "bearer_token_env"))
    client = build_client(credentials, base_url=config.x.api_base_url,
                          timeout=config.collect.timeout_seconds, max_retries=config.collect.max_retries,
                          backoff_seconds=config.collect.backoff_seconds)
    return XCollector(client, account.account_id, user_auth=credentials.oauth1,
                      secrets=credentials.secrets(), max_wait=config.x.rate_limit_max_wait_seconds)
