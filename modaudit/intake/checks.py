"""`modaudit check`'s platform side: every secret readable, every token the account's own and
allowed what detection needs (each platform's `probe`). One `Check` per line; each failure says
how to fix it.
"""

from __future__ import annotations

import os

from analysis.jetstream_events import COLLECTIONS
from collectors.bluesky.stream import probe as probe_jetstream
from collectors.bluesky.stream import where
from collectors.records import CollectorError
from modaudit import platforms
from modaudit.config import (
    AccountConfig,
    Config,
    ConfigError,
    MetaWebhookConfig,
    TimestampConfig,
    WebConfig,
    secret,
)
from modaudit.config_rules import MAKE_SESSION_SECRET, session_secret_problem
from modaudit.intake.advice import fix_for
from modaudit.intake.check_line import Check
from modaudit.intake.collectors import build_collector
from modaudit.intake.jetstream_follow import jetstream_url
from modaudit.notify.anchoring import TsaError, ask_tsa
from modaudit.store.timestamps import load_certificates

# Time-stamped by `check` to prove the TSA answers with tokens that verify; stored nowhere.
TSA_PROBE = b"modaudit check: is the TSA reachable, and do its tokens verify against ca_file?"


def _secret_check(name: str, env_name: str, named_by: str) -> Check:
    try:
        secret(env_name, named_by=named_by)
    except ConfigError as exc:
        return Check(name, False, f"{exc}; export it, or set {env_name}_FILE to an owner-only "
                                  "file (chmod 600)")
    return Check(name, True, f"${env_name} is set")


def secret_checks(config: Config) -> list[Check]:
    """Every account secret: set, not blank, or a file only its owner can read."""
    checks = []
    for account in config.accounts:
        for key in platforms.get(account.platform).secret_keys:
            env_name = getattr(account, key)
            if env_name:
                checks.append(_secret_check(f"secret {account.name} {key}", env_name,
                                            f"account {account.name!r} {key}"))
    return checks


def webhook_checks(webhook: MetaWebhookConfig) -> list[Check]:
    """The `[meta_webhook]` secrets, when the receiver is used (either variable is set)."""
    names = (webhook.app_secret_env, webhook.verify_token_env)
    if not any(os.environ.get(n) is not None or os.environ.get(f"{n}_FILE") for n in names):
        return [Check("meta_webhook", True, f"not used (${names[0]} is not set)", skipped=True)]
    return [_secret_check("meta_webhook app_secret_env", names[0], "meta_webhook.app_secret_env"),
            _secret_check("meta_webhook verify_token_env", names[1],
                          "meta_webhook.verify_token_env")]


def portal_check(web: WebConfig) -> Check:
    """The portal's session secret: set, and at least 32 random bytes (the portal is used when
    `[web] base_url` is set or its variable is)."""
    name, env_name = "web session_secret_env", web.session_secret_env
    if not web.base_url and os.environ.get(env_name) is None \
            and not os.environ.get(f"{env_name}_FILE"):
        return Check("web", True, f"portal not used (no [web] base_url, ${env_name} is not set)",
                     skipped=True)
    try:
        value = secret(env_name, named_by="web.session_secret_env")
    except ConfigError as exc:
        return Check(name, False, f"{exc}; {MAKE_SESSION_SECRET}, and export it or set "
                                  f"{env_name}_FILE to an owner-only file (chmod 600)")
    problem = session_secret_problem(value)
    if problem:
        return Check(name, False, f"${env_name} {problem}")
    return Check(name, True, f"${env_name} is set, at least 32 random bytes")


def timestamp_check(timestamp: TimestampConfig) -> Check:
    """The `[timestamp]` TSA, when enabled: `ca_file` holds certificates, and the TSA answers a
    request with a token that verifies against them (no chain head is sent)."""
    if not timestamp.enabled:
        return Check("timestamp", True, "not used ([timestamp] enabled = false): chain heads are "
                                        "not time-stamped", skipped=True)
    try:
        roots = load_certificates(timestamp.ca_file)
    except (OSError, ValueError):
        roots = []
    if not roots:
        return Check("timestamp ca_file", False, f"{timestamp.ca_file} holds no PEM certificate; "
                     "set timestamp.ca_file to the TSA's root certificate (PEM) its operator "
                     "publishes")
    try:
        _, when = ask_tsa(timestamp, TSA_PROBE)
    except (TsaError, ConfigError) as exc:
        # The URL is not repeated: it may carry credentials (https://user:password@host).
        return Check("timestamp", False, f"{exc} — check timestamp.url, the network and proxy, "
                     "and that timestamp.ca_file is this TSA's root")
    return Check("timestamp", True, f"the TSA at timestamp.url answers; its token verifies "
                 f"against {timestamp.ca_file} (TSA time {when:%Y-%m-%d %H:%M:%S} UTC)")


def jetstream_check(config: Config) -> Check | None:
    """`[bluesky] jetstream_url`, when set and there are Bluesky accounts: the stream accepts a
    subscription for their DIDs (None: no Bluesky account and no stream, nothing to say)."""
    url = jetstream_url(config)
    dids = sorted({a.account_id for a in config.accounts if a.platform == "bluesky"})
    if not url:
        return Check("bluesky jetstream", True, "not used ([bluesky] jetstream_url is not set): "
                     "Bluesky accounts are read nightly only", skipped=True) if dids else None
    if not dids:
        return Check("bluesky jetstream", True, "not used: no Bluesky account to follow",
                     skipped=True)
    try:
        probe_jetstream(url, dids, list(COLLECTIONS), open_timeout=config.collect.timeout_seconds)
    except CollectorError as exc:
        return Check("bluesky jetstream", False, f"{exc} — check [bluesky] jetstream_url (a "
                     "Jetstream instance's ws:// or wss:// address, such as "
                     "wss://jetstream2.us-east.bsky.network), the network and any proxy, or set "
                     "it to \"\" to leave Jetstream off")
    return Check("bluesky jetstream", True, f"{where(url)} accepts a subscription for "
                 f"{len(dids)} Bluesky account(s)")


def account_check(config: Config, account: AccountConfig) -> Check:
    """The account's token against its platform: its identity and the permissions detection needs."""
    name = f"account {account.name}"
    try:
        collector = build_collector(config, account)
    except ConfigError as exc:  # a secret: its own line above says which and how to fix it
        return Check(name, False, f"not probed: {str(exc).split(' (named by')[0]}")
    try:
        return platforms.get(account.platform).hooks_module().probe(name, account, collector)
    except CollectorError as exc:
        fix = fix_for(exc, config, account)
        return Check(name, False, f"{exc}" + (f" — {fix}" if fix else ""))
