"""The listening socket of `web serve` and `webhook serve`, bound before either says it is up."""

from __future__ import annotations

import errno
import socket

import click


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or one line naming `--port` or `--host` to fix it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        # SO_REUSEADDR (create_server's default here, as uvicorn's): a restart need not wait for
        # the last connections' TIME_WAIT; a port another process listens on is still refused.
        return socket.create_server((host, port), family=family, backlog=2048)
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror}; give an address of "
                                   "this machine with --host") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is already in use (another modaudit, or another program); "
                "stop it, or choose another port with --port") from None
        if exc.errno == errno.EACCES:
            raise click.ClickException(f"port {port} needs privileges this user lacks; choose a "
                                       "port from 1024 up with --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise click.ClickException(f"{host} is not an address of this machine; give one with "
                                       "--host") from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
