"""Comment features: Turkish-aware lexicon matching and offline language identification."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.features import UNDETERMINED, built_in_lexicon, features_of, identify_language
from analysis.lexicon import Lexicon, deployment_lexicon, fold, load_lexicon, words
from modaudit.config import ConfigError, parse_config


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    """The built-in lexicons plus a deployment group naming the institution."""
    extended = load_lexicon()
    extended.add({"institution": {"terms": ["valilik*", "vali", "valim", "kaymakamlık*"]}}, "test")
    return extended


def test_folding_is_turkish_aware_and_ignores_diacritics() -> None:
    assert fold("İSTİFA") == fold("ISTIFA") == fold("İstifa") == fold("istifa") == "istifa"
    assert fold("Valiliğin") == "valiligin"
    assert fold("ŞĞÇÖÜ şğçöü") == "sgcou sgcou"
    assert fold("Kurdî û êzîdî") == "kurdi u ezidi"
    assert fold("أَحْمَد") == "احمد"  # Arabic vowel marks and hamza dropped
    assert words("AKP'nin ve CHP’ye") == [("akp", "akpnin"), ("ve",), ("chp", "chpye")]


@pytest.mark.parametrize("text", [
    "valiliğin", "Valiliğe", "VALİLİĞİN açıklaması", "Valiliğimiz", "valiligin",
    "Sayın Valim,", "Kaymakamlığa sorduk",
])
def test_inflected_institution_names_match(lexicon: Lexicon, text: str) -> None:
    assert "institution" in lexicon.topics_of(text)


@pytest.mark.parametrize("text", [
    "İstifa", "ISTIFA", "istifa!", "İSTİFA!!!", "Istıfa edin", "istifaya davet ediyoruz",
    "Bu tam bir rezalet", "yazıklar olsun", "Şikâyetimize cevap yok", "sikayetimize cevap yok",
    "Resign now!", "What a disgrace", "ihmalin hesabını verin",
])
def test_criticism_markers_match_in_any_case_and_spelling(lexicon: Lexicon, text: str) -> None:
    assert "criticism" in lexicon.topics_of(text)


@pytest.mark.parametrize(("text", "topic"), [
    ("AKP'nin politikaları", "politics"), ("CHP’ye oy verdim", "politics"),
    ("HDP'li vekiller", "politics"), ("Erdoğan'ın açıklaması", "politics"),
    ("Kur'an'ı okuyun", "religion"), ("Cuma namazından sonra", "religion"),
    ("Kürtçe duyuru yapın", "ethnicity"), ("Suriyeliler için de", "ethnicity"),
    ("Engelli vatandaşlar giremiyor", "disability"), ("tekerlekli sandalye ile", "disability"),
    ("Hastaneden randevu yok", "health"), ("Aşı ne zaman?", "health"),
    ("The hospital is closed", "health"), ("Refugee children", "ethnicity"),
])
def test_topic_markers(lexicon: Lexicon, text: str, topic: str) -> None:
    assert topic in lexicon.topics_of(text)


@pytest.mark.parametrize("text", [
    "Kurtarma ekibi geldi",  # rescue, not Kürt
    "Engelliyorsunuz ama",  # to block, not disability
    "İmamoğlu konuştu",  # a politician, not an imam
    "Yol ne zaman açılacak?", "Teşekkürler", "👍👍", "",
])
def test_near_misses_do_not_match_the_wrong_group(lexicon: Lexicon, text: str) -> None:
    found = lexicon.topics_of(text)
    assert "ethnicity" not in found and "disability" not in found and "religion" not in found


def test_words_without_a_star_must_match_whole(lexicon: Lexicon) -> None:
    assert lexicon.topics_of("din") == ["religion"]
    assert "religion" not in lexicon.topics_of("dinlendik")  # "din" is exact: not "we rested"


@pytest.mark.parametrize("text", [
    "Ez ji vê biryarê ne razî me, divê rêveberî guh bide gel.",
    "Rêya gund hê jî xerab e, kengê çêdikin?",
    "Zarokên me dixwazin li dibistanê bi zimanê dayikê bixwînin.",
])
def test_kurmanji_is_kurdish(text: str) -> None:
    assert identify_language(text)[0] == "ku"


@pytest.mark.parametrize(("text", "language"), [
    ("هذا القرار غير عادل ونحن نطالب بالتغيير", "ar"),
    ("متى سينتهي العمل في الطريق؟", "ar"),
    ("Thank you for the information, when will the road open?", "en"),
    ("Valiliğin bu kararı çok yanlış, istifa etsin!", "tr"),
    ("Yol çalışması ne zaman bitecek?", "tr"),
])
def test_languages(text: str, language: str) -> None:
    found, confidence = identify_language(text)
    assert found == language and confidence > 0.5


@pytest.mark.parametrize("text", ["👍", "👏👏👏 🇹🇷", "🙂🙂", "ok", "+1", "??", "", None,
                                  "https://example.com @valilik #duyuru 123"])
def test_emoji_only_and_very_short_are_undetermined(text: str | None) -> None:
    assert identify_language(text) == (UNDETERMINED, 0.0)


def test_features_of_a_comment_give_its_groups() -> None:
    found = features_of("Bu ne rezalet, AKP'nin valisi istifa etsin!", built_in_lexicon())
    assert found.language == "tr"
    assert found.groups == ["language:tr", "topic:criticism", "topic:politics"]
    assert features_of("👍👍", built_in_lexicon()).groups == ["language:und"]


def test_features_become_the_row_the_store_keeps() -> None:
    """The decision is kept as one row per comment: language, confidence, topics and the lexicon
    that found them (a new lexicon is noticed by its fingerprint and the text classified again)."""
    lexicon = built_in_lexicon()
    found = features_of("Valilik yorumları siliyor, bu sansür!", lexicon)
    computed = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
    assert found.row(41, lexicon.fingerprint, computed) == {
        "comment_id": 41, "language": "tr", "language_confidence": found.language_confidence,
        "topics": list(found.topics), "lexicon": lexicon.fingerprint, "computed_at": computed}
    assert "criticism" in found.topics and found.language_confidence >= 0.4


def test_a_deployment_extends_the_lexicon_from_its_config(tmp_path: Path) -> None:
    (tmp_path / "ek.toml").write_text(
        '[institution]\nterms = ["belediye*"]\n[criticism]\nterms = ["kepazelik*"]\n', encoding="utf-8")
    config = parse_config({"selective": {"extra_lexicon": "ek.toml"}}, tmp_path / "modaudit.toml")
    extended = deployment_lexicon(config)
    assert extended.topics_of("Belediyemiz") == ["institution"]
    assert extended.topics_of("Tam bir KEPAZELİK") == ["criticism"]
    assert extended.fingerprint != built_in_lexicon().fingerprint
    assert deployment_lexicon(parse_config({})).fingerprint == built_in_lexicon().fingerprint


@pytest.mark.parametrize(("content", "message"), [
    ("[Bad-Name]\nterms = []\n", "group name"),
    ("[criticism]\nterms = [1]\n", "list of strings"),
    ("[criticism]\nwords = []\n", "unknown key"),
    ("[criticism]\nexclude = ['iki kelime']\n", "single word"),
    ("[criticism\n", "invalid TOML"),
])
def test_a_broken_extra_lexicon_is_one_clear_config_error(tmp_path: Path, content: str,
                                                          message: str) -> None:
    path = tmp_path / "ek.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_lexicon(path)
    with pytest.raises(ConfigError, match="not found"):
        load_lexicon(tmp_path / "missing.toml")


def test_selective_config_is_validated() -> None:
    assert parse_config({}).selective.min_group_size == 20
    for bad in ({"alpha": 1.5}, {"alpha": 0}, {"min_group_size": 0}, {"minimum": 3}):
        with pytest.raises(ConfigError, match="selective"):
            parse_config({"selective": bad})
