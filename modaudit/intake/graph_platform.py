"""Facebook Pages and Instagram accounts' hooks (modaudit/platforms/facebook.py, instagram.py):
their collector from the configuration, the probe `modaudit check` runs, and the fix for a
failure."""

from __future__ import annotations

from collectors.facebook import FacebookPageCollector, build_graph
from collectors.instagram import InstagramCollector
from collectors.records import CollectorError
from modaudit.config import AccountConfig, Config
from modaudit.intake.advice import MODERATE_FIX, graph_fix
from modaudit.intake.check_line import Check
from modaudit.intake.collectors import Collector, read_secret


def collector(config: Config, account: AccountConfig) -> Collector:
    """A Page's or an Instagram account's collector over Graph, with the Page token."""
    token = read_secret(account, "page_token_env")
    assert token is not None  # guaranteed by config validation
    graph = build_graph(
        token=token, base_url=config.facebook.graph_base_url,
        version=config.facebook.graph_version, timeout=config.collect.timeout_seconds,
        max_retries=config.collect.max_retries, backoff_seconds=config.collect.backoff_seconds,
    )
    # Instagram: account_id is the professional account (IG User) id, read with the Page token.
    kind = InstagramCollector if account.platform == "instagram" else FacebookPageCollector
    return kind(graph, account.account_id)


def probe(name: str, account: AccountConfig, built: Collector) -> Check:
    """The token reads the account; for a Page, it is the Page's own and may MODERATE."""
    if isinstance(built, InstagramCollector):
        built.check_token()
        return Check(name, True, f"the token reads Instagram account {account.account_id}")
    assert isinstance(built, FacebookPageCollector)
    return _facebook(name, account, built)


def fix(exc: CollectorError, config: Config, account: AccountConfig) -> str | None:
    """How to fix a Graph failure of this account, naming its variable."""
    return graph_fix(exc, account)


def _facebook(name: str, account: AccountConfig, collector: FacebookPageCollector) -> Check:
    me, me_name = collector.whoami()
    if me != account.account_id:
        shown = f"{me} ({me_name})" if me_name else f"{me}"
        return Check(name, False, f"the token in ${account.page_token_env} is for {shown}, not "
                                  f"account_id {account.account_id}; check account "
                                  f"{account.name!r} account_id, or put that Page's own token "
                                  "in the variable")
    collector.check_token()
    moderate = collector.probe_moderation()
    if moderate is False:
        return Check(name, False, f"Page {me} ({me_name}): comments are listed without `id`, so "
                                  f"the token cannot perform the MODERATE task; {MODERATE_FIX}")
    note = "" if moderate else " (no comment yet to confirm the MODERATE task)"
    return Check(name, True, f"Page token of {me} ({me_name}); ban list and comment ids "
                             f"readable{note}")
