"""Links from a finding to the platform page it is about."""

from modaudit.report.links import platform_url


def test_facebook_comment_opens_on_its_post() -> None:
    url = platform_url("facebook", "comment_hidden", subject_id="111_222", post_id="999_111")
    assert url == "https://www.facebook.com/999_111?comment_id=222"


def test_x_reply_opens_by_id_and_own_post_by_handle() -> None:
    assert platform_url("x", "comment_deleted", subject_id="1850", post_id="1849",
                        handle="valilik") == "https://x.com/i/web/status/1850"
    assert platform_url("x", "replies_restricted", subject_id="1849", post_id="1849",
                        handle="valilik") == "https://x.com/valilik/status/1849"
    assert platform_url("x", "user_blocked", subject_id="42", post_id=None) == "https://x.com/i/user/42"


def test_no_link_where_the_ids_cannot_make_one() -> None:
    assert platform_url("facebook", "user_blocked", subject_id="5", post_id=None) is None
    assert platform_url("instagram", "comment_hidden", subject_id="1", post_id="2") is None
    assert platform_url("instagram", "comment_hidden", subject_id="1", post_id="2",
                        handle="valilik") == "https://www.instagram.com/valilik/"
