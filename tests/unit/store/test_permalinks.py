"""Instagram findings link to their post: the permalink the platform sent with the media is kept
and read back (SQLite and PostgreSQL); an address off Instagram's site is never followed."""

from __future__ import annotations

from sqlalchemy import update

from modaudit.report.links import platform_url
from modaudit.store.permalinks import instagram_permalinks
from modaudit.store.schema import Post
from tests.support.stored_runs import StoredAccount, at, comment, open_session

MEDIA = "https://www.instagram.com/p/C0ABCdef123/"


def test_an_instagram_post_is_found_by_its_permalink(migrated: str) -> None:
    with open_session(migrated) as session:
        ig, page = StoredAccount(session, "valilik-ig", "instagram"), StoredAccount(session, "valilik")
        ig.run(at(0), {"m1": [comment("c1", post="m1")], "m2": [comment("c2", post="m2")]})
        page.run(at(0), {"m1": [comment("c3", post="m1")]})
        for account, post, link in ((ig, "m1", MEDIA), (ig, "m2", "https://evil.example/p/x/"),
                                    (page, "m1", MEDIA)):
            session.execute(update(Post).where(Post.account_id == account.id,
                                               Post.platform_id == post)
                            .values(raw={"id": post, "permalink": link}))
        found = instagram_permalinks(session, [("valilik-ig", "m1"), ("valilik-ig", "m2"),
                                               ("valilik", "m1"), ("valilik-ig", None)])
    assert found == {("valilik-ig", "m1"): MEDIA}  # not another site, not another platform
    assert platform_url("instagram", "comment_hidden", subject_id="c1", post_id="m1",
                        handle="valilik", permalink=MEDIA) == MEDIA
    assert platform_url("instagram", "comment_hidden", subject_id="c1", post_id="m1",
                        handle="valilik", permalink="https://evil.example/") == \
        "https://www.instagram.com/valilik/"
