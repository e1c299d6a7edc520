"""How to fix a platform, network or token failure of one account, naming the keys to change.

Collectors say what broke in the platform's terms (Graph code, HTTP status, host); only this
layer knows the configuration, so only it can say which `*_env` variable or key to change.
"""

from __future__ import annotations

import re

from collectors.records import AuthFailed, CollectorError, NotFound
from modaudit import platforms
from modaudit.config import AccountConfig, Config

TOKEN_CODES = frozenset({102, 104, 190})
# What detection needs from a Page token (docs/architecture.md §2, §8): reading posts, comments
# with their `is_hidden`, and the ban list. Comment ids and the ban list need the MODERATE task.
GRAPH_PERMISSIONS = ("pages_read_engagement", "pages_read_user_engagement",
                     "pages_manage_engagement")
MODERATE_FIX = ("give the person or system user behind the token the Page's MODERATE task "
                "(Meta Business Suite → Settings → Page access → 'Community activity'), "
                "then create a new Page token")
LONG_LIVED = ("a long-lived Page token comes from a long-lived user token: GET "
              "/oauth/access_token?grant_type=fb_exchange_token, then GET /me/accounts; or create "
              "a system user token in Meta Business Suite (it does not expire)")
_PERMISSION_NAME = re.compile(r"\b((?:pages|instagram|business)_[a-z_]+)\b")


def base_url_key(platform: str) -> str:
    """The configuration key of the platform's base URL (its descriptor's)."""
    described = platforms.get(platform)
    return f"[{described.section}] {described.base_url_key}"


def base_url_of(config: Config, platform: str) -> str:
    """The configured base URL of `platform`."""
    described = platforms.get(platform)
    return getattr(config.settings(described.section), described.base_url_key)


def x_credential_keys(account: AccountConfig) -> str:
    """The X credential keys this account uses, with the variables they name."""
    if account.bearer_token_env and not account.access_token_env:
        return f"bearer_token_env (${account.bearer_token_env})"
    return ", ".join(f"{key} (${getattr(account, key)})" for key in (
        "consumer_key_env", "consumer_secret_env", "access_token_env", "access_token_secret_env"))


def fix_for(exc: BaseException, config: Config, account: AccountConfig) -> str | None:
    """One sentence saying how to fix `exc` for `account`, or None when there is nothing to add."""
    if not isinstance(exc, CollectorError):
        return None
    details = exc.details
    if details.get("reason") == "unreachable":
        return (f"check {base_url_key(account.platform)} (now {base_url_of(config, account.platform)}), "
                "the host's DNS and firewall, and HTTPS_PROXY if a proxy is required")
    if details.get("reason") == "not_json":
        return (f"check {base_url_key(account.platform)} (now {base_url_of(config, account.platform)}) "
                "and whether a proxy, captive portal or web filter answers instead of the platform")
    return platforms.get(account.platform).hooks_module().fix(exc, config, account)


def graph_fix(exc: CollectorError, account: AccountConfig) -> str | None:
    """How to fix a Graph failure (Facebook, Instagram), naming the Page token's variable."""
    variable = f"${account.page_token_env} (account {account.name!r} page_token_env)"
    code = exc.details.get("code")
    if isinstance(exc, NotFound) and exc.details.get("object") == "account":
        return (f"check account {account.name!r} account_id (now {account.account_id}): Graph knows "
                "no such object for this token; use the numeric Page id from the Page's About "
                "section (Page transparency), or the Instagram professional account id")
    if isinstance(exc, AuthFailed) and "identity" in exc.details:
        return (f"the token in {variable} belongs to another object; check account_id "
                f"(now {account.account_id}) or put that Page's own token in the variable")
    if code in TOKEN_CODES:
        return f"renew the Page token in {variable}: {LONG_LIVED}"
    if isinstance(exc, AuthFailed) and (code == 10 or (isinstance(code, int) and 200 <= code < 300)):
        named = _PERMISSION_NAME.findall(str(exc))
        needed = ", ".join(dict.fromkeys(named)) if named else ", ".join(GRAPH_PERMISSIONS)
        return (f"the token in {variable} lacks a permission: grant {needed} to the app (App "
                f"Review for live apps) and {MODERATE_FIX}")
    return None


def x_fix(exc: CollectorError, account: AccountConfig) -> str | None:
    """How to fix an X failure, naming the credential keys the account uses."""
    status = exc.details.get("http_status")
    if isinstance(exc, AuthFailed) and "identity" in exc.details:
        return (f"the X credentials in {x_credential_keys(account)} belong to another user; check "
                f"account {account.name!r} account_id (now {account.account_id}) or create the "
                "tokens while logged in as the institution's account")
    if isinstance(exc, AuthFailed) and status == 401:
        return (f"X refused the credentials in {x_credential_keys(account)}: renew them in the X "
                "developer portal (Keys and tokens); they must be the account's own user-context "
                "tokens")
    if isinstance(exc, AuthFailed) and status == 403:
        return ("X answered 403: blocking and muting lists need user context, the institution's "
                "account's own OAuth 1.0a access token and secret (consumer_key_env, "
                "consumer_secret_env, access_token_env, access_token_secret_env) or an OAuth 2.0 "
                "user token with block.read and mute.read in bearer_token_env, not the app-only "
                f"bearer token; now: {x_credential_keys(account)}")
    return None
