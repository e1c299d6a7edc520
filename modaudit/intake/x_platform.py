"""X accounts' hooks (modaudit/platforms/x.py): the collector from the configuration, the probe
`modaudit check` runs, and the fix for a failure."""

from __future__ import annotations

from collectors.records import CollectorError
from collectors.x import XCollector, XCredentials, build_client
from modaudit.config import AccountConfig, Config
from modaudit.intake.advice import x_fix
from modaudit.intake.check_line import Check
from modaudit.intake.collectors import Collector, read_secret


def collector(config: Config, account: AccountConfig) -> Collector:
    """An X account's collector with its user-context credentials (OAuth 1.0a or 2.0)."""
    oauth1_keys = (account.consumer_key_env, account.consumer_secret_env, account.access_token_env,
                   account.access_token_secret_env)
    if all(oauth1_keys):
        credentials = XCredentials(
            consumer_key=read_secret(account, "consumer_key_env"),
            consumer_secret=read_secret(account, "consumer_secret_env"),
            access_token=read_secret(account, "access_token_env"),
            access_token_secret=read_secret(account, "access_token_secret_env"))
    else:
        credentials = XCredentials(oauth2_user_token=read_secret(account, "bearer_token_env"))
    client = build_client(credentials, base_url=config.x.api_base_url,
                          timeout=config.collect.timeout_seconds, max_retries=config.collect.max_retries,
                          backoff_seconds=config.collect.backoff_seconds)
    return XCollector(client, account.account_id, user_auth=credentials.oauth1,
                      secrets=credentials.secrets(), max_wait=config.x.rate_limit_max_wait_seconds)


def probe(name: str, account: AccountConfig, built: Collector) -> Check:
    """The credentials are the account's own user context and read both lists."""
    assert isinstance(built, XCollector)
    built.check_token()  # GET /2/users/me must be account_id itself
    built.probe_lists()
    return Check(name, True, f"user context of X user {account.account_id}; blocking and muting "
                             "lists readable")


def fix(exc: CollectorError, config: Config, account: AccountConfig) -> str | None:
    """How to fix an X failure of this account, naming its keys."""
    return x_fix(exc, account)
