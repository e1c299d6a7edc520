"""Bluesky accounts' hooks (modaudit/platforms/bluesky.py): the collector from the configuration
(no secret: the records are public), the probe `modaudit check` runs (the handle and the DID
resolve to each other), and the fix for a failure."""

from __future__ import annotations

from collectors.records import CollectorError, RateLimited
from modaudit.config import AccountConfig, Config
from modaudit.intake.check_line import Check
from modaudit.intake.collectors import Collector


def collector(config: Config, account: AccountConfig) -> Collector:
    """An account's collector over its PDS and the public AppView; reads no credential."""
    from collectors.bluesky import build_collector  # atproto loads on first use

    settings = config.settings("bluesky")
    return build_collector(did=account.account_id, handle=_handle(account),
                           appview_url=settings.appview_url, plc_url=settings.plc_url,
                           timeout=config.collect.timeout_seconds,
                           max_retries=config.collect.max_retries,
                           backoff_seconds=config.collect.backoff_seconds)


def _handle(account: AccountConfig) -> str | None:
    """The configured handle without a leading "@" (as people write it), or None when unset."""
    return account.handle.strip().removeprefix("@") or None


def probe(name: str, account: AccountConfig, built: Collector) -> Check:
    """The handle resolves to account_id, and the DID document names the handle back."""
    did_of_handle, handle_of_did, pds = built.identity()  # type: ignore[attr-defined]
    handle = _handle(account)
    if handle and did_of_handle != account.account_id:
        return Check(name, False, f"the handle {handle} resolves to {did_of_handle or 'nothing'}, "
                                  f"not account_id {account.account_id}; check account "
                                  f"{account.name!r} handle and account_id")
    if handle and (handle_of_did or "").lower() != handle.lower():
        return Check(name, False, f"the DID document of {account.account_id} names the handle "
                                  f"{handle_of_did}, not {handle} (Bluesky shows such an account "
                                  f"as handle.invalid); if the account changed its handle, "
                                  f"update account {account.name!r} handle")
    if not pds:
        return Check(name, False, f"the DID document of {account.account_id} names no "
                                  "#atproto_pds service: its records cannot be read")
    if not handle:
        return Check(name, True, f"{account.account_id} names @{handle_of_did}; set account "
                                 f"{account.name!r} handle to check it both ways; its records are "
                                 f"public on {pds} (no credential needed)")
    return Check(name, True, f"{account.account_id} is @{handle_of_did} both ways; its records "
                             f"are public on {pds} (no credential needed)")


def fix(exc: CollectorError, config: Config, account: AccountConfig) -> str | None:
    """How to fix a Bluesky failure: the address or the wait; there is no token to renew."""
    if isinstance(exc, RateLimited):
        return "the AppView or PDS asked to slow down; the next night reads again"
    return None
