"""The demo's X account: four tweets, replies from ten users, a week of blocks, mutes and limits.

Every action happens between 08:00 and 20:00; the auditor runs at day(n, 23, 30) for n in 0..7.
"""

from __future__ import annotations

from datetime import datetime

from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.scenario import Scenario
from modaudit.sandbox.world.x import XAccountSpec, XUser

X_ACCOUNT = XAccountSpec(
    user_id="1590000000000000001",
    username="ornekvaliligi",
    name="Örnek Valiliği",
    consumer_key="demo-consumer-key",
    consumer_secret="demo-consumer-secret",  # noqa: S106 - made-up secrets only the simulator knows
    # X access tokens start with the user id and a dash; tweepy reads the id from there.
    access_token="1590000000000000001-demo-access-token",  # noqa: S106
    access_token_secret="demo-access-token-secret",  # noqa: S106
    oauth2_user_token="demo-oauth2-user-token",  # noqa: S106
    app_bearer_token="demo-app-bearer-token",  # noqa: S106
)

# fmt: off
X_USERS = {
    key: XUser(f"16000000000000001{number:02d}", username, name)
    for number, (key, username, name) in enumerate([
        ("ayse", "aysecinar_61", "Ayşe Çınar"), ("mehmet", "mehmetozturk", "Mehmet Öztürk"),
        ("sukru", "sukrucelik", "Şükrü Çelik"), ("spam", "kripto_firsat", "Kripto Fırsat 💰"),
        ("trol", "gercekler_burada", "Gerçekler Burada 🔥"),
        ("belediye", "ornekbelediyesi", "Örnek Belediyesi"), ("gulsen", "gulsendogan", "Gülşen Doğan"),
        ("caglar", "caglar_aydin", "Çağlar Aydın"), ("murat", "muratkilic", "Murat Kılıç"),
        ("elif", "elifarslan", "Elif Arslan"),
    ], start=1)
}

# Institution tweets: (key, day, "HH:MM", text, reply settings at creation).
TWEETS = [
    ("t1", -3, "10:00", "Kış tedbirleri kapsamında karla mücadele ekiplerimiz 7/24 görev başında. "
                        "Yol durumu için internet sitemizi takip ediniz. ❄️", "everyone"),
    ("t2", -1, "12:00", "Yarın saat 10:00'da @ornekbelediyesi ile ortak deprem tatbikatı "
                        "yapılacaktır. Siren sesleri tatbikat amaçlıdır.", "mentionedUsers"),
    ("t3", 1, "09:00", "Köprü onarımı nedeniyle Atatürk Caddesi 25 Kasım'a kadar trafiğe "
                       "kapalıdır. Alternatif güzergâhlar haritada.", "everyone"),
    ("t4", 4, "10:00", "'Güvenli İnternet' seminerlerine başvurular e-Devlet üzerinden "
                       "başladı. 💻", "everyone"),
]

# Replies: (key, day, "HH:MM", author, text, replied-to key). Blocked users do not reply while
# blocked; nobody replies to a tweet while its replies are restricted (t2: only the mentioned
# @ornekbelediyesi; t3: day 2 11:00 to day 6 10:00).
REPLIES = [
    ("r01", -3, "11:00", "ayse", "Ekiplere teşekkürler 👏 sabah yollar açıktı.", "t1"),
    ("r02", -3, "12:30", "mehmet", "Çığlıca köyünün yolu hâlâ kapalı, ne zaman gelinecek?", "t1"),
    ("r03", -3, "13:00", "sukru", "Bizim mahallede de durum aynı, ıssız kaldık.", "r02"),
    ("r04", -2, "09:00", "spam",
     "Kazanmak için tıkla 👉 <a href='http://kripto.example'>bedava coin</a>", "t1"),
    ("r05", -1, "16:00", "trol", "Hepsi yalan, sahada kimse yok 😡", "t1"),
    ("r06", -1, "13:00", "belediye", "Ekiplerimiz tatbikata hazır 💪", "t2"),
    ("r07", 1, "09:40", "gulsen", "Alternatif güzergâh çok uzun, ambulanslar nasıl geçecek?", "t3"),
    ("r08", 1, "10:30", "caglar", "<b>Göz boyama</b> bunlar, köprü 3 aydır bitmedi!", "t3"),
    ("r09", 1, "11:15", "murat", "Esnaf olarak zarardayız & destek bekliyoruz.", "t3"),
    ("r10", 1, "12:00", "trol", "Valilik yine uyuyor 🤡", "t3"),
    ("r11", 1, "15:00", "elif", "Belediye ek servis koyacakmış, duyuruldu.", "r07"),
    ("r12", 4, "11:00", "ayse", "Kızım için başvurdum, teşekkürler 🙏", "t4"),
    ("r13", 4, "11:30", "mehmet", 'Başvuru linki çalışmıyor <script>alert("x")</script>', "t4"),
    ("r14", 4, "11:45", "gulsen",
     "Köy okullarına da gelinecek mi? İğdır'dan Şırnak'a hepimiz aynı haklara sahibiz.", "t4"),
    ("r15", 5, "09:30", "elif", "Siber zorbalık konusu da işlenecek mi? Çok önemli.", "t4"),
    ("r16", 5, "15:00", "trol", "Asıl zorbalık sizsiniz 😂", "r15"),
    ("r17", 6, "12:00", "sukru", "Nihayet yanıtlar açıldı. Köprü ne zaman bitecek?", "t3"),
]
# fmt: on


def tweet_id(key: str) -> str:
    """The demo id of tweet "t1".."t4" or reply "r01".."r17" (ids grow with time, like X's)."""
    number = int(key[1:])
    return f"18610000000000000{number:02d}" if key[0] == "t" else f"18620000000000001{number:02d}"


def add_x_demo(s: Scenario) -> None:
    """Add the demo X account, its tweets, replies, moderation and faults to scenario `s`."""
    s.x_accounts.append(X_ACCOUNT)
    account = X_ACCOUNT.user_id
    for key, day, hhmm, text, settings in TWEETS:
        s.tweet(_at(s, day, hhmm), account, tweet_id(key), text, settings)
    for key, day, hhmm, author, text, parent in REPLIES:
        s.reply(_at(s, day, hhmm), tweet_id(key), tweet_id(parent), X_USERS[author], text)

    # Before the first audit: one block, one mute (t2 is restricted from its creation).
    s.x_block(s.day(-2, 14), account, X_USERS["spam"])
    s.x_mute(s.day(-1, 17), account, X_USERS["trol"])
    # During the week: 2 blocks, 1 unblock, 1 mute, 1 unmute, t3 restricted and reopened.
    s.x_block(s.day(1, 14), account, X_USERS["caglar"])
    s.set_reply_settings(s.day(2, 11), tweet_id("t3"), "following")
    s.x_block(s.day(3, 16), account, X_USERS["spam"], blocked=False)
    s.x_block(s.day(4, 12), account, X_USERS["mehmet"])  # while /blocking answers one 429
    s.x_mute(s.day(5, 13), account, X_USERS["gulsen"])  # while /muting is rate limited all day
    s.set_reply_settings(s.day(6, 10), tweet_id("t3"), "everyone")
    s.x_mute(s.day(7, 11), account, X_USERS["trol"], muted=False)
    # Replies deleted by their authors: recorded by an auditor, never flagged.
    s.delete_tweet(s.day(2, 18), tweet_id("r09"), by="author")
    s.delete_tweet(s.day(5, 19), tweet_id("r16"), by="author")

    s.faults.extend([
        # (e) Day 4: one blocking request answers 429 with a reset 0.5 s ahead; a collector
        # waits that long, retries, and finds that day's block the same night.
        Fault("x_rate_limit", path="/blocking", start=s.day(4, 0), end=s.day(5, 0), times=1,
              reset_after=0.5),
        # (f) Day 5: every muting request answers 429 without x-rate-limit-reset (tweepy's own
        # wait_on_rate_limit would spin). That night's list is missing, so the day-5 mute is
        # found on day 6.
        Fault("x_rate_limit_no_reset", path="/muting", start=s.day(5, 0), end=s.day(6, 0)),
    ])  # fmt: skip


def _at(s: Scenario, day: int, hhmm: str) -> datetime:
    """Scenario time of day `day` at "HH:MM"."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return s.day(day, hour, minute)
