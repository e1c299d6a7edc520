"""The simulated platforms on loopback, driven by scenarios: Graph API, X API v2, YouTube Data
API v3 and Bluesky (XRPC)."""

from __future__ import annotations

from modaudit.sandbox.api import Api, ApiRequest, ApiResponse
from modaudit.sandbox.bluesky.api import BlueskyApi
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.graph.api import GraphApi
from modaudit.sandbox.scenarios.demo import author_deletion_scenario, demo_scenario
from modaudit.sandbox.server import Router, Simulator
from modaudit.sandbox.world.bluesky_actions import BskyActor
from modaudit.sandbox.world.instagram import IGAccountSpec, IGUser
from modaudit.sandbox.world.scenario import (
    Action,
    BanAction,
    CommentAction,
    DeleteAction,
    GroundTruth,
    HideAction,
    PageSpec,
    PlatformState,
    PostAction,
    Scenario,
    ScenarioError,
    User,
)
from modaudit.sandbox.world.x import (
    ReplySettingsAction,
    TweetAction,
    TweetDeleteAction,
    XAccountSpec,
    XBlockAction,
    XMuteAction,
    XUser,
)
from modaudit.sandbox.world.youtube import (
    YTAuthor,
    YTChannelSpec,
    YTCommentAction,
    YTVideoAction,
)
from modaudit.sandbox.x.api import XApi
from modaudit.sandbox.youtube.api import YouTubeApi

__all__ = [
    "Action",
    "Api",
    "ApiRequest",
    "ApiResponse",
    "BanAction",
    "BlueskyApi",
    "BskyActor",
    "CommentAction",
    "DeleteAction",
    "Fault",
    "GraphApi",
    "GroundTruth",
    "HideAction",
    "IGAccountSpec",
    "IGUser",
    "PageSpec",
    "PlatformState",
    "PostAction",
    "ReplySettingsAction",
    "Router",
    "Scenario",
    "ScenarioError",
    "Simulator",
    "TweetAction",
    "TweetDeleteAction",
    "User",
    "XAccountSpec",
    "XApi",
    "XBlockAction",
    "XMuteAction",
    "XUser",
    "YTAuthor",
    "YTChannelSpec",
    "YTCommentAction",
    "YTVideoAction",
    "YouTubeApi",
    "author_deletion_scenario",
    "demo_scenario",
]
