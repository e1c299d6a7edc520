"""What a finding is about, in its own words: a comment (author, text, its post), a user (name
or "adı bilinmiyor", the id), a post (its text, when it was published, who may reply) or a post
quoting one of the account's (Bluesky's detached quotes). Each platform's descriptor may say them
in its own words (a YouTube post is a video, a Bluesky comment a reply).

One table for the portal, the weekly report and alert, both CSVs and the export's PDF, so that
no page calls a post a user (docs/architecture.md §6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from modaudit import platforms
from modaudit.report.i18n import format_datetime

COMMENT, USER, POST, QUOTE = "comment", "user", "post", "quote"

WORDS: dict[str, dict[str, str]] = {
    "tr": {"comment": "yorum", "user": "kullanıcı", "post": "gönderi",
           "author": "Yorumu yazan", "comment_text": "Yorum metni", "on_post": "Gönderisi",
           "comment_id": "yorum kimliği",
           # counted ("12 yorum") and whose ("3 yorumun metni"), for the selective section
           "comments_n": "yorum", "comments_of": "yorumun",
           "user_label": "Kullanıcı", "no_name": "adı bilinmiyor",
           "no_author": "adı kayıtlı değil", "id": "kimlik",
           "post_label": "Gönderi", "post_text": "Gönderi metni",
           "published": "Yayımlandığı zaman", "reply_setting": "Yanıt ayarı",
           "not_stored": "denetimde kaydedilmedi",
           # CSV headers
           "subject_head": "Konu", "subject_id_head": "Konu kimliği",
           "person_head": "Yazan / kullanıcı", "text_head": "Metin",
           "published_head": "Gönderi zamanı", "setting_head": "Yanıt ayarı",
           # a post quoting the account's post (its quote detached)
           "quote": "alıntılayan gönderi", "quote_label": "Alıntılayan gönderi",
           "quote_author": "Alıntılayan", "quote_text": "Alıntı metni",
           "quoted_post": "Alıntılanan gönderi"},
    "en": {"comment": "comment", "user": "user", "post": "post",
           "author": "Comment by", "comment_text": "Comment text", "on_post": "On post",
           "comment_id": "comment id", "comments_n": "comments", "comments_of": "comments",
           "user_label": "User", "no_name": "name unknown", "no_author": "name not recorded",
           "id": "id", "post_label": "Post", "post_text": "Post text",
           "published": "Published", "reply_setting": "Who may reply",
           "not_stored": "not recorded by the audit",
           "subject_head": "Subject", "subject_id_head": "Subject id",
           "person_head": "Author / user", "text_head": "Text",
           "published_head": "Post published", "setting_head": "Who may reply",
           "quote": "quoting post", "quote_label": "Quoting post", "quote_author": "Quoted by",
           "quote_text": "Quote text", "quoted_post": "Quoted post"},
}

# Who may reply to a post: "everyone" on every platform; each platform's other values in its own
# descriptor's words (X's `reply_settings`, Instagram's and YouTube's comments turned off).
_EVERYONE = {"tr": "herkes yanıtlayabilir", "en": "everyone can reply"}


def subject_of(kind: str) -> str:
    """What a finding of this kind is about: a comment, a user, a post or a quoting post."""
    if kind == "quote_detached":
        return QUOTE
    if kind.startswith("user"):
        return USER
    if kind.startswith("replies"):
        return POST
    return COMMENT


def words_for(language: str, platform: str | None = None, subject_id: str = "") -> dict[str, str]:
    """WORDS in `language`, with the platform's own words for this subject over them."""
    words = dict(WORDS[language])
    described = platforms.REGISTRY.get(platform or "")
    if described is not None:
        for key in words:
            own = described.word(language, key, subject_id)
            if own:
                words[key] = own
    return words


def reply_setting(value: object, language: str = "tr", platform: str | None = None) -> str | None:
    """A post's reply setting in words (None: not given, or a value without words).

    The platform's own words first; a combination of rules ("following,mention", Bluesky's
    thread gates) is said part by part, joined; "list:at://…" is a list's rule.
    """
    if not isinstance(value, str):
        return None
    described = platforms.REGISTRY.get(platform or "")
    own = described.reply_settings.get(language, {}) if described else {}
    said = own.get(value) or _combined(value, own)
    if said:
        return said
    if value == "everyone":
        return _EVERYONE[language]
    # A value the account's platform has no words for: any platform's (the older callers).
    for table in (other.reply_settings.get(language, {}) for other in platforms.REGISTRY.values()):
        said = table.get(value) or _combined(value, table)
        if said:
            return said
    return None


def _combined(value: str, table: Mapping[str, str]) -> str | None:
    """Rules joined by commas, each "rule" or "rule:argument", said as one sentence."""
    rules = [part.split(":", 1)[0].strip() for part in value.split(",") if part.strip()]
    said = [table.get(f"+{rule}") for rule in dict.fromkeys(rules)]
    if not said or "+" not in table or None in said:
        return None  # a rule without words is not guessed at
    who = [part for part in said if part]
    joined = who[0] if len(who) == 1 else f"{', '.join(who[:-1])} {table['+and']} {who[-1]}"
    return table["+"].format(who=joined)


@dataclass(frozen=True)
class Line:
    """One labelled line about the subject; `quote` marks user text shown as a quotation."""

    label: str
    value: str
    quote: bool = False
    user_text: bool = False  # stored text from the platform (escaped, controls made visible)
    note: str = ""  # our words after it, e.g. the id: "kimlik 123"


@dataclass(frozen=True)
class Subject:
    """A finding's subject in the reader's words, and its cells for a spreadsheet."""

    kind: str  # COMMENT | USER | POST
    id: str
    name: str | None  # the comment's author or the user's name; None for a post
    text: str | None  # the comment's or the post's text as stored
    published_at: datetime | None  # a post's publication time
    setting: str | None  # a post's reply setting in words
    post_id: str | None  # a comment's post
    lines: tuple[Line, ...]
    platform: str | None = None  # the account's: whose words the cells say

    def cells(self, language: str) -> dict[str, Any]:
        """The CSV's subject columns: kind word, id, author or user, text, publication, setting."""
        words = words_for(language, self.platform, self.id)
        person = None
        if self.kind == USER:
            person = self.name or words["no_name"]
        elif self.kind in (COMMENT, QUOTE):
            person = self.name or words["no_author"]
        return {"subject": words[self.kind], "subject_id": self.id, "person": person,
                "text": self.text, "published_at": self.published_at, "setting": self.setting}


def describe(kind: str, subject_id: str, *, name: str | None, text: str | None,
             post_id: str | None, evidence: dict[str, Any] | None, language: str, tz: ZoneInfo,
             post_text: str | None = None, published_at: datetime | None = None,
             platform: str | None = None) -> Subject:
    """The subject of a finding of `kind`, each kind with only what it has, in the words of
    `platform` (the account's) where it has its own.

    `name` and `text` are the comment's author and text or the listed user's name; `post_text`
    and `published_at` the stored post a restriction of replies is about (None when not stored).
    A quoting post's author and text are `name` and `text` (the store's detached quote, which
    retention erases), the author also in the event's evidence (`quote_author`).
    """
    words, about = words_for(language, platform, subject_id), subject_of(kind)
    lines: list[Line] = []
    if about == QUOTE:
        return _quote(subject_id, post_id, evidence or {}, words, platform, name, text)
    if about == USER:
        shown = name or words["no_name"]
        lines.append(Line(words["user_label"], shown, user_text=bool(name),
                          note=f"{words['id']} {subject_id}"))
        return Subject(USER, subject_id, name, None, None, None, None, tuple(lines), platform)
    if about == POST:
        setting = reply_setting((evidence or {}).get("reply_settings"), language, platform)
        lines.append(Line(words["post_label"], f"{words['id']} {subject_id}"))
        lines.append(Line(words["post_text"], post_text, quote=True, user_text=True) if post_text
                     else Line(words["post_text"], words["not_stored"]))
        if published_at is not None:
            lines.append(Line(words["published"], format_datetime(published_at, language, tz)))
        if setting:
            lines.append(Line(words["reply_setting"], setting))
        return Subject(POST, subject_id, None, post_text, published_at, setting, None,
                       tuple(lines), platform)
    lines.append(Line(words["author"], name or words["no_author"], user_text=bool(name),
                      note=f"{words['comment_id']} {subject_id}"))
    if text:
        lines.append(Line(words["comment_text"], text, quote=True, user_text=True))
    if post_id:
        lines.append(Line(words["on_post"], f"{words['id']} {post_id}"))
    return Subject(COMMENT, subject_id, name, text, None, None, post_id, tuple(lines), platform)


def _quote(subject_id: str, post_id: str | None, evidence: dict[str, Any],
           words: Mapping[str, str], platform: str | None, author: str | None,
           said: str | None) -> Subject:
    """A post quoting the account's post: who wrote it and what, as the audit read them."""
    name, text = author or evidence.get("quote_author"), said
    name = name if isinstance(name, str) and name else None
    text = text if isinstance(text, str) and text else None
    lines = [Line(words["quote_label"], f"{words['id']} {subject_id}")]
    if name:
        lines.append(Line(words["quote_author"], name, user_text=True))
    if text:
        lines.append(Line(words["quote_text"], text, quote=True, user_text=True))
    if post_id:
        lines.append(Line(words["quoted_post"], f"{words['id']} {post_id}"))
    return Subject(QUOTE, subject_id, name, text, None, None, post_id, tuple(lines), platform)
