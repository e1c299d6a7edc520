"""Read block and mute lists from an X account archive (the owner's "download your data" zip).

The zip is untrusted: members are read in memory under size limits, names that could escape a
directory are refused, and any malformed member is an ArchiveError naming it. An archive
re-zipped with everything under one top folder (`twitter-2026-11-20/data/...`) is read the same.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from collectors.records import CollectorError, Snapshot, UserListing, UserRecord

MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200  # a member expanding more than this is treated as a compression bomb
MANIFEST = "data/manifest.js"
LISTS = {"blocked": ("block", "blocking"), "muted": ("mute", "muting")}


class ArchiveError(CollectorError):
    """The archive cannot be trusted or read; the message names the member at fault."""


def _check_names(archive: zipfile.ZipFile) -> None:
    for info in archive.infolist():
        name = info.filename
        path = PurePosixPath(name.replace("\\", "/"))
        if (path.is_absolute() or ".." in path.parts or ":" in name or "\\" in name
                or name.startswith("/")):
            raise ArchiveError(f"{name}: unsafe member name (absolute path or '..'); archive refused")


def _root(archive: zipfile.ZipFile) -> str:
    """The folder the archive's `data/` lives in: "" or one top folder shared by every member."""
    names = [info.filename for info in archive.infolist()]
    if MANIFEST in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names if "/" in name}
    if len(tops) == 1:
        top = next(iter(tops))
        if f"{top}/{MANIFEST}" in names and all(n.startswith(f"{top}/") for n in names):
            return f"{top}/"
    return ""


def _read(archive: zipfile.ZipFile, name: str, limit: int, root: str = "") -> bytes:
    try:
        info = archive.getinfo(root + name)
    except KeyError:
        raise ArchiveError(f"{name}: missing from the archive") from None
    if info.file_size > limit:
        raise ArchiveError(f"{name}: expands to {info.file_size} bytes, past the {limit}-byte limit")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
        raise ArchiveError(f"{name}: compression ratio over {MAX_RATIO}:1; refused as a zip bomb")
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)  # the header's size may lie: cap what is inflated
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise ArchiveError(f"{name}: cannot be read ({exc}); the archive may be truncated") from None
    if len(data) > limit:
        raise ArchiveError(f"{name}: expands past the {limit}-byte limit")
    return data


def _parse_js(name: str, data: bytes) -> Any:
    """The JSON after the first `=` of `window.YTD.<x>.partN = [...]`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchiveError(f"{name}: not UTF-8 text") from None
    prefix, equals, body = text.partition("=")
    if not equals or not prefix.strip().startswith("window."):
        raise ArchiveError(f"{name}: not an archive data file (no 'window.… =' assignment)")
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"{name}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _users(name: str, items: Any, key: str) -> list[UserRecord]:
    if not isinstance(items, list):
        raise ArchiveError(f"{name}: expected a list of entries")
    users = []
    for index, item in enumerate(items):
        entry = item.get(key) if isinstance(item, dict) else None
        account_id = entry.get("accountId") if isinstance(entry, dict) else None
        if not isinstance(account_id, str) or not account_id.isdigit():
            raise ArchiveError(f"{name}: entry {index} has no numeric '{key}.accountId'")
        users.append(UserRecord(platform_id=account_id, name=None, raw=entry))
    return users


def read_archive(path: str | Path, account_id: str, *, fetched_at: datetime,
                 limit: int = MAX_MEMBER_BYTES) -> Snapshot:
    """The block/mute lists in the archive at `path`, as a snapshot timed at its generation."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{Path(path).name}: not a readable zip archive ({exc})") from None
    with archive:
        _check_names(archive)
        root = _root(archive)
        manifest = _parse_js(MANIFEST, _read(archive, MANIFEST, limit, root))
        if not isinstance(manifest, dict):
            raise ArchiveError(f"{MANIFEST}: expected a JSON object")
        owner = str((manifest.get("userInfo") or {}).get("accountId", ""))
        if owner != account_id:
            raise ArchiveError(f"{MANIFEST}: the archive belongs to account {owner or '?'}, "
                               f"not to the configured account {account_id}")
        generated = (manifest.get("archiveInfo") or {}).get("generationDate")
        snapshot = Snapshot(fetched_at=_generation_time(generated) or fetched_at, posts_complete=True)
        data_types = manifest.get("dataTypes") or {}
        for list_name, (data_type, key) in LISTS.items():
            files = (data_types.get(data_type) or {}).get("files")
            if not files:
                continue  # not in this archive: that list is not observed
            users: list[UserRecord] = []
            for entry in files:
                member = entry.get("fileName") if isinstance(entry, dict) else None
                if not isinstance(member, str):
                    raise ArchiveError(f"{MANIFEST}: a '{data_type}' file has no fileName")
                users += _users(member, _parse_js(member, _read(archive, member, limit, root)), key)
            setattr(snapshot, list_name, UserListing(users=users, complete=True))
    return snapshot


def content_digest(snapshot: Snapshot) -> str:
    """SHA-256 of what an archive says (owner-independent lists, sorted): same lists, same digest."""
    lists = {name: sorted(u.platform_id for u in listing.users)
             for name, listing in (("blocked", snapshot.blocked), ("muted", snapshot.muted))
             if listing is not None}
    canonical = json.dumps({"generated": snapshot.fetched_at.isoformat(), "lists": lists},
                           sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _generation_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ArchiveError(f"{MANIFEST}: archiveInfo.generationDate {value!r} is not a date") from None
