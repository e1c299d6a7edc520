"""One Bluesky account audited from outside: its public records on its PDS, its posts and threads.

No credential anywhere: blocks, listblocks, threadgates and postgates are public records of the
account's repository (`com.atproto.repo.listRecords` on its PDS, found in its DID document);
posts and reply threads come from the public AppView. Mutes are private and never read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from collectors.bluesky.payloads import (
    BLOCK,
    LISTBLOCK,
    POST,
    POSTGATE,
    THREADGATE,
    DidDoc,
    Gate,
    detached_quotes,
    list_members,
    page_of,
    profile_names,
    record_key,
    rkey_of,
    transform_block,
    transform_gate,
    transform_post,
)
from collectors.bluesky.thread import thread_replies
from collectors.listings import comment_listing, is_throttled, items_of, posts_in_window, transformed
from collectors.paging import Cursor, Page, walk
from collectors.reads import ReadMeter
from collectors.records import (
    CollectorError,
    CommentListing,
    CommentRecord,
    DetachedQuote,
    LookupResult,
    NotFound,
    PlatformError,
    PostRecord,
    RateLimited,
    ReadPlan,
    RunWarning,
    Snapshot,
    UserListing,
    UserRecord,
)
from collectors.validation import ListingProblems

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # listRecords, getAuthorFeed and getList allow at most 100
PROFILES_PER_CALL = 25  # app.bsky.actor.getProfiles: at most 25 actors
THREAD_DEPTH = 1000  # getPostThread's deepest
Progress = Callable[[int, int], None]


class Reader(Protocol):
    """What the collector needs of the SDK side (collectors/bluesky/client.XrpcReader)."""

    meter: ReadMeter
    calls: int

    def query(self, service_url: str, nsid: str, params: dict[str, Any]) -> dict[str, Any]:
        """The JSON answer of one XRPC query, checked against its lexicon."""
        ...

    def did_document(self, did: str, plc_url: str) -> DidDoc:
        """The account's DID document, read."""
        ...


class BlueskyCollector:
    """Collects one Bluesky account by its DID: block records, gates, posts in the window, threads."""

    def __init__(self, reader: Reader, *, did: str, handle: str | None, appview_url: str,
                 plc_url: str, page_size: int = PAGE_SIZE) -> None:
        self.reader = reader
        self.did = did
        self.handle = handle
        self.appview_url = appview_url
        self.plc_url = plc_url
        self.page_size = page_size
        self._document: DidDoc | None = None
        self._documents: dict[str, DidDoc] = {}  # others' DID documents, read once per collector

    @property
    def api_calls(self) -> int:
        """Requests sent so far."""
        return self.reader.calls

    @property
    def meter(self) -> ReadMeter:
        """What this collector has read, per XRPC method."""
        return self.reader.meter

    # --- identity -------------------------------------------------------------------------------

    def document(self) -> DidDoc:
        """The account's DID document (read once per collector)."""
        if self._document is None:
            self._document = self.reader.did_document(self.did, self.plc_url)
        return self._document

    def identity(self) -> tuple[str | None, str | None, str | None]:
        """(DID the handle resolves to, handle the DID document claims, PDS URL)."""
        from_handle: str | None = None
        if self.handle:
            answer = self.reader.query(self.appview_url, "com.atproto.identity.resolveHandle",
                                       {"handle": self.handle})
            from_handle = answer.get("did") if isinstance(answer.get("did"), str) else None
        document = self.document()
        return from_handle, document.handle, document.pds_url

    def check_token(self) -> None:
        """Resolve the handle and the DID both ways; NotFound (naming both) when they disagree.

        There is no token on Bluesky: this is the account check every platform's `check` calls.
        """
        from_handle, claimed, pds_url = self.identity()
        details = {"object": "account", "did": self.did, "handle": self.handle,
                   "did_from_handle": from_handle, "handle_from_did_doc": claimed, "pds_url": pds_url}
        if self.handle and from_handle != self.did:
            raise NotFound(f"the handle {self.handle} resolves to {from_handle or 'nothing'}, not to "
                           f"the configured DID {self.did}", details)
        if self.handle and (claimed or "").lower() != self.handle.lower():
            raise NotFound(f"the DID document of {self.did} claims the handle {claimed or 'none'}, "
                           f"not {self.handle}", details)
        if not pds_url:
            raise PlatformError(f"the DID document of {self.did} names no #atproto_pds service",
                                details)

    def _pds(self) -> str:
        pds_url = self.document().pds_url
        if not pds_url:
            raise PlatformError(f"the DID document of {self.did} names no #atproto_pds service")
        return pds_url

    # --- paging ---------------------------------------------------------------------------------

    def _pages(self, service_url: str, nsid: str, params: dict[str, Any], items_key: str,
               what: str, item_key: Callable[[dict[str, Any]], Any]) -> Iterator[Page]:
        def fetch(cursor: Cursor | None) -> Page:
            query = {**params, "limit": self.page_size,
                     "cursor": cursor if isinstance(cursor, str) else None}
            return page_of(self.reader.query(service_url, nsid, query), items_key)
        yield from walk(fetch, page_size=self.page_size, what=what, item_key=item_key)

    def record_pages(self, collection: str) -> Iterator[Page]:
        """The account's records of one collection on its PDS."""
        return self._pages(self._pds(), "com.atproto.repo.listRecords",
                           {"repo": self.did, "collection": collection}, "records",
                           f"{collection} records of {self.did}", record_key)

    def post_items(self) -> Iterator[Any]:
        """The account's own posts from the AppView, newest first (replies left out)."""
        return items_of(self._pages(self.appview_url, "app.bsky.feed.getAuthorFeed",
                                    {"actor": self.did, "filter": "posts_no_replies"}, "feed",
                                    f"posts of {self.did}", _feed_key))

    # --- collect --------------------------------------------------------------------------------

    def collect(self, *, now: datetime, since: datetime, progress: Progress | None = None,
                plan: ReadPlan | None = None) -> Snapshot:
        """One pass over the account; errors mark listings incomplete rather than raise."""
        snapshot = Snapshot(fetched_at=now)
        calls_before = self.reader.calls
        self.check_token()  # an unresolvable account fails the run outright
        threadgates = self._gates(THREADGATE, snapshot)
        postgates = self._gates(POSTGATE, snapshot)
        snapshot.detached_quotes = (None if postgates is None else self._with_quote_context(
            [quote for gate in postgates.values() for quote in detached_quotes(gate)], snapshot))
        posts = posts_in_window(
            self.post_items(),
            lambda raw: transform_post(raw, did=self.did, handle=self.handle, threadgates=threadgates,
                                       postgates=postgates),
            since, snapshot, f"posts of {self.did}")
        throttled = False
        for index, post in enumerate(posts):
            listing = CommentListing(post=post)
            if plan is not None and plan.due(post) is None:
                listing.skipped = "schedule"
            elif throttled:
                listing.error = "not listed: throttled earlier in this run"
            else:
                listing = self._list_replies(post, threadgates, snapshot)
                throttled = is_throttled(listing)
            snapshot.listings.append(listing)
            if progress:
                progress(index + 1, len(posts))
        if plan is None or plan.lists:
            snapshot.blocked = self._list_blocked(snapshot)
        snapshot.muted = None  # mutes are private on Bluesky
        snapshot.api_calls = self.reader.calls - calls_before
        log.info("bluesky %s: %d posts, %d calls", self.did, len(posts), snapshot.api_calls)
        return snapshot

    def _gates(self, collection: str, snapshot: Snapshot) -> dict[str, Gate] | None:
        """Post uri → its threadgate or postgate; None if the listing is incomplete."""
        problems = ListingProblems(f"{collection} records of {self.did}")
        gates: dict[str, Gate] = {}
        try:
            for gate in transformed(items_of(self.record_pages(collection)),
                                    lambda raw: transform_gate(raw, collection), problems):
                gates.setdefault(gate.post_id, gate)
        except CollectorError as exc:
            snapshot.warnings.append(RunWarning(f"{collection.rsplit('.', 1)[-1]}_incomplete", str(exc)))
            return None
        if problems:
            snapshot.warnings.append(problems.warning())
            return None
        return gates

    def _list_replies(self, post: PostRecord, threadgates: dict[str, Gate] | None,
                      snapshot: Snapshot) -> CommentListing:
        gate = threadgates.get(post.platform_id) if threadgates is not None else None
        hidden: frozenset[str] | None = None  # None: the threadgates are unread
        if threadgates is not None:
            gated = gate.threadgate if gate else None
            hidden = frozenset(gated.hiddenReplies or []) if gated else frozenset()

        def replies(problems: ListingProblems) -> Iterator[CommentRecord]:
            answer = self.reader.query(self.appview_url, "app.bsky.feed.getPostThread",
                                       {"uri": post.platform_id, "depth": THREAD_DEPTH, "parent_height": 0})
            yield from thread_replies(answer, post.platform_id, hidden, problems)

        listing = comment_listing(post, replies, snapshot, f"thread of {post.platform_id}")
        if hidden is None and listing.complete:
            # Without the threadgates no reply's visibility is known: not a comparable listing.
            listing.complete = False
            listing.error = "the threadgate records could not be read: hidden replies unknown"
        return listing

    def _list_blocked(self, snapshot: Snapshot) -> UserListing:
        """Blocks and listblocks as one listing; incomplete if either could not be read whole."""
        listing = UserListing()
        problems = ListingProblems(f"block records of {self.did}")
        try:
            blocks = [raw for raw in items_of(self.record_pages(BLOCK))]
            listblocks = [raw for raw in items_of(self.record_pages(LISTBLOCK))]
        except CollectorError as exc:
            listing.error = str(exc)
            snapshot.warnings.append(RunWarning("blocked_incomplete", str(exc)))
            return listing
        names = self._handles(blocks, snapshot)
        users: dict[str, UserRecord] = {}
        for raw in blocks:
            user, item_problems = transform_block(raw, names)
            problems.add(item_problems)
            if user is not None:
                users.setdefault(user.platform_id, user)
        for raw in listblocks:
            user, item_problems = transform_block(raw, kind="listblock")
            problems.add(item_problems)
            if user is not None and user.platform_id not in users:
                users[user.platform_id] = self._with_members(user, snapshot)
        listing.users = list(users.values())
        listing.complete = not problems
        if problems:
            listing.error = problems.summary()
            snapshot.warnings.append(problems.warning())
        return listing

    def _handles(self, blocks: list[Any], snapshot: Snapshot) -> dict[str, str]:
        """Blocked DIDs' handles from the AppView (context only: a failure names no one)."""
        values = [raw.get("value") for raw in blocks if isinstance(raw, dict)]
        dids = sorted({value["subject"] for value in values
                       if isinstance(value, dict) and isinstance(value.get("subject"), str)})
        names: dict[str, str] = {}
        for start in range(0, len(dids), PROFILES_PER_CALL):
            try:
                names.update(profile_names(self.reader.query(
                    self.appview_url, "app.bsky.actor.getProfiles",
                    {"actors": dids[start:start + PROFILES_PER_CALL]})))
            except CollectorError as exc:
                snapshot.warnings.append(RunWarning("profiles_unread", f"handles of blocked accounts: {exc}"))
                break
        return names

    def _with_members(self, user: UserRecord, snapshot: Snapshot) -> UserRecord:
        """A listblock with the blocked list's members as the AppView shows them (getList, paged)."""
        members: list[dict[str, str]] = []
        problems = ListingProblems(f"members of {user.platform_id}")
        name: str | None = None
        complete = True
        try:
            for page in self._pages(self.appview_url, "app.bsky.graph.getList", {"list": user.platform_id},
                                    "items", f"members of {user.platform_id}", _item_key):
                listed = page.raw.get("list")
                if name is None and isinstance(listed, dict) and isinstance(listed.get("name"), str):
                    name = listed["name"]
                found, item_problems = list_members(page.items)
                members += found
                problems.add(item_problems)
        except CollectorError as exc:
            complete = False
            snapshot.warnings.append(RunWarning("listblock_members_incomplete", str(exc)))
        if problems:
            complete = False
            snapshot.warnings.append(problems.warning("listblock_members_incomplete"))
        return UserRecord(platform_id=user.platform_id, name=name,
                          raw={**user.raw, "members": members, "members_complete": complete},
                          recorded_at=user.recorded_at)

    # --- one by one -----------------------------------------------------------------------------

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """Unknown (None): a block record is keyed by its rkey, not by the blocked DID."""
        return None

    def _post_record(self, uri: str) -> dict[str, Any]:
        """A post's record (getRecord) from its author's PDS, found in the author's DID document."""
        repo = uri.removeprefix("at://").split("/", 1)[0]
        if not repo.startswith("did:"):
            raise PlatformError(f"{uri} is not a post at-uri naming its author's DID")
        pds_url = self._document_of(repo).pds_url
        if not pds_url:
            raise PlatformError(f"the DID document of {repo} names no #atproto_pds service")
        return self.reader.query(pds_url, "com.atproto.repo.getRecord",
                                 {"repo": repo, "collection": POST, "rkey": rkey_of(uri)})

    def _document_of(self, did: str) -> DidDoc:
        if did not in self._documents:
            self._documents[did] = self.reader.did_document(did, self.plc_url)
        return self._documents[did]

    def _with_quote_context(self, quotes: list[DetachedQuote],
                            snapshot: Snapshot) -> list[DetachedQuote]:
        """Each detached quote with its author's handle and its text, as context: the postgate
        record is the evidence, so a quote that cannot be read is kept without them."""
        found: list[DetachedQuote] = []
        for index, quote in enumerate(quotes):
            author = quote.quote_uri.removeprefix("at://").split("/", 1)[0]
            try:
                value = self._post_record(quote.quote_uri).get("value")
                text = value.get("text") if isinstance(value, dict) else None
                handle = self._document_of(author).handle
            except CollectorError as exc:
                snapshot.warnings.append(RunWarning("quote_unread", f"quote {quote.quote_uri}: {exc}"))
                if isinstance(exc, RateLimited):  # asked to slow down: the rest stay unread
                    return found + quotes[index:]
                found.append(quote)
                continue
            found.append(replace(quote, quote_author=handle or author,
                                 quote_text=text if isinstance(text, str) else None))
        return found

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look a reply up on its author's PDS: RecordNotFound → gone, found → present."""
        try:
            answer = self._post_record(comment_id)
        except NotFound as exc:
            if exc.details.get("error") != "RecordNotFound":
                raise
            return LookupResult(status="gone", answer={"error": str(exc), **exc.details})
        return LookupResult(status="present", is_hidden=None,
                            answer={"uri": answer.get("uri"), "cid": answer.get("cid")})


def _feed_key(item: dict[str, Any]) -> str | None:
    post = item.get("post") if isinstance(item, dict) else None
    uri = post.get("uri") if isinstance(post, dict) else None
    # A repost repeats an old post's uri: key it apart so it never hides the post itself.
    reason = item.get("reason")
    if reason is not None and uri:
        return f"{uri}#{reason.get('$type') if isinstance(reason, dict) else reason}"
    return uri


def _item_key(item: dict[str, Any]) -> str | None:
    subject = item.get("subject") if isinstance(item, dict) else None
    did = subject.get("did") if isinstance(subject, dict) else None
    return did if isinstance(did, str) else None
