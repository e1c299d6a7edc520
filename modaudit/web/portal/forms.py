"""The portal's forms (POST): sign in and out, set a password, review a finding, manage users.

Every form carries the CSRF token (checked by asgi-csrf before these run); every change goes
through the store's one writer for it.
"""

from __future__ import annotations

import filetype
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from modaudit.store import users as store_users
from modaudit.store.attachments import NewAttachment
from modaudit.store.engine import utcnow
from modaudit.store.findings import ReviewError, review_finding
from modaudit.store.schema import Account, Finding
from modaudit.web.portal import templating as portal
from modaudit.web.portal.auth import (
    MIN_PASSWORD,
    check_login,
    client_address,
    current_viewer,
    hash_password,
    redirect,
    require,
    safe_next,
    start_session,
)
from modaudit.web.portal.pages import ReviewDraft, finding_response
from modaudit.web.portal.queries import Scope, accounts_in
from modaudit.web.portal.words import DECISIONS, word

# What a court order or a screenshot is, judged from the bytes, never from the name or header.
ATTACHMENT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})
FORM_OVERHEAD = 64 * 1024  # the note and the fields around an attachment


def _language(request: Request) -> str:
    return request.app.state.config.report.language


async def login(request: Request) -> Response:
    """The sign-in form; throttled per address typed and per client, attempts kept."""
    if request.method == "GET":
        back = safe_next(request.query_params.get("next"))
        if current_viewer(request):
            return redirect(back)
        return portal.render(request, "login.html", error="", back=back)
    form = await request.form(max_files=0, max_fields=5)
    email, password = str(form.get("email", ""))[:320], str(form.get("password", ""))[:1024]
    back = safe_next(str(form.get("next", "")))
    with Session(request.app.state.engine) as session, session.begin():
        user, problem = check_login(session, email, password, client_address(request))
        if user is not None:
            start_session(request, user)
    if problem:
        return portal.render(request, "login.html", status=429 if problem == "throttled" else 401,
                             error=word(problem, _language(request)), email=email, back=back)
    return redirect(back)


async def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return redirect("/giris")


async def set_password(request: Request) -> Response:
    """A one-time link's form: the user chooses their password (argon2-hashed, never kept clear)."""
    token, language = request.path_params["token"], _language(request)
    with Session(request.app.state.engine) as session, session.begin():
        if store_users.token_user(session, token, utcnow()) is None:
            return portal.render(request, "message.html", status=404,
                                 message=word("link_invalid", language))
        if request.method == "GET":
            return portal.render(request, "password.html", error="")
        form = await request.form(max_files=0, max_fields=5)
        password, again = str(form.get("password", "")), str(form.get("again", ""))
        error = ("password_short" if len(password) < MIN_PASSWORD
                 else "password_mismatch" if password != again else "")
        if error:
            return portal.render(request, "password.html", status=400, error=word(error, language))
        store_users.redeem_token(session, token, hash_password(password), utcnow())
    request.session.clear()
    return portal.render(request, "message.html", message=word("password_set", language),
                         links=[("/giris", "login")])


async def _attachment(upload: object, limit: int) -> NewAttachment | str | None:
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
    return NewAttachment(filename=upload.filename.replace("/", "_").replace("\\", "_"),
                         content_type=kind.mime, content=content)


async def review(request: Request) -> Response:
    """Record a manager's review of a finding in their institutions, with an optional attachment."""
    viewer = require(request, comments=True)
    fid = request.path_params["fid"]
    config = request.app.state.config
    with Session(request.app.state.engine) as session:
        visible = session.scalar(viewer.scope.where(
            select(Finding.id).join(Account, Account.id == Finding.account_id)
            .where(Finding.id == fid)))
    if visible is None:
        raise HTTPException(404)
    if not viewer.reviews:
        raise HTTPException(403)
    limit = config.web.max_attachment_mb * 1024 * 1024
    back = f"/bulgu/{fid}"
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > limit + FORM_OVERHEAD:
        return redirect(f"{back}?hata=too_big#inceleme")
    form = await request.form(max_files=1, max_fields=5)
    status, note = str(form.get("status", "")), str(form.get("note", ""))[:5000]
    upload = form.get("attachment")
    # A refused review is answered with the page itself, her choice and note in place and the
    # reason beside its field (a redirect would lose what she typed).
    draft = ReviewDraft(status if status in DECISIONS else "", note,
                        upload.filename or "" if isinstance(upload, UploadFile) else "")
    if status not in DECISIONS:
        return finding_response(request, viewer, fid, error="bad_decision", draft=draft, status=400)
    if not note.strip():
        return finding_response(request, viewer, fid, error="note_required", draft=draft, status=400)
    attached = await _attachment(upload, limit)
    if isinstance(attached, str):
        return finding_response(request, viewer, fid, error=attached, draft=draft, status=400)
    with Session(request.app.state.engine) as session, session.begin():
        try:
            review_finding(session, fid, status, note, viewer.email, utcnow(),
                           attachments=[attached] if attached else [])
        except ReviewError:
            return finding_response(request, viewer, fid, error="bad_decision", draft=draft,
                                    status=400)
    return redirect(f"{back}?kaydedildi=1#history")


def _institutions(request: Request) -> set[str]:
    """Institutions a manager may be given: the configured accounts' and the stored ones'."""
    with Session(request.app.state.engine) as session:
        stored = {account.institution for account in accounts_in(session, Scope(None))}
    return stored | {account.institution for account in request.app.state.config.accounts}


async def users_page(request: Request) -> Response:
    """Operators list users, add one, disable one or give one a new link."""
    viewer = require(request, operator=True)
    config = request.app.state.config
    link, error = "", ""
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=20)
        action, email = str(form.get("action", "")), str(form.get("email", ""))[:320]
        institutions = [str(v) for v in form.getlist("institution") if str(v).strip()]
        known = _institutions(request)
        with Session(request.app.state.engine) as session, session.begin():
            try:
                if action == "add":
                    unknown = sorted(set(institutions) - known)
                    if unknown:
                        raise store_users.UserError(f"no configured account has institution "
                                                    f"{unknown[0]!r}")
                    user = store_users.add_user(session, email, str(form.get("role", "")),
                                                institutions, utcnow())
                    link = store_users.issue_token(session, user, utcnow())
                elif action == "reset":
                    link = store_users.issue_token(session, store_users.existing_user(session, email),
                                                   utcnow())
                elif action == "disable":
                    store_users.set_disabled(session, email)
            except store_users.UserError as exc:
                error = str(exc)
        if link:
            link = f"{config.web.base_url or str(request.base_url).rstrip('/')}/parola/{link}"
    with Session(request.app.state.engine) as session:
        rows = store_users.list_users(session)
        session.expunge_all()
    institutions = sorted(_institutions(request))
    return portal.render(request, "users.html", viewer=viewer, rows=rows, link=link, error=error,
                         link_email=str(form.get("email", "")) if link else "",
                         institutions=institutions, roles=store_users.ROLES)
