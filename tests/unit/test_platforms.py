"""One descriptor per platform (modaudit/platforms/): complete, data only, and used everywhere a
platform differs, so that a new platform is a folder and a line."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from modaudit import platforms
from modaudit.config import PLATFORMS
from modaudit.report.links import platform_url
from modaudit.report.observability import unobservable

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ("collector", "probe", "fix")


@pytest.mark.parametrize("name", platforms.NAMES)
def test_each_descriptor_is_complete(name: str) -> None:
    """Names, both languages' limits, a base URL key of its section and readable hooks."""
    described = platforms.get(name)
    assert described.name == name and described.display
    assert set(described.unobservable) == {"tr", "en"}
    assert unobservable(name, "tr") and unobservable(name, "en")
    assert described.billing in ("requests", "resources", "units")
    assert all(key.endswith("_env") for key in described.secret_keys)
    for keys in described.credential_sets:
        assert set(keys) <= set(described.secret_keys)
    module = importlib.import_module(described.hooks)
    assert all(callable(getattr(module, hook, None)) for hook in HOOKS)


def test_the_configuration_accepts_exactly_the_registered_platforms() -> None:
    """`platform = "…"` in the configuration is one of the descriptors' names."""
    assert PLATFORMS == platforms.NAMES


def test_descriptors_import_nothing_of_modaudit() -> None:
    """The descriptors are data every layer reads: they import only each other."""
    for path in (ROOT / "modaudit" / "platforms").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                root = node.module.split(".")[0]
                assert root not in ("modaudit", "collectors", "analysis") \
                    or node.module.startswith("modaudit.platforms"), (path.name, node.module)


def test_youtube_links_open_the_video_at_the_comment() -> None:
    """A YouTube comment opens on its video with `&lc=`; a restriction opens the video."""
    assert platform_url("youtube", "comment_deleted", subject_id="UgzAbc", post_id="dQw4w9WgXcQ") \
        == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzAbc"
    assert platform_url("youtube", "replies_restricted", subject_id="dQw4w9WgXcQ",
                        post_id="dQw4w9WgXcQ") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert platform_url("unknown", "comment_deleted", subject_id="1", post_id="2") is None
