"""The store keeps comment features and aggregates, never an attribute of a person (architecture §9)."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import inspect, text

from modaudit.cli import cli
from modaudit.sandbox import Simulator
from modaudit.store.engine import make_engine
from tests.support.scenarios import audit_night, small_scenario

# Grounds of clause (2) that must never be stored about anyone.
PERSON_ATTRIBUTE = re.compile(r"relig|ethni|politic|race|racial|sect|belief|faith|disab|health|"
                              r"nationality|origin|gender|sex|orientation|ideolog|party", re.I)
PERSON_KEYS = {"author_id", "author_name", "user_id", "user_name"}


def test_no_table_stores_an_attribute_of_a_person(migrated: str) -> None:
    engine = make_engine(migrated)
    schema = inspect(engine)
    columns = {table: {c["name"] for c in schema.get_columns(table)} for table in schema.get_table_names()}
    engine.dispose()
    offending = {f"{table}.{name}" for table, names in columns.items() for name in names
                 if PERSON_ATTRIBUTE.search(name)}
    assert not offending
    # Features describe a comment and sit apart from who wrote it.
    assert columns["comment_features"] == {"comment_id", "language", "language_confidence", "topics",
                                           "lexicon", "computed_at"}
    for table, names in columns.items():
        if names & PERSON_KEYS:
            assert not names & {"language", "topics"}, table


def test_features_outlive_the_text_that_retention_erases(migrated: str, write_config) -> None:
    scenario = small_scenario()
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, scenario.pages)
        audit_night(config, simulator, scenario, 0)
    engine = make_engine(migrated)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM comment_features")).scalar() == 6
        connection.execute(text("UPDATE comments SET first_seen_at = first_seen_at - INTERVAL '400 days'")
                           if migrated.startswith("postgresql") else
                           text("UPDATE comments SET first_seen_at = '2025-01-01 00:00:00.000000'"))
    assert CliRunner().invoke(cli, ["--config", str(config), "purge"]).exit_code == 0
    with engine.connect() as connection:
        texts = connection.execute(text("SELECT COUNT(*) FROM comments WHERE message IS NOT NULL")).scalar()
        languages = dict(connection.execute(text(
            "SELECT c.platform_id, f.language FROM comment_features f "
            "JOIN comments c ON c.id = f.comment_id")).all())
    engine.dispose()
    assert texts == 0
    assert languages["1002"] == "tr" and languages["1003"] == "ku"  # "Rojbaş, kengê?"
    result = CliRunner().invoke(cli, ["--config", str(config), "selective", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"n": 6' in result.output  # still counted, from the kept features
