"""`users add|list|disable|reset`: who may sign in to the portal, and as what."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.store.users import ROLES, TOKEN_HOURS


@click.group()
def users() -> None:
    """Portal users: managers (their institutions), auditors (all, read-only), operators."""


@users.command(name="add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--institution", "institutions", multiple=True,
              help="A manager's institution, as in [[accounts]] institution (repeatable).")
@click.pass_context
def users_add(ctx: click.Context, email: str, role: str, institutions: tuple[str, ...]) -> None:
    """Add a user; prints the one-time link where they set their password."""
    user, link = jobs.add_user(config_of(ctx), email, role, list(institutions))
    console.print(f"user {user.email} added ({user.role}). Send them this link, valid for "
                  f"{TOKEN_HOURS} hours and usable once:", markup=False)
    click.echo(link)


@users.command(name="list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Every user, with role, institutions and whether they can sign in."""
    table = Table("email", "role", "institutions", "password", "disabled")
    for user in jobs.list_users(config_of(ctx)):
        institutions = ", ".join(user.institutions) if user.role == "manager" else "(all)"
        table.add_row(*(Text(cell) for cell in (
            user.email, user.role, institutions, "set" if user.password_hash else "not set",
            "no" if user.enabled else "yes")))
    console.print(table)


@users.command(name="disable")
@click.argument("email")
@click.pass_context
def users_disable(ctx: click.Context, email: str) -> None:
    """Disable a user: open sessions end at once, links stop working."""
    user = jobs.disable_user(config_of(ctx), email)
    console.print(f"user {user.email} disabled", markup=False)


@users.command(name="reset")
@click.argument("email")
@click.option("--keep-password", is_flag=True,
              help="Keep the current password (and open sessions) working until the link is used.")
@click.pass_context
def users_reset(ctx: click.Context, email: str, keep_password: bool) -> None:
    """Print a new one-time link where the user sets a new password; older links stop working."""
    link = jobs.reset_user(config_of(ctx), email, end_password=not keep_password)
    ended = ("the current password still works until this link is used" if keep_password else
             "the current password no longer works and every open session has ended")
    console.print(f"{ended}. Send the user this link, valid for {TOKEN_HOURS} hours and usable "
                  "once (earlier links no longer work):", markup=False)
    click.echo(link)
