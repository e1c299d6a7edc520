"""The demo channel's ground truth can be found from the simulator's answers alone, night by night.

A minimal reference reader (not the collector: the sandbox tests do not import it) lists the
channel's threads under each moderation status, pages replies, probes each video's comments state
and looks vanished comments up by id; from what it sees it derives findings with the issue's rules.
Precision and recall are 1.00, and the day-3 backendError yields no finding that night.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from modaudit.sandbox import Simulator
from modaudit.sandbox.scenarios.youtube_demo import YT_CHANNEL, youtube_demo_scenario
from tests.support.scenarios import night
from tests.support.yt_support import get

STATUSES = ("published", "heldForReview", "likelySpam")


class Incomplete(Exception):
    """A listing failed: nothing may be inferred from this night."""


def _ok(response: requests.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise Incomplete(response.status_code)
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Reader:
    """What the reader has seen so far, and the findings it has made."""

    sim: Simulator
    token: str = YT_CHANNEL.access_token
    status: dict[str, str] = field(default_factory=dict)  # comment id -> last seen status
    hidden: set[str] = field(default_factory=set)  # hidden by the channel, as seen
    comments_on: dict[str, bool] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    findings: set[tuple[str, str]] = field(default_factory=set)

    def night(self) -> None:
        """One audit: read everything, then decide; a failed read decides nothing."""
        try:
            videos = self._videos()
            switches = {v: self._comments_enabled(v) for v in videos}
        except Incomplete:
            return
        for video, enabled in switches.items():
            before = self.comments_on.get(video)
            if before is True and not enabled:
                self.findings.add(("replies_restricted", video))
            if before is False and enabled:
                self.findings.add(("replies_reopened", video))
            self.comments_on[video] = enabled
        try:
            seen = self._listed()
        except Incomplete:
            return
        for comment_id, now in seen.items():
            before = self.status.get(comment_id)
            if before == "published" and now != "published":
                self.findings.add(("comment_hidden", comment_id))
                self.hidden.add(comment_id)
            if comment_id in self.hidden and now == "published":
                self.findings.add(("comment_unhidden", comment_id))
                self.hidden.discard(comment_id)
            self.status[comment_id] = now
        missing = [c for c in self.status if c not in seen and c not in self.gone]
        if missing:
            found = _ok(get(self.sim, "comments", self.token, part="id", id=",".join(missing)))
            alive = {item["id"] for item in found["items"]}
            for comment_id in missing:
                if comment_id not in alive:
                    self.gone.add(comment_id)
                    parent = comment_id.split(".")[0]
                    if "." not in comment_id or parent not in missing:  # replies go with parents
                        self.findings.add(("comment_deleted", comment_id))

    def _videos(self) -> list[str]:
        body = _ok(get(self.sim, "playlistItems", self.token, part="contentDetails", maxResults=50,
                       playlistId=YT_CHANNEL.uploads_playlist_id))
        return [item["contentDetails"]["videoId"] for item in body["items"]]

    def _comments_enabled(self, video: str) -> bool:
        answer = get(self.sim, "commentThreads", self.token, part="id", videoId=video, maxResults=1)
        if answer.status_code == 403 and answer.json()["error"]["errors"][0]["reason"] == (
            "commentsDisabled"
        ):
            return False
        _ok(answer)
        return True

    def _listed(self) -> dict[str, str]:
        """Every comment in a complete listing, with its moderation status."""
        seen: dict[str, str] = {}
        for status in STATUSES:
            token = None
            while True:
                params = {"part": "snippet,replies", "moderationStatus": status, "maxResults": 100,
                          "allThreadsRelatedToChannelId": YT_CHANNEL.channel_id}
                body = _ok(get(self.sim, "commentThreads", self.token, **params,
                               **({"pageToken": token} if token else {})))
                for thread in body["items"]:
                    top = thread["snippet"]["topLevelComment"]
                    seen[top["id"]] = top["snippet"]["moderationStatus"]
                    inlined = thread.get("replies", {}).get("comments", [])
                    for reply in inlined:
                        seen[reply["id"]] = reply["snippet"]["moderationStatus"]
                    if status == "published" and thread["snippet"]["totalReplyCount"] > len(inlined):
                        seen.update(self._replies(top["id"]))
                token = body.get("nextPageToken")
                if token is None:
                    break
        # Comments under videos whose comments are off are not listed; keep what was known.
        for comment_id, status in self.status.items():
            if comment_id not in seen and self._video_off(comment_id):
                seen[comment_id] = status
        return seen

    def _replies(self, parent: str) -> dict[str, str]:
        found: dict[str, str] = {}
        token = None
        while True:
            body = _ok(get(self.sim, "comments", self.token, part="snippet", parentId=parent,
                           maxResults=100, **({"pageToken": token} if token else {})))
            found.update({c["id"]: c["snippet"]["moderationStatus"] for c in body["items"]})
            token = body.get("nextPageToken")
            if token is None:
                return found

    def _video_off(self, comment_id: str) -> bool:
        body = _ok(get(self.sim, "comments", self.token, part="snippet", id=comment_id))
        return any(not self.comments_on.get(c["snippet"]["videoId"], True) for c in body["items"])


def test_the_demo_week_is_found_with_precision_and_recall_one() -> None:
    scenario = youtube_demo_scenario()  # with its day-3 backendError
    truth = {(t.kind, t.subject_id) for t in scenario.ground_truth()}
    with Simulator(scenario) as sim:
        reader = Reader(sim)
        for day in range(8):
            sim.set_now(night(scenario, day))
            reader.night()
        assert sim.fault_counts["http500"] == 1
    assert reader.findings == truth
