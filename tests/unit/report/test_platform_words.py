"""Each platform's findings in its own words (its descriptor's `words` and `sentences`), the
generic words where it has none, and links to the video, the reply, the account or the list.

Ids are written as the platforms' references show them: a YouTube video id (11 characters) and
comment id, Bluesky DIDs and at-uris (the lexicons' `app.bsky.*` collections); people fictional.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from analysis.rules import severity
from modaudit import platforms
from modaudit.evidence.words import what_happened
from modaudit.report.i18n import kind_term, term
from modaudit.report.links import platform_url
from modaudit.report.subjects import COMMENT, QUOTE, USER, describe, reply_setting, words_for

TZ = ZoneInfo("Europe/Istanbul")
VIDEO, YT_COMMENT = "dQw4w9WgXcQ", "UgzKx3Ff1bqTm8NnQ5p4AaABAg"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"  # the institution
OTHER = "did:plc:4ksjwqf2b3tdm6xjw5gqoyzl"  # Elif Karaca, blocked
LIST = f"at://{OTHER}/app.bsky.graph.list/3kbqnzb7vv22e"
POST = f"at://{DID}/app.bsky.feed.post/3l6oveex3ii2l"
REPLY = f"at://{OTHER}/app.bsky.feed.post/3l6ovf7ptzq2a"


def _subject(kind: str, subject_id: str, platform: str, language: str = "tr", **kwargs: object):
    values: dict = {"name": None, "text": None, "post_id": None, "evidence": None, **kwargs}
    return describe(kind, subject_id, language=language, tz=TZ, platform=platform, **values)


@pytest.mark.parametrize(("kind", "tr", "en"), [
    ("comment_hidden", "yorum incelemeye alındı (herkese görünmüyor)",
     "comment held for review (hidden from the public)"),
    ("comment_unhidden", "incelemedeki yorum yayımlandı", "held comment published"),
    ("comment_deleted", "yorum kaldırıldı (kanal reddetmiş ya da yazarı silmiş olabilir)",
     "comment removed (rejected by the channel or deleted by its author)"),
    ("replies_restricted", "videoda yorumlar kapatıldı", "comments turned off on the video"),
    ("replies_reopened", "videoda yorumlar yeniden açıldı", "comments turned back on on the video"),
])
def test_youtube_says_each_kind_its_own_way(kind: str, tr: str, en: str) -> None:
    assert kind_term(kind, "tr", "youtube", YT_COMMENT) == tr
    assert kind_term(kind, "en", "youtube", YT_COMMENT) == en
    # Another platform, or none, keeps the generic words.
    assert kind_term(kind, "tr", "facebook", "1_2") == term(kind, "tr")
    assert kind_term(kind, "tr") == term(kind, "tr")


def test_bluesky_says_a_blocked_list_apart_from_a_blocked_account() -> None:
    assert kind_term("user_blocked", "tr", "bluesky", OTHER) == "hesap engellendi"
    assert kind_term("user_blocked", "tr", "bluesky", LIST) == "moderasyon listesi topluca engellendi"
    assert kind_term("user_blocked", "en", "bluesky", LIST) == "moderation list blocked wholesale"
    assert kind_term("comment_hidden", "tr", "bluesky", REPLY) == "yanıt gizlendi (başlık kapısı)"
    assert (kind_term("replies_restricted", "tr", "bluesky", POST)
            == "gönderiye kimlerin yanıt verebileceği daraltıldı")
    assert kind_term("quote_detached", "en", "bluesky", REPLY).startswith("a quote of the post")
    # X blocks users: its words stay the generic ones.
    assert kind_term("user_blocked", "tr", "x", "42") == "kullanıcı engellendi"


def test_the_exports_sentence_uses_the_platforms_words() -> None:
    said = what_happened("Örnek Belediyesi", "youtube", "belediye-yt", "comment_hidden", YT_COMMENT)
    assert said == ("Örnek Belediyesi kurumunun YouTube hesabında (belediye-yt) yorum incelemeye "
                    "alındı (herkese görünmüyor).")
    listed = what_happened("Örnek Belediyesi", "bluesky", "belediye-bsky", "user_blocked", LIST)
    assert listed.endswith("moderasyon listesi topluca engellendi.")
    assert what_happened("V", "facebook", "v", "comment_hidden").endswith("bir yorum gizlendi.")


def test_a_video_is_a_video_and_its_comment_opens_at_the_comment() -> None:
    held = _subject("comment_hidden", YT_COMMENT, "youtube", name="Zeynep Arslan",
                    text="Yol ne zaman açılacak?", post_id=VIDEO)
    assert held.kind == COMMENT
    assert [line.label for line in held.lines] == ["Yorumu yazan", "Yorum metni", "Videosu"]
    off = _subject("replies_restricted", VIDEO, "youtube", post_text="Köprü açılışı",
                   evidence={"reply_settings": "comments_disabled"})
    assert [(line.label, line.value) for line in off.lines] == [
        ("Video", f"kimlik {VIDEO}"), ("Video başlığı", "Köprü açılışı"),
        ("Yorumlar", "yorumlar kapalı")]
    assert off.cells("tr")["subject"] == "video"
    assert _subject("replies_restricted", VIDEO, "youtube", "en").lines[0].label == "Video"
    assert (platform_url("youtube", "comment_deleted", subject_id=YT_COMMENT, post_id=VIDEO)
            == f"https://www.youtube.com/watch?v={VIDEO}&lc={YT_COMMENT}")
    assert (platform_url("youtube", "replies_restricted", subject_id=VIDEO, post_id=VIDEO)
            == f"https://www.youtube.com/watch?v={VIDEO}")


def test_a_blocked_did_is_an_account_named_by_its_handle_and_a_list_is_a_list() -> None:
    account = _subject("user_blocked", OTHER, "bluesky", name="elifkaraca.bsky.social")
    assert account.kind == USER
    assert (account.lines[0].label, account.lines[0].value) == ("Hesap", "elifkaraca.bsky.social")
    assert account.cells("tr")["subject"] == "hesap"
    assert (platform_url("bluesky", "user_blocked", subject_id=OTHER, post_id=None)
            == f"https://bsky.app/profile/{OTHER}")
    listed = _subject("user_blocked", LIST, "bluesky", name="Trol listesi")
    # The spreadsheet's subject says what kind of list: a moderation list, not any "liste".
    assert (listed.lines[0].label == "Liste"
            and listed.cells("tr")["subject"] == "moderasyon listesi")
    assert (_subject("user_blocked", LIST, "bluesky", "en").cells("en")["subject"]
            == "moderation list")
    assert (platform_url("bluesky", "user_blocked", subject_id=LIST, post_id=None)
            == f"https://bsky.app/profile/{OTHER}/lists/3kbqnzb7vv22e")


def test_a_bluesky_reply_is_a_reply_on_its_post_page() -> None:
    reply = _subject("comment_hidden", REPLY, "bluesky", name="elifkaraca.bsky.social",
                     text="Bu karar yanlış.", post_id=POST)
    assert [line.label for line in reply.lines] == ["Yanıtı yazan", "Yanıt metni", "Gönderisi"]
    assert reply.lines[0].note == f"yanıt kimliği {REPLY}"
    assert (platform_url("bluesky", "comment_hidden", subject_id=REPLY, post_id=POST)
            == f"https://bsky.app/profile/{OTHER}/post/3l6ovf7ptzq2a")
    assert (platform_url("bluesky", "replies_restricted", subject_id=POST, post_id=POST)
            == f"https://bsky.app/profile/{DID}/post/3l6oveex3ii2l")


def test_a_detached_quote_is_the_quoting_post_and_a_finding_for_review() -> None:
    quote = _subject("quote_detached", REPLY, "bluesky", post_id=POST,
                     evidence={"quote_author": "elifkaraca.bsky.social"},
                     text="Şu açıklamaya bakın")
    assert quote.kind == QUOTE
    assert [(line.label, line.value) for line in quote.lines] == [
        ("Alıntılayan gönderi", f"kimlik {REPLY}"), ("Alıntılayan", "elifkaraca.bsky.social"),
        ("Alıntı metni", "Şu açıklamaya bakın"), ("Alıntılanan gönderi", f"kimlik {POST}")]
    cells = quote.cells("en")
    assert (cells["subject"], cells["person"]) == ("quoting post", "elifkaraca.bsky.social")
    bare = _subject("quote_detached", REPLY, "bluesky", post_id=POST)  # nothing kept: no guess
    assert [line.label for line in bare.lines] == ["Alıntılayan gönderi", "Alıntılanan gönderi"]
    assert severity("quote_detached", "account") == "review"
    assert term("quote_detached", "tr") == "alıntı ayrıldı"
    assert (platform_url("bluesky", "quote_detached", subject_id=REPLY, post_id=POST)
            == f"https://bsky.app/profile/{OTHER}/post/3l6ovf7ptzq2a")


@pytest.mark.parametrize(("value", "tr", "en"), [
    ("nobody", "kimse yanıtlayamaz", "nobody can reply"),
    ("following,mention", "yalnızca hesabın takip ettikleri ve gönderide anılanlar yanıtlayabilir",
     "only accounts it follows and accounts mentioned can reply"),
    (f"list:{LIST}", "yalnızca bir listedekiler yanıtlayabilir",
     "only members of a list can reply"),
    (f"mention,follower,list:{LIST}",
     "yalnızca gönderide anılanlar, hesabın takipçileri ve bir listedekiler yanıtlayabilir",
     "only accounts mentioned, its followers and members of a list can reply"),
])
def test_bluesky_thread_gate_rules_are_said_part_by_part(value: str, tr: str, en: str) -> None:
    assert reply_setting(value, "tr", "bluesky") == tr
    assert reply_setting(value, "en", "bluesky") == en


def test_a_rule_without_words_is_not_guessed() -> None:
    assert reply_setting("following,somethingnew", "tr", "bluesky") is None
    assert reply_setting("everyone", "tr", "bluesky") == "herkes yanıtlayabilir"
    assert reply_setting("everyone", "tr", "youtube") == "yorumlar açık"
    assert reply_setting("everyone", "tr") == "herkes yanıtlayabilir"


def test_every_platforms_words_override_known_keys_only() -> None:
    generic = words_for("tr")
    for described in platforms.REGISTRY.values():
        for language, table in described.words.items():
            for key in table:
                assert key.split("@")[0] in generic, (described.name, language, key)
        assert set(described.sentences) <= {"tr", "en"}
        for table in described.sentences.values():
            for kind in table:
                assert term(kind.split("@")[0], "tr") != kind.split("@")[0], (described.name, kind)
