"""The descriptor every platform module fills in (modaudit/platforms/__init__.py)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

# Link builder: (kind, subject_id, post_id, handle, permalink) -> the platform page, or None.
LinkBuilder = Callable[[str, str, "str | None", str, "str | None"], "str | None"]
# Which variant of its kind's subject an id is ("list": a Bluesky moderation list), or "".
VariantOf = Callable[[str], str]


def plain(subject_id: str) -> str:
    """Every subject is of its kind's plain variant (the platforms without variants)."""
    return ""


@dataclass(frozen=True)
class Platform:
    """What modaudit knows of one platform; `name` is the config's `platform` value."""

    name: str
    display: str  # as its owner writes it: "YouTube"
    hooks: str  # intake module: collector(config, account), probe(config, account), fix(exc, …)
    section: str  # the config section holding its base URL
    base_url_key: str
    link: LinkBuilder
    unobservable: Mapping[str, tuple[str, ...]]  # language -> sentences, for every report
    secret_keys: tuple[str, ...] = ()  # account keys that name a secret's variable
    credential_sets: tuple[tuple[str, ...], ...] = ()  # one set complete; () = needs no secret
    credential_hint: str = ""  # the error when no set is complete
    lists: tuple[str, ...] = ()  # the user lists the audit can read: "blocked", "muted"
    gone_kind: str = "comment_deleted"  # what a comment confirmed gone is recorded as
    gone_actor: str = "unknown"
    purge_text_on_gone: bool = False  # the platform's terms ask deleted text to be dropped (X)
    # Removing a comment removes its replies (YouTube): a reply gone with its parent is part of
    # the parent's action, not an action of its own.
    replies_go_with_parent: bool = False
    first_seen_hidden_is_finding: bool = True  # False: first seen hidden is state (a filter's)
    moderation_observable: bool = True  # hides and deletions visible to the audit (selective)
    billing: str = "requests"  # "requests" (rate-limited), "resources" (X), "units" (a quota)
    webhook_object: str | None = None  # Meta webhook `object` that feeds this platform
    reply_settings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Reply settings are sets of rules, comma-joined ("following,mention"; "nobody" the empty
    # set; Bluesky's thread gates): one set narrowed to another is a restriction of its own.
    reply_settings_are_rules: bool = False
    # The dataclass of its own config section (`[youtube]`), where the platform brings one; the
    # older platforms' sections are modaudit/config_sections.py's.
    settings: type | None = None
    # The weekly report's sentence on what the re-check schedule means for detection here (a key
    # of report/i18n.py's cost words; platforms sharing one say it once), or None.
    latency: str | None = None
    # What its account_id looks like (a regular expression for the whole id), and how to find it.
    account_id_shape: str = r".+"
    account_id_hint: str = ""
    # Its own words, over the generic ones: language -> report/subjects.WORDS key -> word. A key
    # "key@variant" applies only to subjects of that variant (see `variant`).
    words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # What happened, in its own words: language -> kind (or "kind@variant") -> a short phrase,
    # used as the kind's label on every face (portal, report, alert, CSVs, export).
    sentences: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    variant: VariantOf = plain
    # Who acted, in its own words: language -> actor ("author") -> phrase; a reply's author, not
    # a comment's, where the platform has replies.
    actors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # A collection warning's sentence in its own words, over report/phrases.py's: language ->
    # warning code -> sentence (a YouTube channel's videos, a Bluesky post's replies).
    warnings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def hooks_module(self) -> ModuleType:
        """The intake module that builds this platform's collector (imported on first use)."""
        return importlib.import_module(self.hooks)

    def word(self, language: str, key: str, subject_id: str = "") -> str | None:
        """Its own word for a report/subjects.WORDS key, for this subject; None: the generic."""
        return _pick(self.words.get(language, {}), key, self.variant(subject_id))

    def sentence(self, language: str, kind: str, subject_id: str = "") -> str | None:
        """What a `kind` finding about this subject is, in its own words; None: the generic."""
        return _pick(self.sentences.get(language, {}), kind, self.variant(subject_id))


    def actor(self, language: str, actor: str) -> str | None:
        """Who acted (an event's `actor`), in its own words; None: the generic."""
        return self.actors.get(language, {}).get(actor)


    def warning(self, language: str, code: str) -> str | None:
        """A collection warning in its own words; None: the generic sentence."""
        return self.warnings.get(language, {}).get(code)


def _pick(table: Mapping[str, str], key: str, variant: str) -> str | None:
    """The variant's entry if there is one, else the key's own."""
    return (table.get(f"{key}@{variant}") if variant else None) or table.get(key)
