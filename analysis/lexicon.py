"""Topic and stance lexicons (TOML data files) and Turkish-aware matching of comment text.

A term is one word or a phrase of words. A word ending in `*` also matches any suffixes
("valilik*" matches "valiliğin", "Valiliğe"); without it the whole word must match. Text and
terms are compared folded: Turkish lower-casing (I → ı, İ → i), then without diacritics
(ı → i, ş → s, ğ → g, ...), so "ISTIFA", "İstifa" and "istifa!" are one word. A suffix after an
apostrophe is cut ("AKP'nin" is "akp"). Terms in a group's `exclude` list veto that group's
matches on the same word (e.g. "kurtar*" — to rescue — is not "Kürt").
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from modaudit.config import Config, ConfigError

BUILT_IN = ("tr.toml", "en.toml")
_GROUP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TURKISH_CAPITALS = str.maketrans({"I": "ı", "İ": "i"})
# Letters that NFKD does not decompose, or that Turkish readers treat as plain variants.
_PLAIN = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ـ": ""})
_APOSTROPHES = "'’‘ʼ`´"
_WORD = re.compile(rf"[^\W\d_]+(?:[{_APOSTROPHES}][^\W\d_]+)*")
_SPLIT_APOSTROPHE = re.compile(rf"[{_APOSTROPHES}]")
_GROUP_KEYS = {"description", "terms", "exclude"}


def fold(text: str) -> str:
    """Turkish-aware lower case without diacritics: "İSTİFA" and "Istifa" both give "istifa"."""
    lowered = unicodedata.normalize("NFC", text).translate(_TURKISH_CAPITALS).lower()
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_PLAIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[tuple[str, ...]]:
    """The words of `text`, folded; each word as its forms: "AKP'nin" → ("akp", "akpnin")."""
    tokens = []
    for match in _WORD.finditer(fold(text)):
        parts = _SPLIT_APOSTROPHE.split(match.group())
        tokens.append(tuple("".join(parts[:n]) for n in range(1, len(parts) + 1)))
    return tokens


@dataclass(frozen=True)
class WordPattern:
    """One word of a term: exact, or a stem that takes suffixes."""

    text: str
    prefix: bool

    def stems(self) -> tuple[str, ...]:
        """The stem and its softened form: a final k becomes ğ before a vowel (valilik → valiliğ)."""
        if self.prefix and len(self.text) >= 3 and self.text.endswith("k"):
            return (self.text, self.text[:-1] + "g")  # folded ğ
        return (self.text,)

    def matches(self, forms: tuple[str, ...]) -> bool:
        """Whether any form of a word matches this pattern."""
        if not self.prefix:
            return self.text in forms
        return any(form.startswith(stem) for form in forms for stem in self.stems())


def parse_term(term: str) -> tuple[WordPattern, ...]:
    """A lexicon term as its word patterns; ValueError if it has no word."""
    patterns = []
    for raw in term.split():
        prefix = raw.endswith("*")
        folded_words = words(raw.rstrip("*"))
        if not folded_words:
            continue
        # An apostrophe in a term ("Kur'an*") is matched against the word's joined form.
        *leading, last = [forms[-1] for forms in folded_words]
        patterns += [WordPattern(w, False) for w in leading] + [WordPattern(last, prefix)]
    if not patterns:
        raise ValueError(f"term {term!r} has no word")
    return tuple(patterns)


class _Index:
    """Terms keyed by their first word, so each word of a text costs a few dictionary lookups."""

    def __init__(self, entries: Iterable[tuple[str, tuple[WordPattern, ...]]]) -> None:
        self.exact: dict[str, list[tuple[str, tuple[WordPattern, ...]]]] = {}
        self.prefix: dict[str, list[tuple[str, tuple[WordPattern, ...]]]] = {}
        for group, term in entries:
            first = term[0]
            for stem in first.stems():
                (self.prefix if first.prefix else self.exact).setdefault(stem, []).append((group, term))
        self.lengths = sorted({len(stem) for stem in self.prefix})

    def starting_at(self, forms: tuple[str, ...]) -> list[tuple[str, tuple[WordPattern, ...]]]:
        """Terms whose first word matches this word."""
        found = []
        for form in forms:
            found += self.exact.get(form, [])
            for length in self.lengths:
                if length > len(form):
                    break
                found += self.prefix.get(form[:length], [])
        return found


@dataclass
class Lexicon:
    """Topic groups, each a set of terms and exclusions; matched with `topics_of`."""

    terms: dict[str, list[tuple[WordPattern, ...]]] = field(default_factory=dict)
    excludes: dict[str, list[WordPattern]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    _indexes: tuple[_Index, _Index] | None = field(default=None, repr=False, compare=False)

    @property
    def groups(self) -> list[str]:
        """The topic names, sorted."""
        return sorted(self.terms)

    @property
    def fingerprint(self) -> str:
        """A short hash of every group's terms: stored with features so a change is noticed."""
        canonical = repr(sorted((group, sorted(map(repr, terms)),
                                 sorted(map(repr, self.excludes.get(group, []))))
                                for group, terms in self.terms.items()))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def add(self, data: dict[str, Any], source: str) -> None:
        """Merge one parsed lexicon file (`[group]` tables with `terms` and `exclude`)."""
        for group, table in data.items():
            where = f"{source}: [{group}]"
            if not _GROUP_NAME.match(group):
                raise ConfigError(f"{where}: a group name is lower-case letters, digits and _")
            if not isinstance(table, dict):
                raise ConfigError(f"{where}: expected a table")
            unknown = sorted(set(table) - _GROUP_KEYS)
            if unknown:
                raise ConfigError(f"{where}.{unknown[0]}: unknown key")
            for key in ("terms", "exclude"):
                values = table.get(key, [])
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise ConfigError(f"{where}.{key}: expected a list of strings")
            try:
                self.terms.setdefault(group, []).extend(parse_term(t) for t in table.get("terms", []))
                excludes = [parse_term(t) for t in table.get("exclude", [])]
                if any(len(term) != 1 for term in excludes):
                    raise ValueError("an exclude is a single word")
                self.excludes.setdefault(group, []).extend(term[0] for term in excludes)
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        self.sources.append(source)
        self._indexes = None

    def topics_of(self, text: str | None) -> list[str]:
        """The groups whose terms occur in `text`, sorted."""
        if not text:
            return []
        if self._indexes is None:
            self._indexes = (
                _Index((g, t) for g, terms in self.terms.items() for t in terms),
                _Index((g, (p,)) for g, patterns in self.excludes.items() for p in patterns))
        terms, excludes = self._indexes
        tokens = words(text)
        found: set[str] = set()
        for start, forms in enumerate(tokens):
            vetoed = {group for group, _ in excludes.starting_at(forms)}
            for group, term in terms.starting_at(forms):
                if group in found or group in vetoed or start + len(term) > len(tokens):
                    continue
                if all(p.matches(tokens[start + k]) for k, p in enumerate(term[1:], start=1)):
                    found.add(group)
        return sorted(found)


def load_lexicon(extra: str | Path | None = None, built_in: Iterable[str] = BUILT_IN) -> Lexicon:
    """The built-in Turkish and English lexicons, extended by a deployment's TOML file if given."""
    lexicon = Lexicon()
    package = resources.files("analysis") / "lexicons"
    for name in built_in:
        lexicon.add(tomllib.loads(package.joinpath(name).read_text(encoding="utf-8")), name)
    if extra:
        path = Path(extra)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"selective.extra_lexicon: {path} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"selective.extra_lexicon: cannot read {path} ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"selective.extra_lexicon: {path}: invalid TOML: {exc}") from None
        lexicon.add(data, str(path))
    return lexicon


def deployment_lexicon(config: Config) -> Lexicon:
    """The lexicon a deployment uses: built in, plus `[selective] extra_lexicon` (a relative path is
    read from the configuration file's folder)."""
    extra = config.selective.extra_lexicon
    if extra and config.path is not None and not Path(extra).is_absolute():
        extra = str(config.path.parent / extra)
    return load_lexicon(extra or None)
