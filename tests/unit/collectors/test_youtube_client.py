"""The YouTube client and `check`: lookups by id, the token's channel and scope, and every failed
answer translated into the project's errors without a secret in the message.

The real Google clients over HttpMockSequence; fixtures in tests/fixtures/youtube (SOURCES.md).
"""

from __future__ import annotations

import pytest

from collectors.records import AuthFailed, CollectorError, NotFound, PlatformError, RateLimited
from collectors.youtube.errors import CommentsDisabled
from tests.unit.collectors.youtube_sequence import (
    CHANNEL,
    CLIENT_SECRET,
    NOW,
    REFRESH_TOKEN,
    TOKEN,
    answer,
    collector,
    raw,
    requested,
)

PRESENT = "UgwMehmetYorum002AaABAg"


def assert_no_secret(error: Exception) -> None:
    """Neither the client secret nor the refresh token appears in the error or its details."""
    said = f"{error} {getattr(error, 'details', '')}"
    assert CLIENT_SECRET not in said and REFRESH_TOKEN not in said


def test_a_comment_looked_up_present() -> None:
    """One item, the very comment: present, its visibility not said (YouTube omits
    moderationStatus on id lookups)."""
    yt, http = collector(TOKEN, answer("comment_lookup_present"))
    result = yt.lookup_comment(PRESENT)
    assert (result.status, result.is_hidden) == ("present", None)
    assert result.answer["items"][0]["id"] == PRESENT
    assert "id=UgwMehmetYorum002AaABAg" in requested(http)[1]
    assert yt.units_spent == 1


def test_a_comment_looked_up_gone() -> None:
    """200 with `items: []` (rejected or deleted: not told apart) is gone, the answer kept."""
    yt, _ = collector(TOKEN, answer("comment_lookup_gone"))
    result = yt.lookup_comment("UgyHeldYorum0003AaABAg")
    assert result.status == "gone" and result.answer["items"] == []


def test_a_lookup_that_answers_another_comment_is_no_verdict() -> None:
    """An answer naming another comment, or without `items`, is an error, never gone."""
    yt, _ = collector(TOKEN, answer("comment_lookup_present"), raw({"kind": "youtube#commentListResponse"}))
    with pytest.raises(PlatformError, match="answered another comment"):
        yt.lookup_comment("UgyHeldYorum0003AaABAg")
    with pytest.raises(PlatformError, match="items missing"):
        yt.lookup_comment("UgyHeldYorum0003AaABAg")


def test_check_passes_for_the_owner_token() -> None:
    """Refresh, then channels.list mine=true names the configured channel: no error."""
    yt, http = collector(TOKEN, answer("channels_mine"))
    yt.check_token()
    assert yt.granted_scopes() == frozenset({"https://www.googleapis.com/auth/youtube.force-ssl"})
    assert "mine=true" in requested(http)[1]


def test_whoami_names_the_tokens_channel() -> None:
    """`modaudit check` shows the channel the token belongs to: its id and title."""
    yt, _ = collector(TOKEN, answer("channels_mine"))
    assert yt.whoami() == (CHANNEL, "Yeşilvadi Belediyesi")


def test_check_names_the_wrong_channel() -> None:
    """A token of another channel: AuthFailed naming both channels and the fix."""
    yt, _ = collector(TOKEN, answer("channels_mine_other_channel"))
    with pytest.raises(AuthFailed) as caught:
        yt.check_token()
    message = str(caught.value)
    assert "UCb4skA0tHerKanal0000000" in message and CHANNEL in message
    assert "consent flow" in message and caught.value.details["problem"] == "wrong_channel"
    assert_no_secret(caught.value)


def test_check_names_a_revoked_refresh_token() -> None:
    """The token endpoint answers 400 invalid_grant: AuthFailed naming the fix."""
    yt, _ = collector(answer("token_400_invalid_grant", 400))
    with pytest.raises(AuthFailed) as caught:
        yt.check_token()
    message = str(caught.value)
    assert "expired or revoked" in message and "new refresh token" in message
    assert caught.value.details == {"reason": "invalid_grant", "problem": "revoked_token"}
    assert_no_secret(caught.value)


def test_check_names_a_missing_scope() -> None:
    """A refresh answer without youtube.force-ssl: AuthFailed naming the scope and the fix."""
    yt, http = collector(answer("token_refresh_readonly_scope"))
    with pytest.raises(AuthFailed) as caught:
        yt.check_token()
    message = str(caught.value)
    assert "youtube.force-ssl" in message and "consent screen" in message
    assert "new refresh token" in message and caught.value.details["problem"] == "missing_scope"
    assert len(http.request_sequence) == 1  # no API call spent on a token that cannot read
    assert_no_secret(caught.value)


def test_the_refresh_asks_for_the_scope_and_sends_no_secret_in_the_url() -> None:
    """The refresh is a POST to token_uri whose body carries the refresh token (never a URL)."""
    yt, http = collector(TOKEN, answer("channels_mine"))
    yt.check_token()
    uri, method, body, _ = http.request_sequence[0]
    assert (uri, method) == ("http://127.0.0.1:9/token", "POST")
    assert REFRESH_TOKEN not in uri and "scope=https" in body.decode()
    assert all(REFRESH_TOKEN not in u and CLIENT_SECRET not in u for u in requested(http))


@pytest.mark.parametrize(("fixture", "status", "kind", "words"), [
    ("error_403_quota_exceeded", 403, RateLimited, "quota exhausted"),
    ("error_403_comments_disabled", 403, CommentsDisabled, "commentsDisabled"),
    ("error_403_insufficient_permissions", 403, AuthFailed, "youtube.force-ssl"),
    ("error_401_unauthorized", 401, AuthFailed, "consent flow"),
    ("error_404_video_not_found", 404, NotFound, "videoNotFound"),
    ("error_500_backend", 500, PlatformError, "backendError"),
])
def test_failed_answers_are_translated(fixture: str, status: int, kind: type[CollectorError],
                                       words: str) -> None:
    """Google's error envelope, by status and reason, to the project's errors."""
    # A 401 makes google-auth's AuthorizedHttp refresh and try again, twice at most.
    again = [answer("token_refresh"), answer(fixture, status)] * 2 if status == 401 else []
    yt, _ = collector(TOKEN, answer(fixture, status), *again)
    with pytest.raises(kind) as caught:
        yt.client.call("commentThreads.list", part="snippet,replies", videoId="pArK0acilis",
                       moderationStatus="published", maxResults=100, textFormat="plainText")
    assert type(caught.value) is kind
    assert words in str(caught.value)
    assert caught.value.details["http_status"] == status
    assert_no_secret(caught.value)


def test_the_quota_reset_is_midnight_pacific() -> None:
    """quotaExceeded: reset_at is the next midnight in America/Los_Angeles (08:00 UTC in winter)."""
    yt, _ = collector(TOKEN, answer("error_403_quota_exceeded", 403))
    with pytest.raises(RateLimited) as caught:
        yt.lookup_comment(PRESENT)
    assert caught.value.reset_at.isoformat() == "2026-12-06T08:00:00+00:00"
    assert NOW.isoformat() < caught.value.reset_at.isoformat()


def test_a_server_error_is_retried_by_the_library() -> None:
    """With max_retries 1, googleapiclient's own num_retries sends the call again after a 500."""
    yt, http = collector(TOKEN, answer("error_500_backend", 500), answer("comment_lookup_gone"),
                         max_retries=1)
    waited: list[float] = []
    yt.client.sleep = waited.append  # the backoff is the library's; its sleep is not slept here
    result = yt.lookup_comment(PRESENT)
    assert result.status == "gone" and len(http.request_sequence) == 3
    assert len(waited) == 1 and 0 <= waited[0] <= 2  # rand() * 2 ** retry


def test_a_body_that_is_not_json_is_a_platform_error() -> None:
    """A proxy's HTML page with status 200: PlatformError, no traceback, nothing inferred."""
    yt, _ = collector(TOKEN, ({"status": "200", "content-type": "text/html"}, "<html>proxy</html>"))
    with pytest.raises(PlatformError):
        yt.lookup_comment(PRESENT)


def test_an_error_without_googles_envelope_is_a_platform_error() -> None:
    """A 502 from a gateway with an HTML body: PlatformError saying something is in between."""
    yt, _ = collector(TOKEN, ({"status": "502", "content-type": "text/html"}, "<html>Bad gateway</html>"))
    with pytest.raises(PlatformError, match="without Google's JSON error"):
        yt.lookup_comment(PRESENT)
