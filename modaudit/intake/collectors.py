"""Build the right collector for a configured account, with its secrets read from the environment."""

from __future__ import annotations

from typing import Protocol

from collectors.reads import ReadMeter
from collectors.records import LookupResult, ReadPlan, Snapshot
from modaudit import platforms
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


def secret_values(account: AccountConfig) -> tuple[str, ...]:
    """The account's secret values that can be read (for masking in messages); never raises."""
    values = []
    for key in platforms.secret_keys():
        name = getattr(account, key)
        if not name:
            continue
        try:
            values.append(secret(name, named_by=key))
        except (ConfigError, OSError, ValueError):
            continue
    return tuple(v for v in values if v)


def read_secret(account: AccountConfig, key: str) -> str | None:
    """The secret the account's `key` names (None when the key is unset); ConfigError if unreadable."""
    env = getattr(account, key)
    return secret(env, named_by=f"account {account.name!r} {key}") if env else None


def build_collector(config: Config, account: AccountConfig) -> Collector:
    """The collector for `account`, built by its platform's hooks (modaudit/platforms/);
    ConfigError if a secret is missing or the platform unsupported."""
    try:
        described = platforms.get(account.platform)
    except KeyError:
        raise ConfigError(
            f"account {account.name!r}: collection for platform {account.platform!r} is not "
            "available in this version of modaudit") from None
    return described.hooks_module().collector(config, account)
