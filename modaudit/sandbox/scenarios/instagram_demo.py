"""The demo's Instagram account: four media, comments from eight users, a week of hides and limits.

Every action happens between 08:00 and 20:00; the auditor runs at day(n, 23, 30) for n in 0..7.
"""

from __future__ import annotations

from datetime import datetime

from modaudit.sandbox.world.instagram import IGAccountSpec, IGUser
from modaudit.sandbox.world.scenario import Scenario

IG_ACCOUNT = IGAccountSpec(
    ig_user_id="17841400000000123",
    username="ornekvaliligi",
    name="Örnek Valiliği",
    token="demo-instagram-page-token",  # noqa: S106 - a made-up token only the simulator accepts
)

# fmt: off
IG_USERS = {
    key: IGUser(f"9900000000001{number:02d}", username)
    for number, (key, username) in enumerate([
        ("ayse", "ayse.yilmaz61"), ("mehmet", "mehmet_ozturk"), ("zeynep", "zeynepsahin"),
        ("caglar", "caglar.aydin"), ("elif", "elif_arslan"), ("rojda", "rojda.demir"),
        ("trol", "gercekler_burada"), ("murat", "murat.kilic"),
    ], start=1)
}

# Media: (key, day, "HH:MM", caption). Ids are "1790000000000{key}".
MEDIA = [
    ("0101", -2, "10:00", "Kış tedbirleri: karla mücadele ekiplerimiz görev başında ❄️"),
    ("0102", 0, "12:00", "Cumhuriyet Meydanı'ndaki anma törenimizden kareler 🇹🇷"),
    ("0103", 2, "09:00", "Köprü onarımı nedeniyle Atatürk Caddesi 25 Kasım'a kadar kapalıdır."),
    ("0104", 5, "11:00", "'Güvenli İnternet' seminerleri başladı 💻 Başvurular e-Devlet'te."),
]

# Comments: (key, media key, day, "HH:MM", author, text, parent key or None); ids
# "1785000000000{key}".
# Nobody comments on 0103 while its comments are off (day 3 10:00 to day 6 09:00).
COMMENTS = [
    ("0201", "0101", -2, "11:00", "ayse", "Ekiplere teşekkürler 👏", None),
    ("0202", "0101", -2, "12:30", "mehmet", "Çığlıca köyünün yolu hâlâ kapalı!", None),
    ("0203", "0101", -2, "13:00", "zeynep", "Bizim köyde de durum aynı.", "0202"),
    ("0204", "0101", -1, "09:00", "trol", "Kazanmak için profilimdeki linke tıkla 💰💰", None),
    ("0205", "0102", 0, "13:00", "rojda", "Rojbaş! Xweşik e 🌹", None),
    ("0206", "0102", 0, "14:30", "caglar", "Bu törenler göz boyama, sahada kimse yok!", None),
    ("0207", "0102", 1, "10:00", "elif", "Çok anlamlı bir gündü 🙏", None),
    ("0208", "0103", 2, "10:30", "murat", "Alternatif güzergâh çok uzun, ambulanslar nasıl geçecek?", None),
    ("0209", "0103", 2, "11:00", "trol", "<b>Hepsi yalan</b>, köprü 3 aydır bitmedi 🤡", None),
    ("0210", "0103", 2, "15:00", "ayse", "Belediye ek servis koyacakmış.", "0208"),
    ("0211", "0104", 5, "12:00", "zeynep", "Kızım için başvurdum, teşekkürler.", None),
    ("0212", "0104", 6, "10:00", "mehmet", 'Başvuru linki çalışmıyor <script>alert("x")</script>', None),
    ("0213", "0104", 6, "12:00", "caglar", "Köprü açıldı mı? Kimse bir şey söylemiyor.", None),
]
# fmt: on


def media_id(key: str) -> str:
    """The demo media id for `key`."""
    return f"1790000000000{key}"


def ig_comment_id(key: str) -> str:
    """The demo comment id for `key`."""
    return f"1785000000000{key}"


def add_instagram_demo(s: Scenario) -> None:
    """Add the Instagram account, its media and comments, and 8 moderation actions to `s`."""
    s.instagram_accounts.append(IG_ACCOUNT)
    for key, day, hhmm, caption in MEDIA:
        s.ig_media(_at(s, day, hhmm), IG_ACCOUNT.ig_user_id, media_id(key), caption)
    for key, media, day, hhmm, author, text, parent in COMMENTS:
        s.ig_comment(_at(s, day, hhmm), media_id(media), ig_comment_id(key), IG_USERS[author], text,
                     ig_comment_id(parent) if parent else None)

    # Before the first audit: a spam comment already hidden ("before first seen").
    s.ig_hide(s.day(-1, 15), ig_comment_id("0204"))
    # During the week: 3 hides, 1 unhide, 1 deletion by the account, comments off and on again.
    s.ig_hide(s.day(1, 9), ig_comment_id("0206"))
    s.ig_comments(s.day(3, 10), media_id("0103"), enabled=False)
    s.ig_delete(s.day(3, 11), ig_comment_id("0209"), by="account")
    s.ig_hide(s.day(4, 16), ig_comment_id("0206"), hidden=False)
    s.ig_comments(s.day(6, 9), media_id("0103"), enabled=True)
    s.ig_hide(s.day(6, 17), ig_comment_id("0212"))
    s.ig_hide(s.day(7, 11), ig_comment_id("0213"))


def _at(s: Scenario, day: int, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return s.day(day, hour, minute)
