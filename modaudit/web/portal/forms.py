"""The portal's forms (POST): sign in and out, set a password, review a finding.

Every form carries its session's CSRF token (checked in csrf.py before these run); every change
goes through the store's one writer for it. A handler awaits only the form; what reads the
database or runs argon2 goes to Starlette's thread pool, so the event loop serves other pages
meanwhile.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from modaudit.clock import utcnow
from modaudit.store import users as store_users
from modaudit.store.attachments import NewAttachment
from modaudit.store.findings import ReviewError, review_finding
from modaudit.store.portal_queries import finding_visible
from modaudit.web.portal import templating as portal
from modaudit.web.portal.auth import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    Viewer,
    check_login,
    client_address,
    current_viewer,
    end_session,
    hash_password,
    redirect,
    require,
    safe_next,
    start_session,
)
from modaudit.web.portal.pages import ReviewDraft, finding_response
from modaudit.web.portal.uploads import read_attachment
from modaudit.web.portal.words import DECISIONS, word

FORM_OVERHEAD = 64 * 1024  # the note and the fields around an attachment


def _language(request: Request) -> str:
    return request.app.state.config.report.language


def _sign_in(request: Request, email: str, password: str) -> str:
    """Check the password and start the session: "" if signed in, else the problem's word key."""
    user, problem = check_login(request.app.state.engine, email, password,
                                client_address(request))
    if user is not None:
        start_session(request, user)
    return problem


async def login(request: Request) -> Response:
    """The sign-in form; throttled per address typed and per client, attempts kept."""
    if request.method == "GET":
        back = safe_next(request.query_params.get("next"))
        if await run_in_threadpool(current_viewer, request):
            return redirect(back)
        return portal.render(request, "login.html", error="", back=back)
    form = await request.form(max_files=0, max_fields=5)
    email, password = str(form.get("email", ""))[:320], str(form.get("password", ""))
    back = safe_next(str(form.get("next", "")))
    problem = await run_in_threadpool(_sign_in, request, email, password)
    if problem:
        return portal.render(request, "login.html", status=429 if problem == "throttled" else 401,
                             error=word(problem, _language(request)), email=email, back=back)
    return redirect(back)


def logout(request: Request) -> Response:
    """End the session, on the server too: the cookie stops working even if a copy was kept."""
    end_session(request)
    return redirect("/giris")


def password_problem(password: str, again: str) -> str:
    """The word key of what is wrong with a new password, or ""."""
    return ("password_short" if len(password) < MIN_PASSWORD
            else "password_long" if len(password) > MAX_PASSWORD
            else "password_mismatch" if password != again else "")


def _link_valid(request: Request, token: str) -> bool:
    with Session(request.app.state.engine) as session:
        return store_users.token_user(session, token, utcnow()) is not None


def _redeem(request: Request, token: str, password: str) -> bool:
    with Session(request.app.state.engine) as session, session.begin():
        return store_users.redeem_token(session, token, hash_password(password), utcnow()) is not None


async def set_password(request: Request) -> Response:
    """A one-time link's form: the user chooses their password (argon2-hashed, never kept clear)."""
    token, language = request.path_params["token"], _language(request)
    invalid = portal.render(request, "message.html", status=404,
                            message=word("link_invalid", language))
    if not await run_in_threadpool(_link_valid, request, token):
        return invalid
    if request.method == "GET":
        return portal.render(request, "password.html", error="")
    form = await request.form(max_files=0, max_fields=5)
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    error = password_problem(password, again)
    if error:
        return portal.render(request, "password.html", status=400, error=word(error, language))
    if not await run_in_threadpool(_redeem, request, token, password):
        return invalid  # used or replaced by a newer link meanwhile
    request.session.clear()
    return portal.render(request, "message.html", message=word("password_set", language),
                         links=[("/giris", "login")])


def _reviewer(request: Request, fid: int) -> Viewer:
    """The signed-in manager who may review finding `fid`; 404 if they may not see it."""
    viewer = require(request, comments=True)
    with Session(request.app.state.engine) as session:
        visible = finding_visible(session, viewer.scope, fid)
    if not visible:
        raise HTTPException(404)
    if not viewer.reviews:
        raise HTTPException(403)
    return viewer


def _record_review(request: Request, fid: int, status: str, note: str, by: str,
                   attached: NewAttachment | None) -> bool:
    with Session(request.app.state.engine) as session, session.begin():
        try:
            review_finding(session, fid, status, note, by, utcnow(),
                           attachments=[attached] if attached else [])
        except ReviewError:
            return False
    return True


async def review(request: Request) -> Response:
    """Record a manager's review of a finding in their institutions, with an optional attachment."""
    fid = request.path_params["fid"]
    viewer = await run_in_threadpool(_reviewer, request, fid)
    limit = request.app.state.config.web.max_attachment_mb * 1024 * 1024
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
        return await _refused(request, viewer, fid, "bad_decision", draft)
    if not note.strip():
        return await _refused(request, viewer, fid, "note_required", draft)
    attached = await read_attachment(upload, limit)
    if isinstance(attached, str):
        return await _refused(request, viewer, fid, attached, draft)
    if not await run_in_threadpool(_record_review, request, fid, status, note, viewer.email,
                                   attached):
        return await _refused(request, viewer, fid, "bad_decision", draft)
    return redirect(f"{back}?kaydedildi=1#history")


async def _refused(request: Request, viewer: Viewer, fid: int, error: str,
                   draft: ReviewDraft) -> Response:
    """The finding's page again (off the event loop), her draft kept and the reason shown."""
    return await run_in_threadpool(finding_response, request, viewer, fid, error=error,
                                   draft=draft, status=400)
