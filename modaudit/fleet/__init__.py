"""The executor of the nightly scans, behind one interface: here (`local`) or on workers.

`executor_for(config)` is the only place that looks at `[executor] kind`; everything else asks
the executor (`modaudit.fleet.base.Executor`). One machine uses `LocalExecutor`; a national
deployment queues each account's scan on PostgreSQL for `modaudit worker`s (`QueuedExecutor`).
"""

from __future__ import annotations

from modaudit.config import Config
from modaudit.fleet.base import Executor, Periodic
from modaudit.fleet.local import LocalExecutor
from modaudit.fleet.queued import QueuedExecutor


def executor_for(config: Config) -> Executor:
    """The executor `[executor] kind` names."""
    if config.executor.kind == "procrastinate":
        return QueuedExecutor(config)
    return LocalExecutor(config)


__all__ = ["Executor", "LocalExecutor", "Periodic", "QueuedExecutor", "executor_for"]
