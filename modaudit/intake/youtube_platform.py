"""YouTube channels' hooks (modaudit/platforms/youtube.py): the collector from the configuration,
the probe `modaudit check` runs (the token is the channel's own and may read held comments), and
the fix for a failure."""

from __future__ import annotations

from collectors.records import AuthFailed, CollectorError, RateLimited
from modaudit.config import AccountConfig, Config
from modaudit.intake.check_line import Check
from modaudit.intake.collectors import Collector, read_secret

# Held and likely-spam listings need the owner's token with this scope (Data API reference,
# commentThreads.list `moderationStatus`).
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
NEW_REFRESH_TOKEN = ("run the OAuth consent flow again signed in as the channel's owner (README, "
                     "'YouTube') and put the new refresh token in the variable")


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
    """The refresh token works, is the channel's own, and carries youtube.force-ssl."""
    channel, title = built.whoami()  # type: ignore[attr-defined]
    variable = f"${account.refresh_token_env} (account {account.name!r} refresh_token_env)"
    if channel != account.account_id:
        shown = f"{channel} ({title})" if title else f"{channel}"
        return Check(name, False, f"the refresh token in {variable} belongs to channel {shown}, "
                                  f"not account_id {account.account_id}; check account "
                                  f"{account.name!r} account_id, or {NEW_REFRESH_TOKEN}")
    if FORCE_SSL not in built.granted_scopes():  # type: ignore[attr-defined]
        return Check(name, False, f"the refresh token in {variable} lacks the youtube.force-ssl "
                                  "scope, without which held and likely-spam comments cannot be "
                                  "listed; add the scope "
                                  "https://www.googleapis.com/auth/youtube.force-ssl on the OAuth "
                                  f"consent screen, then {NEW_REFRESH_TOKEN}")
    return Check(name, True, f"refresh token of channel {channel} ({title}); held and "
                             "likely-spam comments readable (youtube.force-ssl)")


def fix(exc: CollectorError, config: Config, account: AccountConfig) -> str | None:
    """How to fix a YouTube failure of this account, naming its variables."""
    reason = str(exc.details.get("reason") or exc.details.get("error") or "")
    token = f"${account.refresh_token_env} (account {account.name!r} refresh_token_env)"
    if reason == "invalid_grant":
        return (f"Google refused the refresh token in {token} (revoked, expired, or the consent "
                f"screen is still in 'Testing', which expires refresh tokens after 7 days): "
                f"{NEW_REFRESH_TOKEN}")
    if reason in ("invalid_client", "unauthorized_client"):
        return (f"Google does not know the OAuth client in ${account.client_id_env} and "
                f"${account.client_secret_env}: copy both from Google Cloud console → APIs & "
                "Services → Credentials (a 'Desktop app' OAuth client of the project)")
    if reason in ("insufficientPermissions", "forbidden") or (
            isinstance(exc, AuthFailed) and "scope" in str(exc)):
        return (f"the refresh token in {token} lacks a permission: make it with the "
                f"youtube.force-ssl scope while signed in as the channel's owner; {NEW_REFRESH_TOKEN}")
    if isinstance(exc, RateLimited) or reason in ("quotaExceeded", "dailyLimitExceeded"):
        return ("the Google Cloud project's YouTube quota for today is spent; it resets at "
                "midnight Pacific time. Ask Google for more (console → APIs & Services → YouTube "
                "Data API v3 → Quotas), then raise [youtube] daily_quota_units to match")
    return None
