"""Content features of a comment (language, topic markers), computed once when stored and kept.

Features describe what a comment says, never who wrote it (docs/architecture.md §9). They are computed while
the text exists: retention erases text later, the features stay for the selective-moderation
statistics. Language comes from py3langid, whose model ships inside its wheel (nothing is
downloaded); text too short or too unlike any language is `und` (undetermined).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from analysis.lexicon import Lexicon, load_lexicon

UNDETERMINED = "und"
MIN_LETTERS = 4  # fewer letters than this ("ok", "👍", "+1") say nothing about a language
MIN_CONFIDENCE = 0.4  # below this share of the probability, the language is undetermined
# Labels of the model that belong to one language as the clause means it (language, not dialect).
_SAME_LANGUAGE = {"ary": "ar", "arz": "ar", "sdh": "ku", "zxx": UNDETERMINED}
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+", re.UNICODE)


@dataclass(frozen=True)
class CommentFeatures:
    """What one comment's text is: its language (with confidence) and topic markers."""

    language: str
    language_confidence: float
    topics: tuple[str, ...]

    @property
    def groups(self) -> list[str]:
        """The comparison groups this comment belongs to, e.g. `language:ku`, `topic:criticism`."""
        return [f"language:{self.language}", *(f"topic:{topic}" for topic in self.topics)]

    def row(self, comment_id: int, lexicon: str, computed_at: datetime) -> dict[str, Any]:
        """The `comment_features` row that keeps these features for one comment."""
        return {"comment_id": comment_id, "language": self.language,
                "language_confidence": self.language_confidence, "topics": list(self.topics),
                "lexicon": lexicon, "computed_at": computed_at}


@functools.cache
def _identifier() -> Any:
    """py3langid's classifier with probabilities, loaded once from the model inside the wheel."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _letters_only(text: str) -> str:
    """The text without links, @mentions, digits, emoji and symbols: what carries a language."""
    kept = [ch if unicodedata.category(ch)[0] in "LM" or ch in "'’" else " "
            for ch in _NOISE.sub(" ", text)]
    return " ".join("".join(kept).split())


def identify_language(text: str | None) -> tuple[str, float]:
    """(ISO 639-1 code or `und`, confidence 0–1) for a comment's text."""
    cleaned = _letters_only(text or "")
    if sum(ch.isalpha() for ch in cleaned) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    totals: dict[str, float] = {}
    for label, probability in _identifier().rank(cleaned):
        language = _SAME_LANGUAGE.get(label, label)
        totals[language] = totals.get(language, 0.0) + float(probability)
    language, confidence = max(totals.items(), key=lambda item: item[1])
    if language == UNDETERMINED or confidence < MIN_CONFIDENCE:
        return UNDETERMINED, round(confidence, 4)
    return language, round(confidence, 4)


def features_of(text: str | None, lexicon: Lexicon) -> CommentFeatures:
    """The features of one comment's text."""
    language, confidence = identify_language(text)
    return CommentFeatures(language, confidence, tuple(lexicon.topics_of(text)))


@functools.cache
def built_in_lexicon() -> Lexicon:
    """The lexicons shipped with modaudit (Turkish and English), loaded once."""
    return load_lexicon()
