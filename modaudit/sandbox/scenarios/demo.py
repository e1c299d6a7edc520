"""Built-in scenarios: a governorate's Page, X and Instagram accounts and a municipality's YouTube
channel over one audited week, and a small author-deletion case.

The auditor is expected to run once a day at day(n, hour=23, minute=30) for n in 0..7, so every
action happens between 08:00 and 20:00.
"""

from __future__ import annotations

from datetime import UTC, datetime

from modaudit.sandbox.faults import Fault
from modaudit.sandbox.scenarios.instagram_demo import add_instagram_demo
from modaudit.sandbox.scenarios.x_demo import add_x_demo
from modaudit.sandbox.scenarios.youtube_demo import add_youtube_demo
from modaudit.sandbox.world.scenario import PageSpec, Scenario, User

DEMO_START = datetime(2026, 11, 16, tzinfo=UTC)  # a Monday
PAGE = PageSpec(
    page_id="104857600000001",
    name="Örnek Valiliği",
    token="demo-page-token",  # noqa: S106 - a made-up token only the simulator accepts
)

# fmt: off
USERS = {
    key: User(f"615500000001{number:02d}", name)
    for number, (key, name) in enumerate([
        ("ayse", "Ayşe Yılmaz"), ("mehmet", "Mehmet Öztürk"), ("sukru", "Şükrü Çelik"),
        ("ibrahim", "İbrahim Güneş"), ("gulsen", "Gülşen Doğan"), ("omer", "Ömer Kaya"),
        ("zeynep", "Zeynep Şahin"), ("caglar", "Çağlar Aydın"), ("huseyin", "Hüseyin Koç"),
        ("elif", "Elif Arslan"), ("burak", "Burak Yıldız"), ("sevgi", "Sevgi Özdemir"),
        ("murat", "Murat Kılıç"), ("derya", "Derya Aksoy"), ("aliriza", "Ali Rıza Uğur"),
    ], start=1)
}

# Posts: (number, day, "HH:MM", text). Post ids are "{page_id}_{number}".
POSTS = [
    (5001, -3, "10:00", "Kış tedbirleri kapsamında il genelinde karla mücadele ekiplerimiz 7/24 "
                        "görev başındadır. Yol durumu için Valilik internet sitemizi takip ediniz."),
    (5002, -1, "11:00", "Çevre ve Şehircilik Haftası etkinliklerine tüm vatandaşlarımız "
                        "davetlidir. 📅 20-22 Kasım, Kültür Merkezi."),
    (5003, 0, "09:30", "İlimizde 17 Kasım Pazartesi günü yoğun kar yağışı beklendiğinden okullar "
                       "tatil edilmiştir. Vatandaşlarımızın dikkatli olmaları önemle rica olunur."),
    (5004, 2, "10:00", "Köprü onarım çalışmaları nedeniyle Atatürk Caddesi 25 Kasım'a kadar "
                       "trafiğe kapalı olacaktır. Alternatif güzergâhlar haritada gösterilmiştir."),
    (5005, 4, "14:00", "Öğrencilerimize yönelik 'Güvenli İnternet' seminerleri önümüzdeki hafta "
                       "tüm ilçelerde başlıyor. Başvurular e-Devlet üzerinden alınmaktadır."),
    (5006, 6, "09:00", "Valimiz, Şehitler Mahallesi'ndeki su baskınından etkilenen ailelerimizi "
                       "ziyaret etti. Hasar tespit çalışmaları sürüyor."),
]

# Comments: (comment id, day, "HH:MM", author, text, parent id or None). The post is the id's
# prefix. Banned users do not comment while banned.
COMMENTS = [
    ("5001_101", -3, "11:10", "ayse", "Ekiplere teşekkürler, sabah yollar açıktı 👏", None),
    ("5001_102", -3, "12:40", "mehmet",
     "Köyümüzün yolu hâlâ kapalı, Çığlıca köyüne ne zaman gelinecek?", None),
    ("5001_103", -3, "13:05", "sukru", "Bizim mahallede de durum aynı, ıssız kaldık.", "5001_102"),
    ("5001_104", -2, "09:15", "ibrahim", 'Sayfanız açılmıyor <script>alert("x")</script>', None),
    ("5001_105", -2, "10:20", "gulsen",
     "Tuzlama yapılmayan sokaklar var, Güneşli Sokak buz pistine döndü ❄️🥶", None),
    ("5001_109", -2, "20:00", "huseyin", "Valiye sesimizi duyurun! Üç gündür elektrik yok!", None),
    ("5001_106", -1, "16:00", "omer", "'; DROP TABLE comments; -- kar küremeyi de unuttunuz", None),
    ("5001_107", 0, "08:45", "zeynep", "Emeği geçen herkese teşekkür ederiz 🙏", None),
    ("5001_108", 1, "09:30", "caglar", "Bu açıklamalar göz boyama, sahada kimse yok!", None),

    ("5002_101", -1, "12:00", "elif", "Çocuklarla katılacağız, program saatleri belli mi?", None),
    ("5002_102", -1, "12:30", "burak", "Afişte 10:00'da başlıyor yazıyordu.", "5002_101"),
    ("5002_103", 0, "13:00", "sevgi",
     "<b>kalın</b> harflerle yazayım: OTOPARK YOK, DOĞRU MU?", None),
    ("5002_104", 0, "15:20", "murat",
     "Çevre haftası güzel ama Işıklar Deresi'ne atık akıtılıyor, önce onu çözün.", None),
    ("5002_105", 1, "08:30", "derya", "Geçen yılki etkinlik çok güzeldi, yine geleceğiz 😊", None),
    ("5002_106", 2, "17:00", "aliriza",
     "Engelli erişimi olacak mı? Tekerlekli sandalyeyle giriş var mı?", None),
    ("5002_107", 3, "09:00", "ayse", "Geçen yıl rampa vardı, sorun yaşamadık.", "5002_106"),

    ("5003_101", 0, "09:50", "mehmet", "Çok doğru karar, teşekkürler Sayın Valim.", None),
    ("5003_102", 0, "10:05", "gulsen", "Öğretmenler de izinli mi? Net bilgi verir misiniz?", None),
    ("5003_103", 0, "10:30", "zeynep", "Öğretmenler de idari izinli sayılıyor.", "5003_102"),
    ("5003_104", 0, "11:40", "sukru",
     "Kararı bu kadar geç açıklamak yanlış, servisler yola çıkmıştı!", None),
    ("5003_105", 1, "08:00", "elif", "Yarın da tatil olacak mı acaba? ☃️", None),
    ("5003_106", 1, "12:00", "omer", "Şoförler dikkat: zincir takmayı unutmayın 🚗⛓️", None),
    ("5003_107", 2, "12:30", "caglar",
     "Halkı kandırmayı bırakın, kar küreme aracı mahalleye bir kez uğramadı.", None),
    ("5003_108", 3, "08:00", "burak", "Okullar perşembe açılıyor mu?", None),

    ("5004_101", 2, "10:30", "sevgi",
     "Alternatif güzergâh çok uzun, ambulanslar nasıl geçecek?", None),
    ("5004_102", 2, "11:15", "murat",
     "Köprü çalışması ne zaman bitecek? 25 Kasım'a yetişir mi gerçekten?", None),
    ("5004_103", 2, "14:00", "derya",
     "Geçen sefer de 'iki hafta' denmişti, 3 ay sürdü 🙄", "5004_102"),
    ("5004_104", 3, "09:40", "aliriza", "Esnaf olarak ciddi zarardayız, destek olacak mı?", None),
    ("5004_105", 3, "16:10", "ibrahim",
     "İhale kime verildi? Şeffaflık istiyoruz & hesap soruyoruz.", None),

    ("5005_101", 4, "15:00", "zeynep", "Harika bir girişim, kızım için başvurdum.", None),
    ("5005_102", 4, "16:30", "burak", "Başvuru linki çalışmıyor, e-Devlet'te bulamadım.", None),
    ("5005_103", 4, "17:10", "elif",
     "Eğitim-Öğretim başlığı altında, 'Seminer Başvurusu' diye geçiyor.", "5005_102"),
    ("5005_104", 5, "09:20", "ayse", "Siber zorbalık konusu da işlenecek mi? Çok önemli.", None),
    ("5005_105", 5, "13:00", "sukru",
     "Köy okullarına da gelinecek mi? İğdır'dan Ödemiş'e, Şırnak'tan Çanakkale'ye hepimiz aynı "
     "haklara sahibiz.", None),
    ("5005_106", 6, "10:00", "derya",
     "İnternet bağlantısı olmayan köylerde bu seminerler ne işe yarayacak? 🤔", None),

    ("5006_101", 6, "09:30", "gulsen", "Geçmiş olsun, Allah kimseye yaşatmasın 😢", None),
    ("5006_102", 6, "10:15", "murat",
     "Dere ıslahı yıllardır yapılmadı, bu felaket önceden biliniyordu!", None),
    ("5006_103", 6, "11:00", "aliriza",
     "Aynen, 2019'da da aynısı oldu. Sorumlular hesap vermeli.", "5006_102"),
    ("5006_104", 6, "14:00", "mehmet",
     "Hasar tespiti ne zaman tamamlanacak? Evimiz oturulamaz halde.", None),
    ("5006_105", 7, "09:00", "omer", "AFAD ekipleri sabahtan beri bölgede, teşekkürler.", None),
    ("5006_106", 7, "11:00", "sevgi",
     "Bizim sokakta tespit dün yapıldı, sıranız gelir.", "5006_104"),
]
# fmt: on


def post_id(number: int) -> str:
    """Graph-style post id "{page_id}_{number}" on the demo page."""
    return f"{PAGE.page_id}_{number}"


def _at(s: Scenario, day: int, hhmm: str) -> datetime:
    """Scenario time of day `day` at "HH:MM"."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return s.day(day, hour, minute)


def demo_scenario(start: datetime | None = None) -> Scenario:
    """One Page (six posts, 41 comments from 15 users, 12 moderation actions, 4 faults) and one X
    account (4 tweets, 17 replies from 10 users, 10 moderation actions, 2 faults; see x_demo) and
    one Instagram account (4 media, 13 comments from 8 users, 8 moderation actions; see
    instagram_demo) and one YouTube channel (5 videos, 24 comments from 12 commenters, 10
    moderation actions, a 500 once; see youtube_demo)."""
    s = Scenario(start=start or DEMO_START, pages=[PAGE])
    for number, day, hhmm, text in POSTS:
        s.post(_at(s, day, hhmm), PAGE.page_id, post_id(number), text)
    for comment_id, day, hhmm, author, text, parent_id in COMMENTS:
        post = post_id(int(comment_id.split("_")[0]))
        s.comment(_at(s, day, hhmm), post, comment_id, USERS[author], text, parent_id)

    # Moderation by the page. Before the first audit (day 0, 23:30): one hide and one ban, which
    # the first collection must report as "before first seen".
    s.hide(s.day(-2, 15), "5001_104")  # the <script> comment
    s.ban(s.day(-1, 18), PAGE.page_id, USERS["huseyin"])
    # During the audited week: 3 hides, 1 unhide, 3 deletions (one a reply), 2 bans, 1 unban.
    s.hide(s.day(1, 10), "5002_104")
    s.delete(s.day(2, 9), "5001_106")  # the SQL-looking comment
    s.ban(s.day(2, 16), PAGE.page_id, USERS["caglar"])
    s.hide(s.day(3, 11), "5004_101")
    s.delete(s.day(3, 12), "5003_107")  # on post 5003, whose listing is cut off that night
    s.hide(s.day(4, 11), "5002_104", hidden=False)  # unhides the day-1 hide
    s.ban(s.day(4, 12), PAGE.page_id, USERS["huseyin"], banned=False)
    s.hide(s.day(5, 10), "5004_105")
    s.ban(s.day(6, 12), PAGE.page_id, USERS["murat"])  # while /blocked is throttled
    s.delete(s.day(7, 10), "5006_103")  # a reply, seen on day 6, gone on day 7

    # Faults. None may lead a correct auditor to a false finding.
    s.faults.extend([
        # (a) Day 3: the comments listing of post 5003 (where the page deletes a comment that
        # day) drops the connection from offset 2 on, all day. The listing is incomplete, so it
        # must not be compared; the deletion is found on day 4 against day 2's listing.
        Fault("cutoff", path=f"/{post_id(5003)}/comments", start=s.day(3, 0), end=s.day(4, 0),
              after_items=2),
        # (b) Day 5: a visible, never-moderated comment is left out of listings, with no error.
        # Looking it up by id finds it present and visible: a listing glitch, not a deletion.
        Fault("omit", path="/comments", start=s.day(5, 0), end=s.day(6, 0), item_id="5005_101"),
        # (c) Day 2: one comments listing request answers HTTP 500, once; a retry succeeds.
        Fault("http500", path="/comments", start=s.day(2, 0), end=s.day(3, 0), times=1),
        # (d) Day 6: the ban list is throttled all day (code 32) while the page bans a user, so
        # that night's list is incomplete and the ban is found on day 7.
        Fault("throttle_page", path="/blocked", start=s.day(6, 0), end=s.day(7, 0)),
    ])  # fmt: skip
    add_x_demo(s)
    add_instagram_demo(s)
    add_youtube_demo(s)
    s.validate()
    return s


def author_deletion_scenario(start: datetime | None = None) -> Scenario:
    """One post, three comments; one is deleted by its author on day 1 (no ground truth)."""
    s = Scenario(start=start or DEMO_START, pages=[PAGE])
    post = s.post(
        s.day(-1, 10),
        PAGE.page_id,
        post_id(5101),
        "Valiliğimiz bayram süresince nöbetçi personelle hizmet verecektir.",
    )
    s.comment(s.day(-1, 11), post, "5101_101", USERS["ayse"], "Bilgilendirme için teşekkürler.")
    s.comment(s.day(-1, 12), post, "5101_102", USERS["mehmet"], "Nöbetçi birim hangi binada? 🙈")
    s.comment(s.day(0, 9), post, "5101_103", USERS["elif"], "İyi bayramlar herkese 🌙")
    s.delete(s.day(1, 12), "5101_102", by="author")
    s.validate()
    return s
