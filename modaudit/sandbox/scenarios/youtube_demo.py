"""The demo's YouTube channel: a municipality's five videos and a week of holds, rejections and limits.

Every action happens between 08:00 and 20:00; the auditor runs at day(n, 23, 30) for n in 0..7.
Every moderation action acts on a comment or video an audit night has already seen.
"""

from __future__ import annotations

from datetime import UTC, datetime

from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.scenario import Scenario
from modaudit.sandbox.world.youtube import YTAuthor, YTChannelSpec

YT_DEMO_START = datetime(2026, 11, 16, tzinfo=UTC)  # a Monday, as the demo's other accounts
YT_CHANNEL = YTChannelSpec(
    channel_id="UCOrnekBelediyesi0000001",
    title="Örnek Belediyesi",
    handle="@ornekbelediyesi",
    description="Örnek Belediyesi'nin resmî YouTube kanalı.",
    client_id="000000000000-demo.apps.googleusercontent.com",
    # Made-up credentials only the simulator accepts.
    client_secret="GOCSPX-demo-client-secret",  # noqa: S106
    refresh_token="1//0demo-refresh-token",  # noqa: S106
)

# fmt: off
YT_AUTHORS = {
    key: YTAuthor(f"UCdemoIzleyici{number:02d}00000000", handle)
    for number, (key, handle) in enumerate([
        ("ayse", "@aysecinar61"), ("mehmet", "@mehmetozturk"), ("sukru", "@sukrucelik"),
        ("spam", "@kriptofirsat"), ("trol", "@gerceklerburada"), ("gulsen", "@gulsendogan"),
        ("caglar", "@caglaraydin"), ("murat", "@muratkilic"), ("elif", "@elifarslan"),
        ("rojda", "@rojdademir"), ("zeynep", "@zeynepsahin"), ("ibrahim", "@ibrahimgunes"),
    ], start=1)
}

# Videos: (key, day, "HH:MM", title, description).
VIDEOS = [
    ("v1", -3, "10:00", "Karla mücadele çalışmalarımız ❄️",
     "Ekiplerimiz 7/24 görev başında. Yol durumu için internet sitemizi takip ediniz."),
    ("v2", -1, "12:00", "Kasım ayı olağan meclis toplantısı",
     "Belediye meclisimizin Kasım ayı toplantısının tam kaydı."),
    ("v3", 1, "09:00", "Atatürk Caddesi köprü onarımı hakkında bilgilendirme",
     "Cadde 25 Kasım'a kadar trafiğe kapalıdır. Alternatif güzergâhlar açıklamada."),
    ("v4", 3, "11:00", "Şehitler Mahallesi kreşimiz açıldı 🎈",
     "Kayıtlar Zabıta binasındaki başvuru masasından alınmaktadır."),
    ("v5", 5, "10:00", "Su kesintisi duyurusu 💧", "Ana isale hattındaki arıza nedeniyle."),
]

# Comments: (key, video key, day, "HH:MM", author, text, parent key or None, likely spam).
# Nobody comments on v3 while its comments are off (day 2 10:00 to day 5 09:00), nor on v5 after
# day 6 10:00; the banned @gerceklerburada's day-5 comment is rejected on arrival (never seen).
COMMENTS = [
    ("c01", "v1", -3, "11:00", "ayse", "Ekiplere teşekkürler, sabah yollar açıktı 👏", None, False),
    ("c02", "v1", -3, "12:30", "mehmet", "Çığlıca köyünün yolu hâlâ kapalı, ne zaman gelinecek?",
     None, False),
    ("c03", "v1", -3, "13:00", "sukru", "Bizim mahallede de durum aynı, ıssız kaldık.", "c02", False),
    ("c04", "v1", -2, "09:00", "spam", "Kazanmak için tıkla 👉 bedava coin kripto.example", None,
     True),
    ("c05", "v2", -1, "14:00", "trol", "Meclis tam bir rezalet, hepiniz istifa edin 😡", None, False),
    ("c06", "v2", -1, "15:00", "gulsen", "Gündem maddelerinin listesi nerede yayımlandı?", None,
     False),
    ("c07", "v2", 0, "10:00", "caglar", "Bütçe görüşmesi neden <b>5 dakika</b> sürdü?", None, False),
    ("c08", "v2", 0, "11:00", "murat", "Aynen, hiçbir şey tartışılmadı.", "c07", False),
    ("c09", "v3", 1, "10:00", "elif", "Alternatif güzergâh çok uzun, ambulanslar nasıl geçecek?",
     None, False),
    ("c10", "v3", 1, "11:00", "trol", "Köprü 3 aydır bitmedi, göz boyama!", None, False),
    ("c11", "v3", 1, "12:00", "ayse", "Belediye ek servis koyacakmış, duyuruldu.", "c09", False),
    ("c12", "v4", 3, "12:00", "rojda", "Kreş ücretleri ne kadar olacak?", None, False),
    ("c13", "v4", 3, "13:00", "zeynep", "Çok güzel bir hizmet, teşekkürler 🙏", None, False),
    ("c14", "v4", 4, "09:30", "mehmet", "Kayıtlar ne zaman başlıyor? Telefonlara kimse bakmıyor.",
     None, False),
    ("c15", "v4", 5, "10:30", "trol", "Kreş de bitmeden açıldı, yine şov!", None, False),
    ("c16", "v5", 5, "11:00", "gulsen", "Kesinti kaç saat sürecek?", None, False),
    ("c17", "v5", 6, "09:00", "caglar", "Yine mi kesinti? Her ay aynı şey.", None, False),
    # Seven answers under c06: more than the five a thread inlines, so comments.list pages them.
    ("c18", "v2", 0, "09:00", "ayse", "Belediyenin sitesinde, duyurular bölümünde.", "c06", False),
    ("c19", "v2", 0, "09:10", "ibrahim", "Orada da yalnızca başlıklar var.", "c06", False),
    ("c20", "v2", 0, "09:20", "rojda", "Tam metin e-Belediye'de var.", "c06", False),
    ("c21", "v2", 0, "09:30", "murat", "Bağlantı paylaşabilir misiniz?", "c06", False),
    ("c22", "v2", 0, "09:40", "elif", "Ben de bulamadım.", "c06", False),
    ("c23", "v2", 0, "09:50", "zeynep", "Muhtarlıkta asılı olarak da var.", "c06", False),
    ("c24", "v2", 0, "10:05", "gulsen", "Teşekkürler, buldum 👍", "c06", False),
]
# fmt: on


def yt_video_id(key: str) -> str:
    """The demo id of video "v1".."v5": eleven characters, like YouTube's."""
    return f"OrnBelVd{int(key[1:]):03d}"


def yt_comment_id(key: str) -> str:
    """The demo id of comment "c01".."c24"; a reply's id is its parent's, a dot and its own."""
    parent = next((p for k, _, _, _, _, _, p, _ in COMMENTS if k == key), None)
    own = f"UgxOrnekYorum{int(key[1:]):03d}4AaABAg"
    return own if parent is None else f"{yt_comment_id(parent)}.9y{int(key[1:]):03d}OrnekYanit"


def add_youtube_demo(s: Scenario, *, faults: bool = True) -> None:
    """Add the demo channel, its videos, comments, moderation and (optionally) faults to `s`."""
    s.youtube_channels.append(YT_CHANNEL)
    channel = YT_CHANNEL.channel_id
    for key, day, hhmm, title, description in VIDEOS:
        s.yt_video(_at(s, day, hhmm), channel, yt_video_id(key), title, description)
    for key, video, day, hhmm, author, text, parent, spam in COMMENTS:
        s.yt_comment(_at(s, day, hhmm), yt_video_id(video), yt_comment_id(key), YT_AUTHORS[author],
                     text, yt_comment_id(parent) if parent else None, likely_spam=spam)

    # c04 sits in likelySpam from the start (YouTube's own filter): state, never a finding.
    s.yt_hold(s.day(1, 14), yt_comment_id("c05"))  # hidden
    s.yt_comments(s.day(2, 10), yt_video_id("v3"), enabled=False)  # restricted
    s.yt_reject(s.day(2, 16), yt_comment_id("c07"))  # gone (its answer c08 with it)
    s.yt_author_delete(s.day(3, 15), yt_comment_id("c02"))  # gone, by its author (c03 with it)
    s.yt_reject(s.day(4, 14), yt_comment_id("c05"), ban_author=True)  # the held one, then gone
    s.yt_comments(s.day(5, 9), yt_video_id("v3"), enabled=True)  # reopened
    s.yt_hold(s.day(5, 15), yt_comment_id("c14"))  # hidden ...
    s.yt_approve(s.day(6, 12), yt_comment_id("c14"))  # ... and unhidden
    s.yt_comments(s.day(6, 10), yt_video_id("v5"), enabled=False)  # restricted, stays off
    s.yt_hold(s.day(6, 17), yt_comment_id("c21"))  # a reply held: hidden

    if faults:
        # Day 3: one commentThreads request answers 500 backendError; a retry (or the next
        # night) sees the listing, and nothing is inferred from the failed one.
        s.faults.append(
            Fault("http500", path="/youtube/v3/commentThreads", start=s.day(3, 0), end=s.day(4, 0),
                  times=1)
        )


def youtube_demo_scenario(start: datetime | None = None, *, faults: bool = True) -> Scenario:
    """The demo channel's week on its own (no Page, X or Instagram account)."""
    s = Scenario(start=start or YT_DEMO_START, pages=[])
    add_youtube_demo(s, faults=faults)
    s.validate()
    return s


def _at(s: Scenario, day: int, hhmm: str) -> datetime:
    """Scenario time of day `day` at "HH:MM"."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return s.day(day, hour, minute)
