"""`singlewindow` commands that name something (an enterprise, a dead letter, a
migration, a service) say so on stderr and exit with status 1 when it is not there;
usage errors exit with status 2."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlmodel import col, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.store import outbox
from app.store.db import read_session, write_session
from app.store.models import OutboxMessage
from app.store.models.types import utcnow
from tests.support.service import ADMIN_KEY, free_port


@pytest.fixture
def runner(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SW_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def statuses(sqlite_url: str) -> dict[str, str]:
    engine = create_engine(sqlite_url)
    try:
        with read_session(engine) as session:
            return {m.subject_id: m.status for m in session.scalars(select(OutboxMessage))}
    finally:
        engine.dispose()


def message_ids(sqlite_url: str) -> dict[str, int]:
    engine = create_engine(sqlite_url)
    try:
        with read_session(engine) as session:
            rows = session.execute(select(col(OutboxMessage.subject_id), col(OutboxMessage.id)))
            return {subject: id_ for subject, id_ in rows if id_ is not None}
    finally:
        engine.dispose()


@pytest.fixture
def letters(sqlite_url: str) -> dict[str, int]:
    """Two outbox messages, one of them dead: their ids by subject."""
    engine = create_engine(sqlite_url)
    with write_session(engine) as session:
        outbox.enqueue_many(
            session,
            [outbox.Message("customs", "declaration.submit", s, s) for s in ("dead", "waiting")],
            utcnow(),
        )
        session.commit()
    ids = message_ids(sqlite_url)
    outbox.mark_dead(engine, [ids["dead"]], "HTTP 400")
    engine.dispose()
    return ids


def test_redriving_an_id_that_is_no_dead_letter_names_it_and_exits_1(
    runner: CliRunner, sqlite_url: str, letters: dict[str, int]
) -> None:
    unknown = max(letters.values()) + 1000
    result = runner.invoke(
        cli, ["outbox", "redrive", str(letters["dead"]), str(letters["waiting"]), str(unknown)]
    )
    assert result.exit_code == 1, result.output
    assert "1 message(s) queued again" in result.stdout
    assert f"no dead letter {letters['waiting']}, {unknown}" in result.stderr
    assert set(re.findall(r"\d+", result.stderr)) == {str(letters["waiting"]), str(unknown)}
    # The dead letter named was queued all the same; the other message is untouched.
    assert statuses(sqlite_url) == {"dead": "pending", "waiting": "pending"}


def test_redriving_only_unknown_ids_changes_nothing_and_exits_1(
    runner: CliRunner, sqlite_url: str, letters: dict[str, int]
) -> None:
    result = runner.invoke(cli, ["outbox", "redrive", "987654"])
    assert result.exit_code == 1, result.output
    assert "no dead letter 987654" in result.stderr
    assert statuses(sqlite_url) == {"dead": "dead", "waiting": "pending"}


def test_redriving_dead_letters_by_id_or_all_succeeds(
    runner: CliRunner, sqlite_url: str, letters: dict[str, int]
) -> None:
    result = runner.invoke(cli, ["outbox", "redrive", str(letters["dead"])])
    assert result.exit_code == 0, result.output
    assert "1 message(s) queued again" in result.stdout
    assert result.stderr == ""
    # Nothing left dead is not an error for --all.
    everything = runner.invoke(cli, ["outbox", "redrive", "--all"])
    assert everything.exit_code == 0, everything.output
    assert "0 message(s) queued again" in everything.stdout


def test_redrive_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["outbox", "redrive"]).exit_code == 2
    assert runner.invoke(cli, ["outbox", "redrive", "1", "--all"]).exit_code == 2
    assert runner.invoke(cli, ["outbox", "redrive", "not-a-number"]).exit_code == 2


def test_a_key_for_an_enterprise_not_filed_is_refused_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["keys", "create", "--enterprise", "9999999999"])
    assert result.exit_code == 1
    assert "No enterprise is filed as '9999999999'" in result.stderr
    assert "sw_e_" not in result.stdout


def test_upgrading_to_an_unknown_migration_says_so_without_a_traceback(
    runner: CliRunner,
) -> None:
    result = runner.invoke(cli, ["db", "upgrade", "no-such-revision"])
    assert result.exit_code == 1
    assert "Can't locate revision identified by 'no-such-revision'" in result.stderr
    assert "Traceback" not in result.output


def test_the_demo_without_a_service_says_where_it_looked_and_exits_1(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens there
    monkeypatch.setenv("SW_PORT", str(port))
    monkeypatch.setenv("SW_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY)
    get_settings.cache_clear()
    result = runner.invoke(cli, ["demo", "--count", "1"])
    assert result.exit_code == 1
    assert f"no single window answers at http://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output
