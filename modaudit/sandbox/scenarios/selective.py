"""Scenarios for the selective-moderation analysis: many comments, moderated uniformly or with bias.

Comments are built from sentence parts in a realistic mix: mostly Turkish, some Kurmanji Kurdish,
Arabic and English, some emoji only; Turkish and English ones may carry a topic (politics,
religion, ethnic groups, disability, health) and, independently, criticism of the institution.
Each comment is hidden or deleted by the page with a base probability; in the biased scenario
Kurdish-language and critical comments are moderated `factor` times as often. The texts are
drawn from a bounded set of combinations, so analyses can cache per text across many seeds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from modaudit.sandbox.world.scenario import PageSpec, Scenario, User

SELECTIVE_PAGE = PageSpec(page_id="900300", name="Örnek Valiliği",
                          token="page-token-selective-5b1e")  # noqa: S106 - only the simulator's
SELECTIVE_START = datetime(2026, 11, 16, tzinfo=UTC)
POSTS = 10
LANGUAGE_MIX = (("tr", 0.71), ("ku", 0.15), ("ar", 0.07), ("en", 0.07))  # commenters' languages
EMOJI_SHARE = 0.06  # comments of emoji only, by anyone
TOPIC_SHARE = 0.35  # of Turkish and English comments
CRITICAL_SHARE = 0.20  # of Turkish and English comments, independent of the topic
REPLY_SHARE = 0.10

TR_BASE = (
    "Yol çalışması ne zaman bitecek?", "Mahallemizde dün akşamdan beri su kesintisi var.",
    "Bu duyuru için teşekkür ederiz.", "Köprü inşaatı hakkında bilgi verir misiniz?",
    "Okulların açılış tarihi belli oldu mu?", "Otobüs seferleri hafta sonu da devam edecek mi?",
    "Parkın bakımı ne zaman yapılacak?", "Başvuru formunu nereden alabiliriz?",
    "Meydandaki etkinlik saat kaçta başlıyor?", "Kar yağışı yüzünden okullar tatil mi?",
    "Sokağımızdaki lambalar bir haftadır yanmıyor.", "Kütüphane cumartesi günü açık mı?",
)
TR_TOPICS = {
    "politics": ("AKP ve CHP bu konuda ne düşünüyor?", "Milletvekilimiz bu konuyu Meclise taşısın.",
                 "Seçim öncesi verilen sözler unutulmasın.", "Muhalefet partileri de açıklama yapsın."),
    "religion": ("Cuma namazından sonra caminin önü çok kalabalık oluyor.", "Allah razı olsun.",
                 "Ramazan ayında iftar saatlerine dikkat edilsin.", "Cemevi için de düzenleme yapılsın."),
    "ethnicity": ("Suriyeli aileler de bilgilendirilsin.", "Kürtçe duyuru da yapılsın lütfen.",
                  "Mülteci çocuklar için de kurs açılsın.", "Arapça tercüme de eklenirse iyi olur."),
    "disability": ("Engelli vatandaşlar binaya giremiyor.", "Tekerlekli sandalye ile geçmek imkânsız.",
                   "Görme engelli bireyler için sesli duyuru olsun.",
                   "Otizmli çocuklar için etkinlik düzenlensin."),
    "health": ("Hastaneden randevu bulmak çok zor.", "Aile hekimi hafta sonu açık mı?",
               "Aşı kampanyası ne zaman başlıyor?", "Eczanelerde ilaç bulunamıyor."),
}
TR_CRITICAL = ("Bu tam bir rezalet!", "Yetkililer istifa etsin.", "İSTİFA!", "Yazıklar olsun size.",
               "Şikayetlerimize hiç cevap verilmiyor.", "Bu ihmalin hesabını verin.")
EN_BASE = ("When will the road works be finished?", "Thank you for the announcement.",
           "Is the library open on Saturday?", "Where can we find the application form?",
           "The street lights on our road have not worked for a week.",
           "Will the buses run this weekend as well?")
EN_TOPICS = {
    "politics": ("What do the political parties say about this?", "The opposition should comment too."),
    "religion": ("The mosque area is crowded every Friday.", "Please consider the prayer times."),
    "ethnicity": ("Please inform the Syrian families too.", "Refugee children need courses as well."),
    "disability": ("There is no access for wheelchair users.", "Disabled citizens cannot enter."),
    "health": ("The hospital appointment system is down.", "When does the vaccination start?"),
}
EN_CRITICAL = ("This is a disgrace.", "The officials should resign.", "Nobody answers our complaints.")
KU_SENTENCES = (
    "Rêya gund hê jî xerab e, kengê çêdikin?", "Spas ji bo agahiyê, em li benda xebatê ne.",
    "Kengê dest bi xebatê dikin?", "Ava gundê me sê roj in tune ye.",
    "Zarokên me dixwazin li dibistanê bi zimanê dayikê bixwînin.",
    "Em dixwazin ku otobûs her roj were gundê me.", "Ji kerema xwe agahiyên zêdetir bidin.",
    "Sibê civîn li kû derê ye?", "Roja we xweş be, spas ji bo xizmeta we.",
    "Ez ji vê biryarê ne razî me, divê rêveberî guh bide gel.",
)
AR_SENTENCES = (
    "متى سينتهي العمل في الطريق؟", "شكرا جزيلا على هذه المعلومات المفيدة.",
    "نرجو نشر الإعلانات باللغة العربية أيضا.", "أين يمكننا الحصول على استمارة الطلب؟",
    "الماء مقطوع في حينا منذ ثلاثة أيام.", "هل المكتبة مفتوحة يوم السبت؟",
)
EMOJI = ("👍", "👏👏👏", "🙏", "❤️", "😡😡", "🇹🇷", "👍👍", "😂", "🙂🙂", "👏🇹🇷")
TR_REPLIES = ("Katılıyorum.", "Aynen öyle.", "Bizde de durum aynı.", "Teşekkürler bilgi için.")
_FIRST = ("Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Rojda", "Berfin", "Ahmed", "Fatma", "Deniz",
          "Hüseyin", "Şilan", "Emre", "Leyla", "John", "Merve", "Ömer", "Nuray", "Baran", "Yusuf")
_LAST = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç",
         "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Tekin", "Bulut")


@dataclass(frozen=True)
class Draft:
    """A generated comment before it is placed in the scenario, with what the generator intended."""

    comment_id: str
    post_id: str
    author: User
    language: str  # tr | ku | ar | en | emoji
    topic: str | None
    critical: bool
    message: str
    parent_id: str | None


def biased_scenario(seed: int, *, comments: int = 1000, base_rate: float = 0.05, factor: float = 5.0,
                    bans: int = 4) -> Scenario:
    """Kurdish-language and critical comments moderated at `factor` × the base rate; bans of
    authors who wrote in Kurdish."""
    def rate(draft: Draft) -> float:
        return base_rate * factor if draft.language == "ku" or draft.critical else base_rate
    return _scenario(seed, comments, rate, bans, lambda d: d.language == "ku")


def uniform_scenario(seed: int, *, comments: int = 1000, base_rate: float = 0.05,
                     bans: int = 4) -> Scenario:
    """Every comment moderated with the same probability; bans of authors chosen at random."""
    return _scenario(seed, comments, lambda _draft: base_rate, bans, lambda _draft: True)


def _scenario(seed: int, count: int, rate: Callable[[Draft], float], bans: int,
              bannable: Callable[[Draft], bool]) -> Scenario:
    rng = random.Random(seed)
    scenario = Scenario(start=SELECTIVE_START, pages=[SELECTIVE_PAGE])
    page = SELECTIVE_PAGE.page_id
    post_ids = [f"{page}_{n}" for n in range(1, POSTS + 1)]
    for n, post_id in enumerate(post_ids):
        scenario.post(scenario.day(-8, 9, n), page, post_id, f"Duyuru {n + 1}: hizmetlerimiz hakkında")
    drafts = _drafts(rng, count, post_ids)
    first = scenario.day(-7, 8)
    for n, draft in enumerate(drafts):  # in id order, a minute or more apart, all before day -1 ends
        scenario.comment(first + timedelta(minutes=8 * n), draft.post_id, draft.comment_id,
                         draft.author, draft.message, parent_id=draft.parent_id)
    has_replies = {d.parent_id for d in drafts if d.parent_id}
    for draft in drafts:
        if rng.random() >= rate(draft):
            continue
        at = scenario.day(0, 8) + timedelta(minutes=rng.randrange(12 * 60))
        # Deleting a comment takes its replies with it; those are hidden instead.
        if draft.comment_id in has_replies or rng.random() < 0.7:
            scenario.hide(at, draft.comment_id)
        else:
            scenario.delete(at, draft.comment_id, by="page")
    candidates = sorted({d.author for d in drafts if bannable(d)},
                        key=lambda user: user.user_id)
    for user in rng.sample(candidates, min(bans, len(candidates))):
        scenario.ban(scenario.day(0, 12), page, user)
    return scenario


def _drafts(rng: random.Random, count: int, post_ids: list[str]) -> list[Draft]:
    languages, weights = zip(*LANGUAGE_MIX, strict=True)
    # About three comments per commenter; each commenter writes in one language.
    authors: dict[str, list[User]] = {}
    for language, share in LANGUAGE_MIX:
        authors[language] = [
            User(f"71{len(authors)}{n:04d}", f"{rng.choice(_FIRST)} {rng.choice(_LAST)}")
            for n in range(max(1, round(share * count / 3)))]
    drafts: list[Draft] = []
    top_level: list[Draft] = []
    for n in range(count):
        comment_id = f"{8_000_000 + n}"
        home = rng.choices(languages, weights)[0]
        author = rng.choice(authors[home])
        if top_level and rng.random() < REPLY_SHARE:  # a reply to a recent comment
            parent = rng.choice(top_level[-20:])
            drafts.append(Draft(comment_id, parent.post_id, author, "tr", None, False,
                                rng.choice(TR_REPLIES), parent.comment_id))
            continue
        language = "emoji" if rng.random() < EMOJI_SHARE else home
        topic, critical, message = _message(rng, language)
        top_level.append(Draft(comment_id, rng.choice(post_ids), author, language, topic, critical,
                               message, None))
        drafts.append(top_level[-1])
    return drafts


def _message(rng: random.Random, language: str) -> tuple[str | None, bool, str]:
    """(topic, critical, text) of one comment in `language`."""
    if language == "ku":
        return None, False, " ".join(rng.sample(KU_SENTENCES, 2))
    if language == "ar":
        return None, False, " ".join(rng.sample(AR_SENTENCES, 2))
    if language == "emoji" or language not in ("tr", "en"):
        return None, False, rng.choice(EMOJI)
    base, topics, critical_parts = ((TR_BASE, TR_TOPICS, TR_CRITICAL) if language == "tr"
                                    else (EN_BASE, EN_TOPICS, EN_CRITICAL))
    parts = [rng.choice(base)]
    topic = rng.choice(sorted(topics)) if rng.random() < TOPIC_SHARE else None
    if topic:
        parts.append(rng.choice(topics[topic]))
    critical = rng.random() < CRITICAL_SHARE
    if critical:
        parts.append(rng.choice(critical_parts))
    return topic, critical, " ".join(parts)
