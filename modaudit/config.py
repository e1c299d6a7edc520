"""Load modaudit.toml with tomllib and validate it into typed, frozen objects."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from modaudit import platforms
from modaudit.config_rules import (
    database_url_problem,
    did_you_mean,
    number_problem,
    shown_value,
    sqlite_beside,
    timestamp_problem,
    value_problem,
)
from modaudit.config_sections import (
    AccountConfig,
    CollectConfig,
    DatabaseConfig,
    ExecutorConfig,
    FacebookConfig,
    MetaWebhookConfig,
    ReportConfig,
    RetentionConfig,
    ScheduleConfig,
    SelectiveConfig,
    SmtpConfig,
    TimestampConfig,
    WebConfig,
    XConfig,
)

PLATFORMS = platforms.NAMES


class ConfigError(Exception):
    """A configuration problem, phrased as one line naming the key path."""


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig
    schedule: ScheduleConfig
    report: ReportConfig
    smtp: SmtpConfig
    x: XConfig
    facebook: FacebookConfig
    collect: CollectConfig
    retention: RetentionConfig
    meta_webhook: MetaWebhookConfig
    executor: ExecutorConfig
    accounts: list[AccountConfig]
    path: Path | None = None
    selective: SelectiveConfig = field(default_factory=SelectiveConfig)
    web: WebConfig = field(default_factory=WebConfig)
    timestamp: TimestampConfig = field(default_factory=TimestampConfig)
    # The sections of platforms that bring their own (`[youtube]`), by section name.
    platform_settings: dict[str, Any] = field(default_factory=dict)

    def settings(self, section: str) -> Any:
        """A platform's own section (`config.settings("youtube").api_base_url`)."""
        found = self.platform_settings.get(section)
        if found is None:
            found = getattr(self, section, None)
        if found is None:
            raise ConfigError(f"{section}: no such platform section")
        return found

    def account(self, name: str) -> AccountConfig:
        """The account called `name`, or a ConfigError naming the file."""
        for account in self.accounts:
            if account.name == name:
                return account
        where = self.path.name if self.path else "the configuration"
        names = [account.name for account in self.accounts]
        raise ConfigError(f"no account named {shown_value(name)} in {where}"
                          f"{did_you_mean(name, names)}")

    def require_accounts(self) -> None:
        """Raise a ConfigError for commands that need accounts when none is configured."""
        if not self.accounts:
            where = str(self.path) if self.path else "the configuration"
            raise ConfigError(f"accounts: no [[accounts]] configured in {where}; "
                              "add one (see config.example.toml)")

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone for display and schedules."""
        return ZoneInfo(self.schedule.timezone)


_SECTIONS: dict[str, type] = {
    "database": DatabaseConfig,
    "schedule": ScheduleConfig,
    "report": ReportConfig,
    "smtp": SmtpConfig,
    "x": XConfig,
    "facebook": FacebookConfig,
    "collect": CollectConfig,
    "retention": RetentionConfig,
    "meta_webhook": MetaWebhookConfig,
    "executor": ExecutorConfig,
    "selective": SelectiveConfig,
    "web": WebConfig,
    "timestamp": TimestampConfig,
}
_PLATFORM_SECTIONS: dict[str, type] = {
    p.section: p.settings for p in platforms.REGISTRY.values() if p.settings is not None}
_CHOICES: dict[str, tuple[str, ...]] = {
    "report.language": ("tr", "en"),
    "smtp.security": ("none", "starttls", "ssl"),
    "executor.kind": ("local", "procrastinate"),
    "platform": PLATFORMS,
}


def _toml_key(name: str) -> str:
    return "from" if name == "from_" else name


def _check_type(value: Any, expected: Any, key_path: str) -> Any:
    origin = typing.get_origin(expected)
    if origin in (types.UnionType, typing.Union):
        options = [t for t in typing.get_args(expected) if t is not type(None)]
        return _check_type(value, options[0], key_path)
    if origin is list:
        (item_type,) = typing.get_args(expected)
        if not isinstance(value, list):
            raise ConfigError(f"{key_path}: expected a list, got {type(value).__name__}")
        return [_check_type(v, item_type, f"{key_path}[{i}]") for i, v in enumerate(value)]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool):
        raise ConfigError(f"{key_path}: expected an integer, got a boolean")
    if not isinstance(value, expected):
        names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
        raise ConfigError(
            f"{key_path}: expected {names.get(expected, expected.__name__)}, "
            f"got {type(value).__name__} {shown_value(value)}"
        )
    return value


def _unknown_key_hint(key: str, fields: dict[str, Any]) -> str:
    # `page_token = "EAAG…"`: a secret typed into the file. Its value is never repeated.
    if f"{key}_env" in fields or key in ("token", "password", "secret", "app_secret"):
        env_key = f"{key}_env" if f"{key}_env" in fields else "the matching *_env key"
        return (f": secrets never go in the file; delete it, put the secret in an environment "
                f"variable (or a NAME_FILE only its owner reads) and name that variable with "
                f"{env_key}")
    return did_you_mean(key, set(fields))


def _build(cls: type, data: Any, path: str, choice_prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table")
    hints = typing.get_type_hints(cls)
    fields = {_toml_key(f.name): f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        sep = " " if path.startswith("account ") else "."
        raise ConfigError(f"{path}{sep}{unknown[0]}: unknown key"
                          f"{_unknown_key_hint(unknown[0], fields)}")
    values: dict[str, Any] = {}
    sep = " " if path.startswith("account ") else "."  # "account 'valilik' page_token_env"
    for key, f in fields.items():
        key_path = f"{path}{sep}{key}"
        if key not in data:
            no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if no_default:
                raise ConfigError(f"{key_path}: required key is missing")
            continue
        value = _check_type(data[key], hints[f.name], key_path)
        rule = f"{choice_prefix}{key}"
        if rule in _CHOICES and value not in _CHOICES[rule]:
            raise ConfigError(f"{key_path}: must be one of {', '.join(_CHOICES[rule])}, "
                              f"got {shown_value(value)}{did_you_mean(str(value), _CHOICES[rule])}")
        problem = value_problem(rule, key, value)  # ranges, URLs, variable names (config_rules)
        if problem:
            raise ConfigError(f"{key_path}: {problem}")
        values[f.name] = value
    return cls(**values)


def _check_account(account: AccountConfig, path: str) -> None:
    sep = " " if path.startswith("account ") else "."  # "account 'x' key" or "accounts[0].key"
    described = platforms.get(account.platform)
    if account.monthly_budget_usd is not None and described.billing != "resources":
        raise ConfigError(f"{path}{sep}monthly_budget_usd: only X accounts have a budget (X bills "
                          "per read; Graph is rate-limited, not billed)")
    if account.monthly_budget_usd is not None:
        problem = number_problem("x.monthly_budget_usd", account.monthly_budget_usd)
        if problem:
            raise ConfigError(f"{path}{sep}monthly_budget_usd: {problem}")
    if not re.fullmatch(described.account_id_shape, account.account_id):
        raise ConfigError(f"{path}{sep}account_id: {shown_value(account.account_id)} is not "
                          f"{described.account_id_hint or 'a valid id'}")
    sets = described.credential_sets
    if sets and not any(all(getattr(account, key) for key in keys) for keys in sets):
        hint = described.credential_hint
        where = f"{path}{sep}" if hint.split(":")[0] in described.secret_keys else f"{path}: "
        raise ConfigError(f"{where}{hint}")
    foreign = [key for key in platforms.secret_keys()
               if getattr(account, key) and key not in described.secret_keys]
    if foreign:
        raise ConfigError(f"{path}{sep}{foreign[0]}: not used by platform {account.platform!r} "
                          f"(its keys: {', '.join(described.secret_keys) or 'none, it needs no secret'})")


def _check_executor(executor: ExecutorConfig, database: DatabaseConfig) -> None:
    if executor.kind == "procrastinate" and not database.url.startswith("postgresql"):
        raise ConfigError("executor.kind: procrastinate needs a PostgreSQL [database] url")
    if executor.stalled_after_seconds <= executor.heartbeat_seconds:
        raise ConfigError("executor.stalled_after_seconds: must be greater than heartbeat_seconds "
                          f"({executor.heartbeat_seconds:g}), or every worker looks stalled")


def _check_timestamp(timestamp: TimestampConfig, path: Path | None) -> TimestampConfig:
    """A relative ca_file is read from the configuration file's folder; then the rules."""
    if timestamp.ca_file and path is not None and not Path(timestamp.ca_file).is_absolute():
        timestamp = dataclasses.replace(timestamp, ca_file=str(path.parent / timestamp.ca_file))
    problem = timestamp_problem(timestamp.enabled, timestamp.url, timestamp.ca_file,
                                timestamp.username_env, timestamp.password_env)
    if problem:
        raise ConfigError(problem)
    return timestamp


def _check_recheck(collect: CollectConfig) -> None:
    days = collect.recheck_days
    if not days:
        raise ConfigError("collect.recheck_days: must list at least one day (1 = the first night)")
    if days != sorted(set(days)):
        raise ConfigError(f"collect.recheck_days: must be sorted and without repeats, got {days}")
    if days[0] < 1 or days[-1] > collect.window_days:
        raise ConfigError(f"collect.recheck_days: every day must be between 1 and window_days "
                          f"({collect.window_days}), got {days}")


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate a parsed TOML document into a Config; raise ConfigError on the first problem."""
    known = set(_SECTIONS) | set(_PLATFORM_SECTIONS) | {"accounts"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown section{did_you_mean(unknown[0], known)}")
    sections = {name: _build(cls, data.get(name, {}), name, f"{name}.")
                for name, cls in _SECTIONS.items()}
    own = {name: _build(cls, data.get(name, {}), name, f"{name}.")
           for name, cls in _PLATFORM_SECTIONS.items()}
    problem = database_url_problem(sections["database"].url)
    if problem:
        raise ConfigError(f"database.url: {problem}")
    if path is not None:  # a relative SQLite path means beside the file, wherever one runs from
        sections["database"] = dataclasses.replace(
            sections["database"], url=sqlite_beside(sections["database"].url, path.parent))
    try:
        zone = ZoneInfo(sections["schedule"].timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"schedule.timezone: unknown time zone {sections['schedule'].timezone!r}"
        ) from None
    for key in ("nightly_audit", "weekly_report", "retention", "anchor"):
        cron_trigger(getattr(sections["schedule"], key), zone, f"schedule.{key}")
    _check_executor(sections["executor"], sections["database"])
    sections["timestamp"] = _check_timestamp(sections["timestamp"], path)
    _check_recheck(sections["collect"])
    raw_accounts = data.get("accounts", [])
    if not isinstance(raw_accounts, list):
        raise ConfigError("accounts: expected an array of tables ([[accounts]])")
    accounts: list[AccountConfig] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_accounts):
        # Named by its `name` where it has one: "accounts[7]" makes the reader count tables.
        named = raw.get("name") if isinstance(raw, dict) else None
        account_path = (f"account {named!r}" if isinstance(named, str) and named.strip()
                        and named not in seen else f"accounts[{index}]")
        account = _build(AccountConfig, raw, account_path, "")
        for key in ("name", "account_id", "institution"):
            if not getattr(account, key).strip():
                raise ConfigError(f"accounts[{index}].{key}: must not be empty")
        if account.name in seen:
            raise ConfigError(f"accounts[{index}].name: duplicate account name {account.name!r}")
        seen.add(account.name)
        _check_account(account, account_path)
        accounts.append(account)
    return Config(accounts=accounts, path=path, platform_settings=own, **sections)


def cron_trigger(expression: str, zone: ZoneInfo, key_path: str = "schedule") -> Any:
    """An APScheduler CronTrigger from a crontab line (5 fields, or 6 with seconds first)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    try:
        if len(fields) == 5:
            return CronTrigger.from_crontab(expression, timezone=zone)
        if len(fields) == 6:
            second, minute, hour, day, month, day_of_week = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=day_of_week, timezone=zone)
    except ValueError as exc:
        raise ConfigError(f"{key_path}: invalid crontab {expression!r} ({exc})") from None
    raise ConfigError(f"{key_path}: a crontab needs 5 fields (or 6 with seconds first), "
                      f"got {expression!r}")


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML configuration file."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found; write one (config.example.toml "
                          "documents every key) or name it with --config or MODAUDIT_CONFIG") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_config(data, path)


def secret(env_name: str, *, named_by: str) -> str:
    """The secret in environment variable `env_name`, or in the owner-only file `$<env_name>_FILE`."""
    value = os.environ.get(env_name)
    if value and value.strip():
        return value.strip()
    file_name = os.environ.get(f"{env_name}_FILE")
    if file_name:  # also when the variable is set but blank, as a unit may export both
        return _secret_file(f"{env_name}_FILE", Path(file_name))
    if value is not None:  # sending a blank credential would only fail later, less clearly
        raise ConfigError(f"environment variable {env_name} is empty (named by {named_by})")
    raise ConfigError(f"environment variable {env_name} is not set (named by {named_by})")


def _secret_file(variable: str, path: Path) -> str:
    """The stripped text of an owner-only secret file; errors name the file, never its content."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"{variable}: cannot read {path} ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise ConfigError(f"{variable}: {path} is a directory, not a file")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{variable}: {path} is readable by others; chmod 600 it")
    try:
        data = path.read_bytes()
    except OSError as exc:  # e.g. owner-only but owned by another user
        raise ConfigError(f"{variable}: cannot read {path} ({exc.strerror})") from None
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:  # its str() quotes a byte of the secret
        raise ConfigError(f"{variable}: {path} is not UTF-8 text") from None
    if not text:
        raise ConfigError(f"{variable}: {path} is empty")
    return text
