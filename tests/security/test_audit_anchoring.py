"""The audit trail is anchored beyond its own chain: signed checkpoints of its head show
rows removed from its end, and entries carrying the hash of the row they describe show a
filing, declaration or key changed in the database without an entry. Key, webhook,
dead-letter, grading and filing-status actions are in the trail."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, text

from app.config import Settings
from app.domain.decision import Candidate
from app.intake.pipeline import Submission, new_id
from app.schemas.enterprise import CreditGrade, FilingStatus
from app.store import audit, audit_checkpoints, audit_rows, derived, enterprises, keys, outbox
from app.store.db import make_engine, upgrade, write_session
from app.store.keys import KeyKind, RegulatorAgency
from tests.support.audit import ADMIN, clear, declare, file_parties, parsed, pipeline, trail
from tests.support.factories import Declarations

KEY = "audit-signing-key-for-the-tests-0123456789"
REGULATOR = "regulator:customs:key-9"


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def any_engine(database_url: str) -> Iterator[Engine]:
    """SQLite, and PostgreSQL when the tests have one."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def busy_trail(engine: Engine, declarations: Declarations) -> list[str]:
    """Filings, keys, two declarations (one cleared): the parties' customs codes."""
    codes = file_parties(engine, declarations)
    keys.create(engine, KeyKind.ENTERPRISE, created_by=ADMIN, customs_code=codes[0])
    first = declare(engine, declarations.valid())
    declare(engine, declarations.valid())
    clear(engine, first.id)
    return codes


def execute(engine: Engine, statement: str, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), values)


def rewrite_from(engine: Engine, seq: int, new_data: str) -> None:
    """What someone who knows the formula does: change row ``seq`` and hash every row
    from there on again, so that the chain itself still verifies."""
    with engine.begin() as connection:
        rows = connection.execute(
            text(
                "SELECT seq, occurred_at, kind, subject_type, subject_id, actor, data"
                " FROM audit_log WHERE seq >= :seq ORDER BY seq"
            ),
            {"seq": seq},
        ).all()
        prev = connection.execute(
            text("SELECT hash FROM audit_log WHERE seq = :seq"), {"seq": seq - 1}
        ).scalar_one()
        for number, at, kind, subject_type, subject_id, actor, data in rows:
            data = new_data if number == seq else data
            moment = datetime.fromisoformat(at).replace(tzinfo=UTC)
            digest = audit.row_hash(
                prev,
                seq=number,
                occurred_at=moment,
                kind=kind,
                subject_type=subject_type,
                subject_id=subject_id,
                actor=actor,
                data=data,
            )
            connection.execute(
                text(
                    "UPDATE audit_log SET data = :data, prev_hash = :prev, hash = :hash"
                    " WHERE seq = :seq"
                ),
                {"data": data, "prev": prev, "hash": digest, "seq": number},
            )
            prev = digest


# Checkpoints and the end of the trail.


def test_deleting_the_newest_rows_is_found_by_a_stored_checkpoint(
    engine: Engine, declarations: Declarations
) -> None:
    busy_trail(engine, declarations)
    point = audit.checkpoint(engine, KEY)
    head = len(trail(engine))
    assert (point.seq, point.hash) == (head, trail(engine)[-1].hash)
    assert audit.verify(engine, key=KEY).ok

    execute(engine, "DELETE FROM audit_log WHERE seq > :seq", seq=head - 3)

    found = audit.verify(engine, key=KEY)
    # What is left is a valid chain; only the checkpoint shows what is missing.
    assert (found.ok, found.checked, found.broken_seq) == (False, head - 3, head)
    assert found.problem == "rows missing after a checkpoint"
    assert found.checkpoint_problems == (
        audit.CheckpointProblem(head, "rows missing after a checkpoint"),
    )


def test_rewriting_rows_below_a_checkpoint_is_found_though_the_chain_verifies(
    engine: Engine, declarations: Declarations
) -> None:
    busy_trail(engine, declarations)
    point = audit.checkpoint(engine, KEY)
    graded = trail(engine)[10]
    rewrite_from(engine, graded.seq, graded_data := audit.canonical({"forged": True}))
    assert trail(engine)[10].data == json.loads(graded_data)

    found = audit.verify(engine, key=KEY)
    assert found.checked == point.seq  # every row hashes right
    assert (found.ok, found.broken_seq, found.problem) == (
        False,
        point.seq,
        "checkpoint hash mismatch",
    )


def test_a_checkpoint_a_regulator_kept_finds_rows_removed_with_the_stored_ones(
    engine: Engine, declarations: Declarations
) -> None:
    busy_trail(engine, declarations)
    kept = audit.checkpoint(engine, KEY)
    assert audit.verify(engine, key=KEY, kept=[kept]).ok

    execute(engine, "DELETE FROM audit_log WHERE seq > :seq", seq=kept.seq - 2)
    execute(engine, "DELETE FROM audit_checkpoints")
    assert audit.verify(engine, key=KEY).ok  # nothing stored here tells

    found = audit.verify(engine, key=KEY, kept=[kept])
    assert (found.ok, found.problem) == (False, "rows missing after a checkpoint")
    assert found.checkpoint_problems == (
        audit.CheckpointProblem(kept.seq, "rows missing after a checkpoint", kept=True),
    )


def test_a_checkpoint_signature_verifies_and_a_forged_one_does_not(
    engine: Engine, declarations: Declarations
) -> None:
    file_parties(engine, declarations, register=False)
    point = audit.checkpoint(engine, KEY)
    assert audit_checkpoints.signed_by(KEY, point)
    signed = audit_checkpoints.signed_text(point.seq, point.hash, point.created_at, point.key_id)
    assert json.loads(signed) == {
        "createdAt": audit.iso_time(point.created_at),
        "hash": point.hash,
        "keyId": point.key_id,
        "seq": point.seq,
    }
    assert point.signature == hmac.new(KEY.encode(), signed.encode(), hashlib.sha256).hexdigest()

    for forged in (
        replace(point, seq=point.seq + 1),
        replace(point, hash="f" * 64),
        replace(point, signature="0" * 64),
        replace(point, created_at=datetime.now(UTC)),
    ):
        assert not audit_checkpoints.signed_by(KEY, forged)
    assert not audit_checkpoints.signed_by("another-key-of-someone-else-0123", point)

    # A checkpoint row slipped into the table without the key is named as such.
    fake = replace(point, seq=2, hash=trail(engine)[1].hash, signature="ab" * 32)
    with engine.begin() as connection:
        audit_checkpoints.store(connection, fake)
    found = audit.verify(engine, key=KEY)
    assert (found.ok, found.problem, found.broken_seq) == (
        False,
        "checkpoint signature invalid",
        2,
    )


def test_checkpoints_are_taken_when_due_and_only_when_the_head_moved(
    engine: Engine, declarations: Declarations
) -> None:
    first = audit.checkpoint_if_due(engine, KEY, every_seconds=3600)
    assert first is not None
    assert (first.seq, first.hash) == (0, audit.GENESIS)
    assert audit.checkpoint_if_due(engine, KEY, every_seconds=0) is None  # head unmoved
    file_parties(engine, declarations, register=False)
    assert audit.checkpoint_if_due(engine, KEY, every_seconds=3600) is None  # not yet due
    second = audit.checkpoint_if_due(engine, KEY, every_seconds=0)
    assert second is not None
    assert second.seq == 4
    assert audit.checkpoint(engine, KEY) == second  # nothing new to sign
    assert audit.verify(engine, key=KEY).checkpoints_checked == 2


# Business rows changed behind the trail's back.


def only(check: audit_rows.RowCheck) -> set[tuple[str, str, str]]:
    return {(p.subject_type, p.subject_id, p.problem) for p in check.problems}


def test_a_clean_database_matches_its_trail(any_engine: Engine, declarations: Declarations) -> None:
    engine = any_engine
    codes = busy_trail(engine, declarations)
    enterprises.grade(engine, codes[1], CreditGrade.ADVANCED, "clean record", actor=REGULATOR)
    enterprises.change_status(engine, codes[2], FilingStatus.SUSPENDED, "audit", REGULATOR)
    old = keys.create(engine, KeyKind.REGULATOR, created_by=ADMIN, agency=RegulatorAgency.TAX)
    keys.rotate(engine, old.key.id, created_by=ADMIN)
    keys.revoke(engine, old.key.id, actor=ADMIN)
    # Accepted but not yet derived by the worker: no entry yet, and none expected.
    pipeline(engine).decide_and_write(
        [Submission(Candidate.of(parsed(declarations.valid()), new_id()), ADMIN)]
    )

    check = audit_rows.check(engine, chunk=3)
    assert (check.ok, check.problems, check.unanchored) == (True, [], 0)
    assert check.checked == 4 + 3 + 2  # filings, keys, declarations derived
    assert audit.verify(engine).ok


def test_a_declaration_changed_in_the_database_is_named(
    engine: Engine, declarations: Declarations
) -> None:
    busy_trail(engine, declarations)
    cleared, other = (r.subject_id for r in trail(engine) if r.kind == "declaration.accepted")
    execute(
        engine,
        "UPDATE declarations SET status = 'cleared', ceb_status = 800 WHERE id = :i",
        i=other,
    )
    execute(
        engine,
        "UPDATE declarations SET documents = json_set(documents, '$.order.buyerName', '张三')"
        " WHERE id = :i",
        i=cleared,
    )
    check = audit_rows.check(engine)
    assert only(check) == {
        ("declaration", other, "state differs from its newest audit entry"),
        ("declaration", cleared, "differs from its acceptance entry"),
    }
    assert audit.verify(engine).ok  # the trail itself is untouched


def test_a_filing_changed_in_the_database_is_named(
    any_engine: Engine, declarations: Declarations
) -> None:
    engine = any_engine
    codes = busy_trail(engine, declarations)
    enterprises.change_status(engine, codes[0], FilingStatus.SUSPENDED, "fraud", REGULATOR)
    execute(engine, "UPDATE enterprises SET status = 'active' WHERE customs_code = :c", c=codes[0])
    execute(
        engine,
        "UPDATE enterprises SET credit_grade = 'advanced' WHERE customs_code = :c",
        c=codes[1],
    )
    assert only(audit_rows.check(engine)) == {
        ("enterprise", codes[0], "state differs from its newest audit entry"),
        ("enterprise", codes[1], "state differs from its newest audit entry"),
    }


def test_a_key_changed_or_slipped_into_the_database_is_named(
    any_engine: Engine, declarations: Declarations
) -> None:
    engine = any_engine
    codes = busy_trail(engine, declarations)
    revoked = keys.create(engine, KeyKind.ENTERPRISE, created_by=ADMIN, customs_code=codes[0])
    keys.revoke(engine, revoked.key.id, actor=ADMIN)
    promoted = keys.create(engine, KeyKind.ENTERPRISE, created_by=ADMIN, customs_code=codes[1])
    execute(engine, "UPDATE api_keys SET revoked_at = NULL WHERE id = :i", i=revoked.key.id)
    execute(
        engine,
        "UPDATE api_keys SET kind = 'admin', customs_code = NULL WHERE id = :i",
        i=promoted.key.id,
    )
    planted = keys.new_key(KeyKind.ADMIN, created_by=ADMIN)
    with write_session(engine) as session:
        session.add(planted.key)
        session.commit()
    assert only(audit_rows.check(engine)) == {
        ("key", revoked.key.id, "state differs from its newest audit entry"),
        ("key", promoted.key.id, "state differs from its newest audit entry"),
        ("key", planted.key.id, "no audit entry"),
    }


# Through the API, as a regulator sees it.


@pytest.fixture
def regulator(filed_client: TestClient) -> dict[str, str]:
    answer = filed_client.post("/v1/keys", json={"kind": "regulator", "agency": "customs"})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def test_regulators_fetch_checkpoints_and_verify_with_the_one_they_kept(
    filed_client: TestClient, regulator: dict[str, str], declarations: Declarations
) -> None:
    client = filed_client
    assert (
        client.get("/v1/regulator/audit/checkpoints/latest", headers=regulator).json()["code"]
        == "audit_checkpoint_not_found"
    )
    taken = client.post("/v1/regulator/audit/checkpoints", headers=regulator)
    assert taken.status_code == 200, taken.text
    kept = taken.json()
    assert set(kept) == {"seq", "hash", "createdAt", "keyId", "signature"}
    assert client.get("/v1/regulator/audit/checkpoints/latest", headers=regulator).json() == kept

    engine = client.app.state.engine  # type: ignore[attr-defined]
    assert client.post("/v1/declarations", json=declarations.valid()).status_code == 202
    derived.derive_pending(engine)
    newer = client.post("/v1/regulator/audit/checkpoints", headers=regulator).json()
    assert newer["seq"] == kept["seq"] + 1
    verified = client.get("/v1/regulator/audit/verify", headers=regulator).json()
    assert (verified["ok"], verified["checkpointsChecked"], verified["rowProblems"]) == (
        True,
        2,
        [],
    )
    listed = client.get("/v1/regulator/audit/checkpoints?limit=1", headers=regulator).json()
    assert listed["items"] == [newer]
    older = client.get(
        f"/v1/regulator/audit/checkpoints?cursor={listed['nextCursor']}", headers=regulator
    ).json()
    assert older == {"items": [kept], "nextCursor": None}

    answer = client.post("/v1/regulator/audit/verify", json=kept, headers=regulator).json()
    assert answer["ok"] is True
    assert answer["checkpoint"] == {"seq": kept["seq"], "ok": True, "problem": None}

    execute(engine, "DELETE FROM audit_log WHERE seq > :seq", seq=kept["seq"] - 1)
    execute(engine, "DELETE FROM audit_checkpoints")
    answer = client.post("/v1/regulator/audit/verify", json=kept, headers=regulator).json()
    assert answer["ok"] is False
    assert answer["checkpoint"] == {
        "seq": kept["seq"],
        "ok": False,
        "problem": "rows missing after a checkpoint",
    }


def test_a_forged_checkpoint_is_refused(
    filed_client: TestClient, regulator: dict[str, str]
) -> None:
    kept = filed_client.post("/v1/regulator/audit/checkpoints", headers=regulator).json()
    for forged in (
        kept | {"seq": kept["seq"] - 1},
        kept | {"signature": "0" * 64},
        kept | {"hash": "e" * 64},
    ):
        answer = filed_client.post("/v1/regulator/audit/verify", json=forged, headers=regulator)
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "audit_checkpoint_invalid"
    malformed = filed_client.post(
        "/v1/regulator/audit/verify", json=kept | {"hash": "not a hash"}, headers=regulator
    )
    assert (malformed.status_code, malformed.json()["code"]) == (422, "invalid_request")


def test_verification_names_a_row_changed_behind_the_trails_back(
    filed_client: TestClient, regulator: dict[str, str]
) -> None:
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    code = trail(engine)[0].subject_id
    execute(engine, "UPDATE enterprises SET name = 'someone else' WHERE customs_code = :c", c=code)
    verified = filed_client.get("/v1/regulator/audit/verify", headers=regulator).json()
    assert verified["ok"] is False
    assert verified["brokenSeq"] is None  # the chain is whole
    assert verified["problem"] == "rows differ from their audit entries"
    assert verified["rowProblems"] == [
        {
            "subjectType": "enterprise",
            "subjectId": code,
            "problem": "state differs from its newest audit entry",
        }
    ]


# Actions that are in the trail.


def test_key_issue_rotation_and_revocation_are_in_the_trail(
    filed_client: TestClient,
) -> None:
    client = filed_client
    engine = client.app.state.engine  # type: ignore[attr-defined]
    issued = client.post("/v1/keys", json={"kind": "regulator", "agency": "tax"}).json()
    rotated = client.post(f"/v1/keys/{issued['id']}/rotate").json()
    assert client.delete(f"/v1/keys/{rotated['id']}").status_code == 204
    records = [r for r in trail(engine) if r.subject_type == "key"]
    # The four parties' first keys, then these.
    assert [(r.kind, r.subject_id) for r in records[-4:]] == [
        ("key.issued", issued["id"]),
        ("key.rotated", issued["id"]),
        ("key.issued", rotated["id"]),
        ("key.revoked", rotated["id"]),
    ]
    assert {r.actor for r in records[-4:]} == {"admin:bootstrap"}
    assert records[-4].data["kind"] == "regulator"
    assert "keyHash" not in records[-4].data
    assert records[-3].data["replacedBy"] == rotated["id"]
    assert records[-2].data["replaces"] == issued["id"]
    assert all("stateSha256" in r.data for r in records)
    assert audit_rows.check(engine).ok


def test_grading_and_filing_status_changes_carry_the_filings_state(
    any_engine: Engine, declarations: Declarations
) -> None:
    engine = any_engine
    codes = file_parties(engine, declarations)
    graded = enterprises.grade(engine, codes[0], CreditGrade.DISCREDITED, "fraud", REGULATOR)
    enterprises.change_status(engine, codes[0], FilingStatus.SUSPENDED, "fraud", REGULATOR)
    changed = enterprises.change_status(
        engine, codes[0], FilingStatus.ACTIVE, "cleared up", REGULATOR
    )
    records = trail(engine)[-3:]
    assert [r.kind for r in records] == ["filing.graded", "filing.suspended", "filing.reinstated"]
    assert records[0].data["stateSha256"] != records[-1].data["stateSha256"]
    assert graded.customs_code == changed.customs_code
    assert records[-1].data["stateSha256"] == audit.state_sha256(audit.filing_state(changed))


def test_redriving_dead_letters_is_in_the_trail(engine: Engine) -> None:
    with write_session(engine) as session:
        outbox.enqueue_many(
            session,
            [
                outbox.Message("customs", "declaration.submit", f"d{n}", f"d{n}:customs")
                for n in range(3)
            ],
            now=datetime.now(UTC),
        )
        session.commit()
    execute(engine, "UPDATE outbox_messages SET status = 'dead' WHERE subject_id != 'd1'")
    dead = [m.id for m in outbox.dead_letters(engine, 10) if m.id is not None]
    assert outbox.redrive(engine, None, actor="cli") == 2
    assert outbox.redrive(engine, None) == 0  # nothing to redrive, nothing recorded
    (record,) = trail(engine)
    assert (record.kind, record.subject_type, record.actor) == ("outbox.redriven", "outbox", "cli")
    assert record.data == {"ids": sorted(dead), "count": 2, "all": True}


def test_any_action_can_be_recorded_as_webhooks_are(engine: Engine) -> None:
    with write_session(engine) as session:
        seq = audit.record_action(
            session,
            "enterprise:3301960001",
            "webhook.created",
            "webhook",
            "b3c1a2e0-0000-4000-8000-000000000001",
            {"url": "https://platform.example/hooks", "events": ["declaration.status_changed"]},
        )
        session.commit()
    (record,) = trail(engine)
    assert (record.seq, record.kind, record.subject_type, record.actor) == (
        seq,
        "webhook.created",
        "webhook",
        "enterprise:3301960001",
    )
    assert audit.verify(engine).ok


# Upgrading and settings.


def test_the_upgrade_records_the_filings_and_keys_it_finds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0007")
    engine = make_engine(url)
    try:
        execute(
            engine,
            "INSERT INTO enterprises (customs_code, uscc, name, roles, contact_name, telephone,"
            " status, credit_grade, created_at, updated_at) VALUES ('3301960001',"
            " '91330100MA2H0A0A0A', '杭州云购', 'platform', '王芳', '13800138000', 'active',"
            " 'general', '2026-11-27 08:00:00.000000', '2026-11-27 08:00:00.000000')",
        )
        execute(
            engine,
            "INSERT INTO api_keys (id, prefix, key_hash, kind, created_by, created_at, revoked_at)"
            " VALUES ('k1', 'sw_a_abcdefg', :hash, 'admin', 'cli', '2026-11-27 08:00:00.000000',"
            " '2026-11-28 08:00:00.000000')",
            hash="a" * 64,
        )
        engine.dispose()
        upgrade(url)
        assert [(r.kind, r.subject_id) for r in trail(engine)] == [
            ("filing.recorded", "3301960001"),
            ("key.recorded", "k1"),
        ]
        assert audit.verify(engine).ok
        check = audit_rows.check(engine)
        assert (check.ok, check.checked, check.unanchored) == (True, 2, 0)
    finally:
        engine.dispose()


def test_production_refuses_the_development_signing_key() -> None:
    secrets = {f"{a}_secret": f"{a}-" + "s" * 40 for a in ("customs", "inspection", "tax", "forex")}
    with pytest.raises(ValidationError, match="SW_AUDIT_SIGNING_KEY"):
        Settings.model_validate({"environment": "production"} | secrets)
    refusal = ""
    try:
        Settings.model_validate({"environment": "production", "audit_signing_key": KEY} | secrets)
    except ValidationError as refused:  # for something else production also asks
        refusal = str(refused)
    assert "SW_AUDIT_SIGNING_KEY" not in refusal
