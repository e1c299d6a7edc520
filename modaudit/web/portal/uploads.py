"""Review attachments: what they may be (judged from their bytes) and the names the server gives.

The uploader's file name is never kept or served: a PNG uploaded as `karar.hta` is stored and
downloaded as `ek-<digest>.png`, so no browser or desktop treats it as anything but its type.
"""

from __future__ import annotations

import hashlib

import filetype
from starlette.datastructures import UploadFile

from modaudit.store.attachments import NewAttachment

# What a court order or a screenshot is, judged from the bytes, never from the name or header;
# each type with the extension its files get.
ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
                    "image/gif": "gif", "image/webp": "webp"}
# The review form's problems, as `/bulgu/N?hata=` names them; any other value is ignored.
REVIEW_PROBLEMS = frozenset({"too_big", "bad_attachment", "bad_decision", "note_required"})


def attachment_name(sha256: str, content_type: str) -> str:
    """The server's name for an attachment: its digest's start and its checked type's extension."""
    return f"ek-{sha256[:16]}.{ATTACHMENT_TYPES.get(content_type, 'bin')}"


async def read_attachment(upload: object, limit: int) -> NewAttachment | str | None:
    """The uploaded file as an attachment, None if none was given, or the problem's word key."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read(limit + 1)
    if not content:
        return None
    if len(content) > limit:
        return "too_big"
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ATTACHMENT_TYPES:
        return "bad_attachment"
    name = attachment_name(hashlib.sha256(content).hexdigest(), kind.mime)
    return NewAttachment(filename=name, content_type=kind.mime, content=content)
