"""the chain covers the whole record: chained records, positions, RFC 3161 anchors

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from modaudit.store.chain import (
    ATTACHMENT,
    COMMENT_TEXTS,
    FINDING_CLOSED,
    FINDING_OPENED,
    FINDING_REVIEWED,
    chain_hash,
    closed_payload,
    opened_payload,
    record_fields,
    review_payload,
)

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The columns this migration reads and writes, as they are at this revision (not the models,
# which later revisions may extend).
_accounts = sa.table('accounts', sa.column('id'), sa.column('name'))
_events = sa.table('events', sa.column('id'), sa.column('account_id'), sa.column('seq'),
                   sa.column('hash'))
_findings = sa.table('findings', sa.column('id'), sa.column('account_id'), sa.column('event_id'),
                     sa.column('kind'), sa.column('subject_id'), sa.column('severity'),
                     sa.column('status'), sa.column('closed_by_event_id'))
_reviews = sa.table('finding_reviews', sa.column('id'), sa.column('finding_id'),
                    sa.column('old_status'), sa.column('new_status'), sa.column('note'),
                    sa.column('reviewed_by'), sa.column('reviewed_at', sa.DateTime(timezone=True)),
                    sa.column('on_behalf_of'))
_attachments = sa.table('finding_attachments', sa.column('id'), sa.column('finding_id'),
                        sa.column('review_id'), sa.column('sha256'), sa.column('size'),
                        sa.column('filename'))
_comments = sa.table('comments', sa.column('account_id'), sa.column('platform_id'),
                     sa.column('first_seen_run_id'), sa.column('text_digest'))
_records = sa.table('chain_records', sa.column('account_id'), sa.column('seq'), sa.column('kind'),
                    sa.column('finding_id'), sa.column('payload', sa.JSON()),
                    sa.column('recorded_at', sa.DateTime(timezone=True)),
                    sa.column('prev_hash'), sa.column('hash'))


def upgrade() -> None:
    # Added NOT NULL with a default and indexed (not constrained), so SQLite needs no table
    # rebuild: a rebuild of `events` is refused while findings reference it.
    op.add_column('events', sa.Column('seq', sa.BigInteger(), nullable=False, server_default='0'))
    if not context.is_offline_mode():
        # Existing events keep their order: position = rank by id within the account.
        op.execute("UPDATE events SET seq = (SELECT r.rn FROM (SELECT id, row_number() OVER "
                   "(PARTITION BY account_id ORDER BY id) AS rn FROM events) r "
                   "WHERE r.id = events.id)")
    op.create_index('uq_events_account_seq', 'events', ['account_id', 'seq'], unique=True)
    op.create_table(
        'chain_records',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('finding_id', sa.BigInteger(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'seq', name='uq_chain_records_account_seq'),
    )
    op.create_index('ix_chain_records_finding', 'chain_records', ['finding_id'])
    op.create_table(
        'chain_anchors',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('event_count', sa.BigInteger(), nullable=False),
        sa.Column('head_hash', sa.String(length=64), nullable=False),
        sa.Column('manifest', sa.Text(), nullable=False),
        sa.Column('token', sa.LargeBinary(), nullable=True),
        sa.Column('tsa_url', sa.String(length=500), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('stamped_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_chain_anchors_account', 'chain_anchors', ['account_id', 'event_count'])
    if not context.is_offline_mode():  # an empty database (offline SQL) has nothing to chain
        _backfill(op.get_bind(), datetime.now(UTC))


def _backfill(bind: Any, now: datetime) -> None:
    """Chain what an existing store already holds, so it verifies: each finding as opened, its
    reviews, its closing, and the digests of the comment texts each run stored."""
    for account_id, name in bind.execute(sa.select(_accounts.c.id, _accounts.c.name)).all():
        head = bind.execute(sa.select(_events.c.seq, _events.c.hash)
                            .where(_events.c.account_id == account_id)
                            .order_by(_events.c.seq.desc()).limit(1)).first()
        seq, previous = (head[0], head[1]) if head else (0, "0" * 64)
        items: list[tuple[str, int | None, dict[str, Any]]] = []
        event_hash = dict(bind.execute(sa.select(_events.c.id, _events.c.hash)
                                       .where(_events.c.account_id == account_id)).all())
        for f in bind.execute(sa.select(_findings).where(_findings.c.account_id == account_id)
                              .order_by(_findings.c.id)).all():
            items.append((FINDING_OPENED, f.id, opened_payload(
                f.id, event_hash[f.event_id], f.kind, f.subject_id, f.severity)))
            for r in bind.execute(sa.select(_reviews).where(_reviews.c.finding_id == f.id)
                                  .order_by(_reviews.c.id)).all():
                reviewed_at = r.reviewed_at if r.reviewed_at.tzinfo else r.reviewed_at.replace(tzinfo=UTC)
                items.append((FINDING_REVIEWED, f.id, _review(f.id, r, reviewed_at)))
                for a in bind.execute(sa.select(_attachments).where(_attachments.c.review_id == r.id)
                                      .order_by(_attachments.c.id)).all():
                    items.append((ATTACHMENT, f.id, {"finding": f.id, "sha256": a.sha256,
                                                     "size": a.size, "name": a.filename}))
            if f.status == "closed" and f.closed_by_event_id in event_hash:
                items.append((FINDING_CLOSED, f.id,
                              closed_payload(f.id, event_hash[f.closed_by_event_id])))
        texts: dict[int, dict[str, str]] = {}
        for platform_id, run_id, digest in bind.execute(
                sa.select(_comments.c.platform_id, _comments.c.first_seen_run_id,
                          _comments.c.text_digest)
                .where(_comments.c.account_id == account_id, _comments.c.text_digest.is_not(None))):
            texts.setdefault(run_id, {})[platform_id] = digest
        for run_id in sorted(texts):
            items.append((COMMENT_TEXTS, None,
                          {"run_id": run_id, "texts": dict(sorted(texts[run_id].items()))}))
        rows = []
        for kind, finding_id, payload in items:
            seq += 1
            hash_ = chain_hash(previous, name, record_fields(kind, payload, now))
            rows.append({"account_id": account_id, "seq": seq, "kind": kind,
                         "finding_id": finding_id, "payload": payload, "recorded_at": now,
                         "prev_hash": previous, "hash": hash_})
            previous = hash_
        if rows:
            bind.execute(_records.insert(), rows)


def _review(finding_id: int, r: Any, reviewed_at: datetime) -> dict[str, Any]:
    extra = {"on_behalf_of": r.on_behalf_of} if r.on_behalf_of else None
    return review_payload(finding_id, r.id, r.old_status, r.new_status, r.note, r.reviewed_by,
                          reviewed_at, extra)


def downgrade() -> None:
    op.drop_index('ix_chain_anchors_account', table_name='chain_anchors')
    op.drop_table('chain_anchors')
    op.drop_index('ix_chain_records_finding', table_name='chain_records')
    op.drop_table('chain_records')
    op.drop_index('uq_events_account_seq', table_name='events')
    op.drop_column('events', 'seq')
