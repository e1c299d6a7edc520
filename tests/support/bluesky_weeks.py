"""A held-out Bluesky week (not the demo's): a governorship's account over eleven nights, every
record kind of moderation, and the platform's quirks on nights that would mislead a naive audit.

Nights 0..10 at 23:30. Actions (08:00-20:00) and what each night meets:
- day 1: the account blocks Baran (a block record) and hides his reply on p1 (threadgate);
- day 2: p2 gated to mentioned and followed accounts; from day 2 Leyla's reply on p4, the parent
  of another, is shown as notFoundPost (p4's thread unreadable from night 2 on);
- day 3: Baran's quote of p1 detached (postgate); Kemal deletes his own reply; night 3 answers
  every thread with 429;
- day 4: p2's gate narrowed to mentioned accounts only; Baran unblocked; night 5's block listing
  answers 500 however often it is asked, so the unblock is confirmed by nights 4 and 6;
- day 5: a moderation list made and blocked wholesale (listblock);
- day 6: Zeynep and Kemal blocked; Baran's reply shown again; nights 7 and 8 cut the block
  listing after one record (two nights: a trusted cut would unblock Zeynep);
- day 7: p2's gate deleted (replies reopened);
- nights 9 and 10: the threadgate listing answers 500 (trusted, it would reopen and unhide), and
  night 9 leaves Zeynep's block record out of a listing that looks whole.
"""

from __future__ import annotations

from datetime import UTC, datetime

from modaudit.sandbox import Fault, Scenario
from modaudit.sandbox.world.bluesky_actions import BskyActor
from modaudit.sandbox.world.bluesky_ids import did_plc

START = datetime(2026, 3, 2, tzinfo=UTC)
NIGHTS = 11
VALILIK = BskyActor(did_plc("heldout:valilik"), "denetimvaliligi.bsky.social", "Denetim Valiliği",
                    "Denetim Valiliği'nin resmî hesabı.")  # fmt: skip
PEOPLE = {key: BskyActor(did_plc(f"heldout:{key}"), f"{handle}.bsky.social", name)
          for key, handle, name in [
              ("ahmet", "ahmetkarakus", "Ahmet Karakuş"), ("zeynep", "zeynepsonmez", "Zeynep Sönmez"),
              ("hasan", "hasanoguz", "Hasan Oğuz"), ("leyla", "leylaozkan", "Leyla Özkan"),
              ("baran", "barankaraca", "Baran Karaca"), ("sibel", "sibelgunes", "Sibel Güneş"),
              ("kemal", "kemalirmak", "Kemal Irmak"), ("spam1", "bedavatakipci", "Bedava Takipçi"),
              ("spam2", "hizlikazan", "Hızlı Kazan 💸")]}


def night(s: Scenario, day: int) -> datetime:
    """When the audit of `day` runs."""
    return s.day(day, 23, 30)


def valilik_week() -> tuple[Scenario, dict[str, str]]:
    """The scenario and the at-uris of its posts, replies, quotes, list and block records by key."""
    s = Scenario(start=START, pages=[], bluesky_accounts=[VALILIK])
    p = PEOPLE
    u: dict[str, str] = {}
    u["p1"] = s.bsky_post(s.day(-2, 9), VALILIK, "İl genelinde okullar yarın tatil. ❄️")
    u["p2"] = s.bsky_post(s.day(-1, 9), VALILIK, "Aşı kampanyası 10 Mart'ta başlıyor.")
    u["p3"] = s.bsky_post(s.day(0, 9), VALILIK, "Kayıp eşya bürosu taşındı.")
    u["p4"] = s.bsky_post(s.day(-1, 10), VALILIK, "Trafik düzenlemesi hakkında bilgilendirme.")
    replies = [("r1", -2, 11, "ahmet", "Bilgi için teşekkürler.", "p1"),
               ("r2", -1, 12, "baran", "Valilik her zamanki gibi geç kaldı 😡", "p1"),
               ("r3", -1, 13, "zeynep", "Özel okullar da dahil mi?", "p1"),
               ("r3a", -1, 14, "leyla", "Evet, hepsi dahil.", "r3"),
               ("r4", -1, 15, "hasan", "Randevu nereden alınıyor?", "p2"),
               ("r5", 0, 10, "sibel", "Köylere mobil ekip gelecek mi?", "p2"),
               ("r6", 0, 11, "kemal", "Yeni adres neresi, yanlış yazdım.", "p3"),
               ("r7", 0, 12, "ahmet", "Haritada göremedim.", "p3"),
               ("r8", -1, 16, "leyla", "Kavşak çok tehlikeli.", "p4"),
               ("r8a", -1, 17, "zeynep", "Kesinlikle katılıyorum.", "r8")]
    for key, day, hour, who, text, parent in replies:
        u[key] = s.bsky_post(s.day(day, hour), p[who], text, reply_to=u[parent])
    u["q1"] = s.bsky_post(s.day(1, 10), p["baran"], "Şu açıklamaya bakın 🤡", quote_of=u["p1"])

    u["block_baran"] = s.bsky_block(s.day(1, 14), VALILIK.did, p["baran"])
    s.bsky_hide_reply(s.day(1, 15), u["p1"], u["r2"])
    s.bsky_threadgate(s.day(2, 11), u["p2"], ("mention", "following"))
    s.bsky_appear_as(s.day(2, 12), u["r8"], "notFound")
    s.bsky_detach_quote(s.day(3, 10), u["p1"], u["q1"])
    s.bsky_delete(s.day(3, 12), u["r6"])
    s.bsky_threadgate(s.day(4, 10), u["p2"], ("mention",))
    s.bsky_block(s.day(4, 13), VALILIK.did, p["baran"], blocked=False)
    u["list"] = s.bsky_list(s.day(5, 12), VALILIK.did, "Spam hesapları", (p["spam1"], p["spam2"]),
                            "Reklam ve sahte takipçi hesapları.")  # fmt: skip
    s.bsky_listblock(s.day(5, 12, 5), VALILIK.did, u["list"])
    u["block_zeynep"] = s.bsky_block(s.day(6, 10), VALILIK.did, p["zeynep"])
    u["block_kemal"] = s.bsky_block(s.day(6, 10, 30), VALILIK.did, p["kemal"])
    s.bsky_hide_reply(s.day(6, 15), u["p1"], u["r2"], hidden=False)
    s.bsky_threadgate(s.day(7, 10), u["p2"], None, delete=True)

    def whole_night(n: int) -> dict[str, datetime]:
        return {"start": s.day(n, 21), "end": s.day(n + 1, 2)}
    blocks = "/xrpc/com.atproto.repo.listRecords/app.bsky.graph.block"
    gates = "/xrpc/com.atproto.repo.listRecords/app.bsky.feed.threadgate"
    s.faults.extend([
        Fault("xrpc_rate_limit", path="/xrpc/app.bsky.feed.getPostThread", reset_after=0.2,
              **whole_night(3)),
        Fault("http500", path=blocks, **whole_night(5)),
        Fault("cutoff", path=blocks, after_items=1, **whole_night(7)),
        Fault("cutoff", path=blocks, after_items=1, **whole_night(8)),
        Fault("http500", path=gates, **whole_night(9)),
        Fault("http500", path=gates, **whole_night(10)),
        Fault("omit", item_id=u["block_zeynep"], **whole_night(9)),
    ])  # fmt: skip
    s.validate()
    return s, u


def config_text(db_url: str, base_url: str) -> str:
    """A modaudit.toml auditing the account from outside: a DID and a handle, no secret at all."""
    return "\n".join([
        "[database]", f'url = "{db_url}"',
        "[bluesky]", f'appview_url = "{base_url}"', f'plc_url = "{base_url}"',
        "[collect]", "timeout_seconds = 2.0", "max_retries = 2", "backoff_seconds = 0.01",
        f"recheck_days = {list(range(1, 31))}",
        "[[accounts]]", 'name = "valilik-bsky"', 'platform = "bluesky"',
        f'account_id = "{VALILIK.did}"', f'handle = "{VALILIK.handle}"',
        'institution = "Denetim Valiliği"', 'managers = ["yonetici@example.gov.tr"]', ""])
