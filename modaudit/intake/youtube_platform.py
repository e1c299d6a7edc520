"""YouTube channels' hooks (modaudit/platforms/youtube.py): the collector from the configuration,
the probe `modaudit check` runs (the token is the channel's own and may read held comments), and
the fix for a failure."""

from __future__ import annotations

from collectors.records import CollectorError, RateLimited
from collectors.youtube.defaults import YOUTUBE_SCOPE
from collectors.youtube.errors import BAD_CLIENT, MISSING_SCOPE, REVOKED, WRONG_CHANNEL
from modaudit.config import AccountConfig, Config
from modaudit.intake.check_line import Check
from modaudit.intake.collectors import Collector, read_secret

FORCE_SSL = YOUTUBE_SCOPE  # held and likely-spam listings need the owner's token with it


def collector(config: Config, account: AccountConfig) -> Collector:
    """A channel's collector with its owner's OAuth client and refresh token."""
    from collectors.youtube import build_collector  # google-api-python-client loads on first use

    settings = config.settings("youtube")
    return build_collector(
        client_id=read_secret(account, "client_id_env") or "",
        client_secret=read_secret(account, "client_secret_env") or "",
        refresh_token=read_secret(account, "refresh_token_env") or "",
        channel_id=account.account_id, api_base_url=settings.api_base_url,
        token_uri=settings.token_uri, timeout=config.collect.timeout_seconds,
        max_retries=config.collect.max_retries)


def probe(name: str, account: AccountConfig, built: Collector) -> Check:
    """The refresh token works, is the channel's own, and carries youtube.force-ssl (the
    collector's `check_token` raises, naming the problem, otherwise)."""
    built.check_token()
    channel, title = built.whoami()  # type: ignore[attr-defined]
    return Check(name, True, f"refresh token of channel {channel} ({title}); held and "
                             "likely-spam comments readable (youtube.force-ssl)")


def fix(exc: CollectorError, config: Config, account: AccountConfig) -> str | None:
    """Where this account's fix goes: the variables to change (the collector's message already
    says what Google refused and how to get a new token or client)."""
    problem = exc.details.get("problem")
    token = f"${account.refresh_token_env} (account {account.name!r} refresh_token_env)"
    if problem == REVOKED:
        return f"the new refresh token goes in {token}; the README's 'YouTube' shows the flow"
    if problem == BAD_CLIENT:
        return (f"copy the OAuth client's id and secret into ${account.client_id_env} and "
                f"${account.client_secret_env} from Google Cloud console → APIs & Services → "
                "Credentials (a 'Desktop app' client of the project)")
    if problem == MISSING_SCOPE:
        return f"the consent flow must ask for {FORCE_SSL}; put the new refresh token in {token}"
    if problem == WRONG_CHANNEL:
        return (f"either account {account.name!r} account_id (now {account.account_id}) is "
                f"wrong, or {token} holds another channel's token")
    if isinstance(exc, RateLimited):
        return ("the Google Cloud project's YouTube quota for today is spent; it resets at "
                "midnight Pacific time. Ask Google for more (console → APIs & Services → YouTube "
                "Data API v3 → Quotas), then raise [youtube] daily_quota_units to match")
    return None
