"""Words shared by the platforms where an answer under a post is a reply, a post of its own
(X, Bluesky): who wrote it, and the collection warnings said about replies."""

from __future__ import annotations

REPLY_ACTORS = {"tr": {"author": "yanıtın yazarı"}, "en": {"author": "the reply's author"}}

REPLY_WARNINGS = {
    "tr": {"listing_incomplete": "Bazı gönderilerin yanıtları tam alınamadı; bu "
                                 "gönderilerde sonuç çıkarılmadı.",
           "lookup_failed": "Kaybolan bir yanıtın sorgusu başarısız oldu; sonraki gece "
                            "yinelenir.",
           "lookups_deferred": "Sorgu sınırı doldu; kalan yanıtlar sonraki gece sorgulanır.",
           "visibility_glitch": "Bir yanıtın görünürlüğü tutarsız okundu; sonuç "
                                "çıkarılmadı."},
    "en": {"listing_incomplete": "Some posts' replies were listed incompletely; nothing was "
                                 "inferred on them.",
           "lookup_failed": "Looking up a missing reply failed; it is retried next night.",
           "lookups_deferred": "The lookup budget was used up; the remaining replies are "
                               "looked up next night.",
           "visibility_glitch": "A reply's visibility read inconsistently; nothing was "
                                "inferred."},
}
