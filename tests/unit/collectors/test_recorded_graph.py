"""Graph API (Facebook Pages, Instagram) answers of published shape → transforms → the records users rely on.

Fixtures: tests/fixtures/graph/*.json, written from Meta's reference (sources in tests/fixtures/SOURCES.md).
No server and no stand-in client: fixture bodies go into the pure functions the collectors call, and
listings are walked by `collectors.paging.walk` over Pages made from them. What only the SDK over HTTP
can show (the query each request sends) is tested end to end in test_graph_real.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import facebook
import pytest

from collectors.facebook import AUTH_CODES, MODERATE_HINT, THROTTLE_CODES, _translate
from collectors.graph_payloads import (
    COMMENTS_OFF,
    COMMENTS_ON,
    ListingPage,
    ban_check,
    check_identity,
    lookup_answer,
    next_cursor,
    parse_time,
    transform_comment,
    transform_ig_comment,
    transform_media,
    transform_post,
    transform_user,
)
from collectors.paging import ListingStopped, Page, walk
from collectors.records import AuthFailed, NotFound, PlatformError, RateLimited
from collectors.validation import FieldProblem, ListingProblems, parse_item
from tests.fixtures import load

PAGE = "104857392018475"
POST = "1029384756102938"
POST_ID = f"{PAGE}_{POST}"
C1, C2, C3, C4 = (f"{POST}_{n}" for n in ("874512390561234", "874512390561988", "874512390562411",
                                          "874512390563070"))
IG_USER, MEDIA = "17841405822304914", "17954810237561094"
IG_C1, IG_C2 = "17873440459141021", "17870913679156914"
TOKEN = "EAAFakeFixtureTokenNotRealZDZD"


def paging_next(body: dict[str, Any]) -> str | None:
    """The `paging.next` link of a listing answer, read through the declared ListingPage."""
    page, problems = parse_item(ListingPage, body, ("data",))
    assert page is not None and not problems
    return page.paging.next if page.paging else None


def graph_pages(*names: str) -> dict[Any, Page]:
    """Fixture listing pages keyed by the cursor that asks for each (None for the first)."""
    pages: dict[Any, Page] = {}
    cursor: Any = None
    for name in names:
        body = load(f"graph/{name}.json")
        following = next_cursor(paging_next(body))
        pages[cursor] = Page(body["data"], following, body)
        cursor = following
    return pages


def walked(pages: dict[Any, Page], page_size: int, expected: int | None = None) -> list[Any]:
    """The raw items `walk` reads from `pages`, first page to last."""
    return [item for page in walk(pages.__getitem__, page_size=page_size, what="listing",
                                  expected=expected, item_key=lambda item: item.get("id"))
            for item in page.items]


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


# --- Page posts ---------------------------------------------------------------------------------------


def test_posts_give_ids_utc_times_comment_counts_and_permalinks() -> None:
    """Each post keeps its id, aware UTC time, permalink and the comment count of its summary."""
    records = [transform_post(raw) for raw in load("graph/page_posts_cursor_page.json")["data"]]
    assert all(problems == [] for _, problems in records)
    posts = [post for post, _ in records if post]
    assert [p.platform_id for p in posts] == [POST_ID, f"{PAGE}_1029384756100017", f"{PAGE}_1029384756097745"]
    assert posts[0].created_at == utc(2026, 11, 16, 10, 0, 0)
    assert all(p.created_at and p.created_at.utcoffset().total_seconds() == 0 for p in posts)
    assert [p.comment_count for p in posts] == [6, 0, 2]
    assert posts[0].permalink == f"https://www.facebook.com/{PAGE}/posts/{POST}"
    assert posts[2].message is None  # a photo post without text is still a post


def test_cursor_next_link_gives_only_after() -> None:
    """From a cursor `next` link only `after` is taken: never `since`, `fields`, `limit` or the token."""
    cursor = next_cursor(paging_next(load("graph/page_posts_cursor_page.json")))
    assert cursor == (("after", "QVFIUkd6ZA3hPWFNhN0p6bGxtZAzB1TlBSdDZA"),)


def test_time_paging_next_link_gives_until_and_paging_token_only() -> None:
    """A real time-paging `next` link (since blank, no fields) yields only `until` and `__paging_token`."""
    link = paging_next(load("graph/page_posts_time_paging.json"))
    assert link and "&since&" in link and "fields=" not in link
    cursor = next_cursor(link)
    assert cursor is not None and dict(cursor) == {
        "until": "1794378600",
        "__paging_token": "enc_AdAmX4rTzK9QWvZB2pLsN7hYcEoUfJ1iGbRd5aXZAkMtV3eqPwSy8ZCnHjOu6lDgFx"}


def test_last_posts_page_ends_the_listing() -> None:
    """A page whose `paging` has cursors but no `next` is the last one."""
    assert next_cursor(paging_next(load("graph/page_posts_last_page.json"))) is None


def test_time_paged_posts_are_walked_to_the_last_page() -> None:
    """Following a time-paging `next` reads every post of both pages, each a valid record, then stops."""
    items = walked(graph_pages("page_posts_time_paging", "page_posts_last_page"), page_size=3)
    records = [transform_post(raw) for raw in items]
    assert len(records) == 4 and all(post and not problems for post, problems in records)


# --- Comments -----------------------------------------------------------------------------------------


def test_comment_listing_gives_ids_parents_authors_visibility_and_times() -> None:
    """Comments keep id, post, parent (on the reply), author, visibility and aware UTC time."""
    body = load("graph/post_comments_stream_page.json")
    records = [transform_comment(raw, POST_ID) for raw in body["data"]]
    assert all(problems == [] for _, problems in records)
    comments = [c for c, _ in records if c]
    assert [c.platform_id for c in comments] == [C1, C2, C3, C4]
    assert {c.post_id for c in comments} == {POST_ID}
    assert [c.parent_id for c in comments] == [None, C1, None, None]
    assert [c.author_name for c in comments] == ["Rojda Baran", "Emre Tosunoğlu", "Ayşe Karakuş",
                                                  "Berivan Şêxo"]
    assert comments[0].author_id == "7203948571620394"
    assert [c.is_hidden for c in comments] == [False, False, True, False]
    assert comments[2].created_at == utc(2026, 11, 16, 11, 40, 57)
    assert comments[3].message is None  # a sticker-only comment has no `message` and no problem
    page, _ = parse_item(ListingPage, body, ("data",))
    assert page and page.summary and page.summary.total_count == 6


def test_comment_next_link_gives_only_after() -> None:
    """The comment listing's `next` carries fields, filter, summary and limit: only `after` is taken."""
    body = load("graph/post_comments_stream_page.json")
    assert next_cursor(paging_next(body)) == (("after", body["paging"]["cursors"]["after"]),)


@pytest.mark.parametrize("value", ["missing", "false", 0, None])
def test_unreadable_is_hidden_is_unknown_never_visible(value: Any) -> None:
    """`is_hidden` missing, the string "false", 0 or null is None with a problem: never read as False."""
    raw = load("graph/post_comments_stream_page.json")["data"][2]
    if value == "missing":
        del raw["is_hidden"]
    else:
        raw["is_hidden"] = value
    comment, problems = transform_comment(raw, POST_ID)
    assert comment is not None and comment.is_hidden is None
    assert [p.field for p in problems] == ["is_hidden"]


def test_comments_without_id_are_the_moderate_task_symptom() -> None:
    """Comments listed without `id` (token lacking MODERATE, Graph v11.0+): no record, an `id` problem."""
    for raw in load("graph/post_comments_stream_no_moderate_task.json")["data"]:
        comment, problems = transform_comment(raw, POST_ID)
        assert comment is None
        assert FieldProblem("id", "missing") in problems


def test_listing_without_ids_has_id_problems_and_the_hint_names_the_moderate_task() -> None:
    """A listing with id-less comments keeps only the identified ones, counts `id` problems (so it is
    incomplete), and the hint given for that problem names the MODERATE task."""
    items = walked(graph_pages("post_comments_stream_no_moderate_task", "post_comments_stream_last_page"),
                   page_size=4, expected=6)
    problems = ListingProblems(f"post {POST_ID}")
    records = [transform_comment(raw, POST_ID) for raw in items]
    for _, item_problems in records:
        problems.add(item_problems)
    comments = [comment for comment, _ in records if comment]
    assert [c.platform_id for c in comments] == [f"{POST}_874512390564826", f"{POST}_874512390565102"]
    assert problems and "id" in problems.fields()
    assert "MODERATE" in MODERATE_HINT and "Page token" in MODERATE_HINT


def test_walk_follows_an_empty_page_that_still_has_next() -> None:
    """An empty page with a `next` link (documented: privacy filtering) is followed to the real last page."""
    pages = graph_pages("post_comments_stream_page", "post_comments_stream_empty_page",
                        "post_comments_stream_last_page")
    seen = [item["id"] for item in walked(pages, page_size=4, expected=6)]
    assert seen == [C1, C2, C3, C4, f"{POST}_874512390564826", f"{POST}_874512390565102"]


def test_walk_stops_when_graph_hands_back_the_same_next_link() -> None:
    """A `next` link answered by the same page again stops the listing instead of looping."""
    body = load("graph/post_comments_stream_page.json")
    page = Page(body["data"], next_cursor(paging_next(body)), body)
    with pytest.raises(ListingStopped):
        list(walk(lambda cursor: page, page_size=4, what="comments", item_key=lambda i: i.get("id")))


# --- Ban list and lookups ---------------------------------------------------------------------------


def test_ban_list_gives_user_ids_and_names() -> None:
    """The Page's ban list gives each banned user's id and name, and its `after` cursor."""
    body = load("graph/page_blocked_page.json")
    users = [transform_user(raw) for raw in body["data"]]
    assert [(u.platform_id, u.name) for u, p in users if u and not p] == [
        ("6120398457102934", "Dilan Xelîl"), ("5501928374650192", "Kemal Yağcıoğlu")]
    assert next_cursor(paging_next(body)) == (("after", "QVFIUnk2SGdMeXl1cmtBVkJjS2x0"),)


def test_ban_check_of_one_user_is_true_for_banned_false_for_not_banned() -> None:
    """`/blocked?user=` answers the banned user (True), or `data: []` for a user who is not banned (False)."""
    assert ban_check(load("graph/page_blocked_user_banned.json"), "6120398457102934") is True
    assert ban_check(load("graph/page_blocked_user_not_banned.json"), "5501928374650192") is False


def test_ban_check_answering_another_user_is_an_error() -> None:
    """A ban check answered with a different user is never read as "banned"."""
    with pytest.raises(PlatformError, match="another user"):
        ban_check(load("graph/page_blocked_user_banned.json"), "5501928374650192")


@pytest.mark.parametrize("damage", ["data_not_a_list", "no_data", "user_without_id"])
def test_malformed_ban_check_is_an_error_never_not_banned(damage: str) -> None:
    """A ban-check answer that cannot be read is an error, never "not banned"."""
    body = load("graph/page_blocked_user_banned.json")
    if damage == "data_not_a_list":
        body["data"] = body["data"][0]
    elif damage == "no_data":
        del body["data"]
    else:
        del body["data"][0]["id"]
    with pytest.raises(PlatformError):
        ban_check(body, "6120398457102934")


def test_comment_lookup_gives_present_with_visibility() -> None:
    """`GET /{comment-id}` of a hidden or visible comment is present with is_hidden True or False."""
    hidden = lookup_answer(load("graph/comment_node_hidden.json"), C3, "is_hidden")
    assert (hidden.status, hidden.is_hidden) == ("present", True)
    visible = lookup_answer(load("graph/comment_node_visible.json"), C1, "is_hidden")
    assert (visible.status, visible.is_hidden) == ("present", False)
    assert visible.answer == load("graph/comment_node_visible.json")  # kept as evidence


def test_comment_lookup_without_is_hidden_is_present_with_visibility_unknown() -> None:
    """A lookup answer without `is_hidden` is present with is_hidden None, never "visible"."""
    body = load("graph/comment_node_visible.json")
    del body["is_hidden"]
    assert lookup_answer(body, C1, "is_hidden").is_hidden is None


def test_comment_lookup_answering_another_comment_is_an_error() -> None:
    """A lookup answered with another comment's data is an error, never "present"."""
    with pytest.raises(PlatformError, match="answered object"):
        lookup_answer(load("graph/comment_node_hidden.json"), C1, "is_hidden")


def test_deleted_comment_lookup_is_not_found_with_its_trace() -> None:
    """Error 100/33 on a lookup is NotFound (what the collector records as gone), with its fbtrace_id."""
    body = load("graph/error_400_code100_sub33_object_does_not_exist.json")
    error = _translate(facebook.GraphAPIError(body), TOKEN)
    assert isinstance(error, NotFound) and error.details["fbtrace_id"] == "Ht5WcP0qNzR4yXb8LmKv2Ja"


@pytest.mark.parametrize(("object_id", "what"), [(PAGE, "the Page"), (IG_USER, "the Instagram account")])
def test_token_check_passes_only_for_the_configured_object(object_id: str, what: str) -> None:
    """The token check passes when Graph answers the configured Page/account, else it is AuthFailed."""
    check_identity({"id": object_id, "name": "Yeşilvadi Belediyesi"}, object_id, what)
    for answer in ({"id": "998877665544332"}, {"name": "Yeşilvadi Belediyesi"}):
        with pytest.raises(AuthFailed, match=object_id):
            check_identity(answer, object_id, what)


# --- Error bodies -----------------------------------------------------------------------------------

ERRORS = [
    ("error_400_code190_sub463_expired_token", AuthFailed, 190, 463),
    ("error_400_code190_sub460_password_changed", AuthFailed, 190, 460),
    ("error_400_code100_sub33_object_does_not_exist", NotFound, 100, 33),
    ("error_403_code10_permission_denied", AuthFailed, 10, None),
    ("error_403_code200_permissions_error", AuthFailed, 200, None),
    ("error_400_code4_application_request_limit", RateLimited, 4, None),
    ("error_400_code17_user_request_limit", RateLimited, 17, None),
    ("error_400_code32_page_request_limit", RateLimited, 32, None),
    ("error_400_code368_temporarily_blocked", RateLimited, 368, None),
]


@pytest.mark.parametrize(("name", "kind", "code", "subcode"), ERRORS)
def test_error_bodies_become_the_right_error_with_their_evidence(name: str, kind: type, code: int,
                                                                 subcode: int | None) -> None:
    """Each documented error body maps to one error kind, keeps code/subcode/fbtrace_id, never the token."""
    body = load(f"graph/{name}.json")
    error = _translate(facebook.GraphAPIError(body), TOKEN)
    assert type(error) is kind
    assert error.details["code"] == code and error.details.get("error_subcode") == subcode
    assert error.details["fbtrace_id"] == body["error"]["fbtrace_id"]
    assert TOKEN not in str(error) and str(code) in str(error)


def test_throttling_bodies_say_they_are_transient() -> None:
    """The throttling fixtures carry `is_transient: true` as Graph sends it (shape check)."""
    for name in ("code4_application_request_limit", "code17_user_request_limit", "code32_page_request_limit"):
        assert load(f"graph/error_400_{name}.json")["error"]["is_transient"] is True


def test_every_documented_permission_code_is_an_auth_failure() -> None:
    """A permission error anywhere in the documented 200-299 range is an auth failure, not a platform one."""
    body = load("graph/error_403_code200_permissions_error.json")
    for code in range(200, 300):
        body["error"]["code"] = code
        assert isinstance(_translate(facebook.GraphAPIError(body), TOKEN), AuthFailed), code


def test_auth_and_throttle_codes_are_disjoint() -> None:
    """No Graph code is both "fix the token" and "wait and retry": each error has one meaning."""
    assert AUTH_CODES.isdisjoint(THROTTLE_CODES)


def test_application_limit_reached_is_throttling() -> None:
    """Code 341 is documented as a temporary throttling issue, so it must read as RateLimited."""
    body = load("graph/error_400_code4_application_request_limit.json")
    body["error"]["code"] = 341
    assert isinstance(_translate(facebook.GraphAPIError(body), TOKEN), RateLimited)


# --- Instagram ----------------------------------------------------------------------------------------


def test_ig_media_give_ids_times_counts_and_comment_setting() -> None:
    """Media keep id, aware UTC time, permalink, comment count, and comments on/off as the reply setting."""
    body = load("graph/ig_user_media_page.json")
    records = [transform_media(raw) for raw in body["data"]]
    assert all(problems == [] for _, problems in records)
    media = [m for m, _ in records if m]
    assert [m.platform_id for m in media] == [MEDIA, "17901283746519283", "18023947561029384"]
    assert media[0].created_at == utc(2026, 11, 16, 9, 30)
    assert [m.comment_count for m in media] == [3, 0, 1]
    assert [m.reply_settings for m in media] == [COMMENTS_ON, COMMENTS_OFF, COMMENTS_ON]
    assert media[1].permalink == "https://www.instagram.com/reel/DQr2pTwNc9K/"
    assert next_cursor(paging_next(body)) == (("after", "QVFIUzlCeXlPWHNJbGNFYmN6bTVw"),)


def test_ig_comments_give_authors_visibility_and_times() -> None:
    """IG comments keep id, media, author username and IGSID, `hidden` and aware UTC time."""
    records = [transform_ig_comment(raw, MEDIA) for raw in load("graph/ig_media_comments_page.json")["data"]]
    assert all(problems == [] for _, problems in records)
    comments = [c for c, _ in records if c]
    assert [(c.platform_id, c.author_name, c.is_hidden) for c in comments] == [
        (IG_C1, "rojda.baran", False), (IG_C2, "kemal_ygc", True), ("18046271935081726", "berivan.sx", False)]
    assert comments[1].author_id == "7102938475610293" and comments[1].post_id == MEDIA
    assert comments[0].parent_id is None and comments[0].created_at == utc(2026, 11, 16, 9, 41, 12)


def test_ig_replies_name_their_parent_comment() -> None:
    """A reply from `/{comment-id}/replies` names its parent through `parent_id`."""
    raw = load("graph/ig_comment_replies_page.json")["data"][0]
    reply, problems = transform_ig_comment(raw, MEDIA)
    assert problems == [] and reply is not None
    assert (reply.platform_id, reply.parent_id) == ("17912834756102938", IG_C1)
    assert reply.author_name == "yesilvadibld"


@pytest.mark.parametrize("value", ["missing", "false"])
def test_ig_unreadable_hidden_is_unknown(value: str) -> None:
    """An IG comment whose `hidden` is missing or the string "false" is None with a problem."""
    raw = load("graph/ig_media_comments_page.json")["data"][1]
    if value == "missing":
        del raw["hidden"]
    else:
        raw["hidden"] = value
    comment, problems = transform_ig_comment(raw, MEDIA)
    assert comment is not None and comment.is_hidden is None and [p.field for p in problems] == ["hidden"]


def test_ig_comment_lookup_gives_hidden() -> None:
    """`GET /{ig-comment-id}` gives present with its `hidden` flag; another comment's answer is an error."""
    body = load("graph/ig_comment_node_hidden.json")
    result = lookup_answer(body, IG_C2, "hidden")
    assert (result.status, result.is_hidden) == ("present", True)
    with pytest.raises(PlatformError):
        lookup_answer(body, IG_C1, "hidden")


def test_graph_times_parse_only_in_graph_format() -> None:
    """Graph's `+0000` times are aware UTC; a time without an offset is not guessed."""
    assert parse_time("2026-11-16T10:00:00+0000") == utc(2026, 11, 16, 10)
    assert parse_time("2026-11-16T10:00:00") is None
