"""The simulated platform: Graph API and X API v2 subsets on loopback, driven by scenarios."""

from __future__ import annotations

from sandbox.api import Api, ApiRequest, ApiResponse
from sandbox.demo import author_deletion_scenario, demo_scenario
from sandbox.faults import Fault
from sandbox.graph import GraphApi
from sandbox.ig_scenario import IGAccountSpec, IGUser
from sandbox.scenario import (
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
from sandbox.server import Router, Simulator
from sandbox.x_api import XApi
from sandbox.x_scenario import (
    ReplySettingsAction,
    TweetAction,
    TweetDeleteAction,
    XAccountSpec,
    XBlockAction,
    XMuteAction,
    XUser,
)

__all__ = [
    "Action",
    "Api",
    "ApiRequest",
    "ApiResponse",
    "BanAction",
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
    "author_deletion_scenario",
    "demo_scenario",
]
