"""Pages from the portal's templates: Jinja2 autoescaped, user text through the report's `bdi`."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from modaudit.config import Config
from modaudit.report import i18n
from modaudit.report.render import _SEVERITY_COLOURS, bdi, bracket  # the email's colours, words
from modaudit.report.subjects import Subject, describe
from modaudit.web.portal import csrf
from modaudit.web.portal.words import WORDS


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("modaudit.web.portal", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["bdi"] = bdi
    env.filters["dt"] = _dt
    env.filters["term"] = _term
    env.globals["when"] = _when
    env.globals["about"] = _about
    env.globals["kind"] = _kind
    env.globals["actor"] = _actor
    env.globals["colour"] = lambda severity: _SEVERITY_COLOURS.get(severity, "#98a2b3")
    return env


@pass_context
def _dt(context: Context, moment: Any) -> str:
    return i18n.format_datetime(moment, context["lang"], context["tz"])


@pass_context
def _when(context: Context, after: Any, before: Any) -> str:
    """An action's time as the report writes it: one instant once, a bracket as a range."""
    return bracket(after, before, False, context["lang"], context["tz"])


@pass_context
def _about(context: Context, row: Any) -> Subject:
    """A findings list row's subject in its kind's words (a comment, a user or a post)."""
    return describe(row.kind, row.subject_id, name=row.subject_name, text=row.text,
                    post_id=row.post_id, evidence=row.evidence, language=context["lang"],
                    tz=context["tz"], post_text=row.post_text, published_at=row.published_at,
                    platform=row.platform)


@pass_context
def _kind(context: Context, kind: str, platform: str | None = None, subject_id: str = "") -> str:
    """A finding's kind in its account's platform's words (report/i18n.kind_term)."""
    return i18n.kind_term(kind, context["lang"], platform, subject_id)


@pass_context
def _actor(context: Context, actor: str | None, platform: str | None = None) -> str:
    """Who acted, in its account's platform's words (report/i18n.actor_term)."""
    return i18n.actor_term(actor, context["lang"], platform)


@pass_context
def _term(context: Context, value: str | None) -> str:
    return i18n.term(value, context["lang"])


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page from the portal's templates, in the configured language, with the CSRF token."""
    config: Config = request.app.state.config
    language = config.report.language
    context = {"W": WORDS[language], "lang": language, "tz": config.tz,
               "zone_note": i18n.zone_note(config.tz, language),
               "csrftoken": csrf.token(request.session), "viewer": values.pop("viewer", None),
               "path": request.url.path, "links": values.pop("links", []), **values}
    return HTMLResponse(_environment().get_template(name).render(context), status_code=status)
