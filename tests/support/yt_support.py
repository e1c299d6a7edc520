"""Helpers for the YouTube simulator's tests: two channels, commenters, raw and Google-client access."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import google.oauth2.credentials
import requests
from googleapiclient.discovery import build

from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.world.youtube import READONLY_SCOPE, YTAuthor, YTChannelSpec
from tests.support.scenarios import START

CHANNEL = YTChannelSpec(
    channel_id="UCtestBelediyesi00000001", title="Test Belediyesi", handle="@testbelediyesi",
    client_id="111-test.apps.googleusercontent.com", client_secret="GOCSPX-test-CANARY-secret",
    refresh_token="1//test-refresh-CANARY-token",
)
# Another institution's channel whose token only reads public data (youtube.readonly).
OTHER = YTChannelSpec(
    channel_id="UCbaskaKurum000000000002", title="Başka Kurum", handle="@baskakurum",
    client_id="222-other.apps.googleusercontent.com", client_secret="GOCSPX-other-secret",
    refresh_token="1//other-refresh-token", scopes=(READONLY_SCOPE,),
)
AYSE = YTAuthor("UCayseYilmaz000000000001", "@ayseyilmaz")
ROJDA = YTAuthor("UCrojdaDemir000000000002", "@rojda<b>demir</b>")
TROL = YTAuthor("UCtrolHesap0000000000003", "@trolhesap")
VIDEOS = ("TestVid0001", "TestVid0002", "TestVid0003")


def cid(number: int) -> str:
    """A YouTube-style top-level comment id."""
    return f"UgzTestYorum{number:04d}4AaABAg"


def rid(parent: int, number: int) -> str:
    """A YouTube-style reply id: the parent's id, a dot, the reply's own part."""
    return f"{cid(parent)}.9zTestYanit{number:04d}"


def small_yt_scenario(daily_quota: int = 10_000) -> Scenario:
    """Three videos before day 0, comments, a 7-reply thread, a spam comment; moderation on day 1."""
    channel = CHANNEL if daily_quota == CHANNEL.daily_quota else _with_quota(daily_quota)
    s = Scenario(start=START, pages=[], youtube_channels=[channel, OTHER])
    ch = channel.channel_id
    s.yt_video(s.day(-3, 9), ch, VIDEOS[0], "Yol çalışması duyurusu 🚧")
    s.yt_video(s.day(-2, 9), ch, VIDEOS[1], "Aşı kampanyası")
    s.yt_video(s.day(-1, 9), ch, VIDEOS[2], "Anma töreni")
    s.yt_comment(s.day(-3, 10), VIDEOS[0], cid(1), AYSE, "Teşekkürler 🙏\nİkinci satır & <b>")
    s.yt_comment(s.day(-3, 11), VIDEOS[0], cid(2), ROJDA, "Rojbaş, kengê diqede?")
    s.yt_comment(s.day(-3, 12), VIDEOS[0], cid(3), TROL, "Hepsi yalan")
    for n in range(1, 8):
        s.yt_comment(s.day(-3, 13, n), VIDEOS[0], rid(2, n), AYSE if n % 2 else TROL, f"Yanıt {n}",
                     parent_id=cid(2))
    s.yt_comment(s.day(-2, 10), VIDEOS[1], cid(4), TROL, "Bedava coin 👉", likely_spam=True)
    s.yt_comment(s.day(-2, 11), VIDEOS[1], cid(5), AYSE, "Randevu nasıl alınır?")
    s.yt_comment(s.day(-1, 10), VIDEOS[2], cid(6), ROJDA, "Allah rahmet eylesin")
    return s


def _with_quota(daily_quota: int) -> YTChannelSpec:
    """CHANNEL with another daily quota."""
    return replace(CHANNEL, daily_quota=daily_quota)


def token_of(channel: YTChannelSpec) -> str:
    """The access token the simulator issues for a channel's refresh token."""
    return channel.access_token


def get(sim: Simulator, method: str, token: str | None = CHANNEL.access_token,
        **params: Any) -> requests.Response:
    """GET /youtube/v3/<method> with a Bearer token (None: without one)."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(f"{sim.base_url}/youtube/v3/{method}", params=params, headers=headers,
                        timeout=10)


def refresh(sim: Simulator, channel: YTChannelSpec = CHANNEL, **override: str) -> requests.Response:
    """POST /token with a channel's refresh grant (fields overridable)."""
    form = {"grant_type": "refresh_token", "client_id": channel.client_id,
            "client_secret": channel.client_secret, "refresh_token": channel.refresh_token}
    form.update(override)
    return requests.post(f"{sim.base_url}/token", data=form, timeout=10)


def google_client(sim: Simulator, channel: YTChannelSpec = CHANNEL) -> Any:
    """google-api-python-client's youtube v3 service against the simulator, with refresh credentials."""
    credentials = google.oauth2.credentials.Credentials(
        None, refresh_token=channel.refresh_token, client_id=channel.client_id,
        client_secret=channel.client_secret, token_uri=sim.base_url + "/token",
    )
    return build("youtube", "v3", static_discovery=True, credentials=credentials,
                 client_options={"api_endpoint": sim.base_url}, cache_discovery=False)
