"""The operators' page: list users, add one, give one a new link, disable one.

A one-time link opens an account, so it is never shown to the operator who asked for it: it is
e-mailed to its owner through [smtp] (an operator who could read it could set a manager's
password and review in her name). Each change is chained with the operator's address.
"""

from __future__ import annotations

import html

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from modaudit.clock import utcnow
from modaudit.config import Config
from modaudit.notify.mail import compose, send
from modaudit.store import users as store_users
from modaudit.store.portal_queries import Scope, accounts_in
from modaudit.store.runs import sync_accounts
from modaudit.web.portal import templating as portal
from modaudit.web.portal.auth import Viewer, require
from modaudit.web.portal.words import word


def _institutions(request: Request) -> set[str]:
    """Institutions a manager may be given: the configured accounts' and the stored ones'."""
    with Session(request.app.state.engine) as session:
        stored = {account.institution for account in accounts_in(session, Scope(None))}
    return stored | {account.institution for account in request.app.state.config.accounts}


def _change(request: Request, viewer: Viewer, action: str, email: str, role: str,
            institutions: list[str]) -> tuple[str, str]:
    """Make the change in one transaction: (the new link's token or "", the error or "")."""
    config: Config = request.app.state.config
    known = _institutions(request)
    try:
        with Session(request.app.state.engine) as session, session.begin():
            sync_accounts(session, config.accounts, utcnow())  # the chains the change goes on
            if action == "add":
                unknown = sorted(set(institutions) - known)
                if unknown:
                    raise store_users.UserError(f"no configured account has institution "
                                                f"{unknown[0]!r}")
                user = store_users.add_user(session, email, role, institutions, utcnow(),
                                            by=viewer.email)
                return store_users.issue_token(session, user, utcnow()), ""
            if action == "reset":
                return store_users.reset_user(session, email, utcnow(), by=viewer.email)[1], ""
            if action == "disable":
                store_users.set_disabled(session, email, utcnow(), by=viewer.email)
            return "", ""
    except store_users.UserError as exc:  # the transaction was rolled back
        return "", str(exc)


def _mail_link(request: Request, email: str, token: str) -> str:
    """E-mail the link to its owner (no transaction open); "" if delivered, else why not.

    A link that could not be delivered is cancelled: nobody holds it.
    """
    config: Config = request.app.state.config
    language = config.report.language
    link = f"{config.web.base_url or str(request.base_url).rstrip('/')}/parola/{token}"
    body = word("link_mail_body", language, link=link)
    message = compose(subject=word("link_mail_subject", language), sender=config.smtp.from_,
                      recipients=[email], text=body,
                      html=f"<pre>{html.escape(body)}</pre>", now=utcnow())
    delivery = send(config.smtp, message, [email])
    if delivery.ok:
        return ""
    with Session(request.app.state.engine) as session, session.begin():
        store_users.revoke_links(session, store_users.existing_user(session, email))
    return delivery.failures.get(email, "not delivered")


def _page(request: Request, viewer: Viewer, notice: str, error: str) -> Response:
    with Session(request.app.state.engine) as session:
        rows = store_users.list_users(session)
        session.expunge_all()
    return portal.render(request, "users.html", viewer=viewer, rows=rows, notice=notice,
                         error=error, institutions=sorted(_institutions(request)),
                         roles=store_users.ROLES)


async def users_page(request: Request) -> Response:
    """Operators list users, add one, disable one or have a new link e-mailed to one."""
    viewer = await run_in_threadpool(require, request, operator=True)
    notice, error = "", ""
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=20)
        action, email = str(form.get("action", "")), str(form.get("email", ""))[:320]
        institutions = [str(v) for v in form.getlist("institution") if str(v).strip()]
        token, error = await run_in_threadpool(_change, request, viewer, action, email,
                                               str(form.get("role", "")), institutions)
        if token:
            address = store_users.normal_email(email)
            language = request.app.state.config.report.language
            problem = await run_in_threadpool(_mail_link, request, address, token)
            notice = "" if problem else word("link_sent", language, email=address)
            error = word("link_not_sent", language, email=address, reason=problem) if problem else ""
    return await run_in_threadpool(_page, request, viewer, notice, error)
