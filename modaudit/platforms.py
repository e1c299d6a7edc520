"""Build the right collector for a configured account, with its secrets read from the environment."""

from __future__ import annotations

from typing import Protocol

from collectors.records import LookupResult, Snapshot
from modaudit.config import AccountConfig, Config, ConfigError, secret


class Collector(Protocol):
    """What a job needs from any platform's collector."""

    @property
    def api_calls(self) -> int:
        """Requests made so far by this collector."""

    def collect(self, *, now, since, progress=None) -> Snapshot:
        """One collection pass over the account."""

    def check_token(self) -> None:
        """Raise unless the token still reads a known object."""

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look one comment up by id."""


def build_collector(config: Config, account: AccountConfig) -> Collector:
    """The collector for `account`; ConfigError if its secret is missing or its platform unsupported."""
    if account.platform == "facebook":
        from collectors.facebook import FacebookPageCollector, build_graph

        assert account.page_token_env is not None  # guaranteed by config validation
        token = secret(account.page_token_env, named_by=f"account {account.name!r} page_token_env")
        graph = build_graph(
            token=token, base_url=config.facebook.graph_base_url,
            version=config.facebook.graph_version, timeout=config.collect.timeout_seconds,
            max_retries=config.collect.max_retries, backoff_seconds=config.collect.backoff_seconds,
        )
        return FacebookPageCollector(graph, account.account_id)
    raise ConfigError(
        f"account {account.name!r}: collection for platform {account.platform!r} is not available "
        "in this version of modaudit"
    )
