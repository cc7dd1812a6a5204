"""The audit trail's canonical form and hash, as an outside checker would compute them."""

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from app.store import audit

CHINA = timezone(timedelta(hours=8))


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_chinese() -> None:
    text = audit.canonical({"b": [1, {"d": None, "c": True}], "a": "杭州"})
    assert text == '{"a":"杭州","b":[1,{"c":true,"d":null}]}'


def test_decimals_and_times_are_strings_and_times_are_utc() -> None:
    text = audit.canonical(
        {"value": Decimal("123.45000"), "at": datetime(2026, 11, 27, 16, 40, tzinfo=CHINA)}
    )
    assert json.loads(text) == {"value": "123.45000", "at": "2026-11-27T08:40:00.000000+00:00"}


def test_a_time_without_a_zone_or_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        audit.canonical({"at": datetime(2026, 11, 27, 16, 40)})
    with pytest.raises(TypeError, match="set"):
        audit.canonical({"codes": {"a"}})


def test_the_hash_is_the_documented_formula() -> None:
    at = datetime(2026, 11, 27, 8, 40, 0, 123456, tzinfo=UTC)
    data = audit.canonical({"to": "suspended", "reason": "走私嫌疑"})
    content = json.dumps(
        {
            "seq": 7,
            "occurredAt": "2026-11-27T08:40:00.123456+00:00",
            "kind": "filing.suspended",
            "subjectType": "enterprise",
            "subjectId": "3301960001",
            "actor": "regulator:customs:k1",
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    expected = hashlib.sha256((audit.GENESIS + content).encode("utf-8")).hexdigest()
    assert (
        audit.row_hash(
            audit.GENESIS,
            seq=7,
            occurred_at=at,
            kind="filing.suspended",
            subject_type="enterprise",
            subject_id="3301960001",
            actor="regulator:customs:k1",
            data=data,
        )
        == expected
    )


def test_every_field_and_the_previous_hash_count() -> None:
    row: dict[str, Any] = {
        "seq": 1,
        "occurred_at": datetime(2026, 1, 1, tzinfo=UTC),
        "kind": "filing.created",
        "subject_type": "enterprise",
        "subject_id": "3301960001",
        "actor": "system",
        "data": "{}",
    }
    base = audit.row_hash(audit.GENESIS, **row)
    changed: dict[str, Any] = {
        "seq": 2,
        "occurred_at": datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        "kind": "filing.graded",
        "subject_type": "declaration",
        "subject_id": "3301960002",
        "actor": "admin:k",
        "data": '{"a":1}',
    }
    for field, value in changed.items():
        assert audit.row_hash(audit.GENESIS, **(row | {field: value})) != base, field
    assert audit.row_hash("f" * 64, **row) != base


@pytest.mark.parametrize("odd", ['say "hi"', "back\\slash", "new\nline\t", "\u2028 \x00 😀", ""])
def test_the_hash_spells_any_text_as_canonical_json_does(odd: str) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    fields: dict[str, Any] = {
        "seq": 1,
        "occurredAt": audit.iso_time(at),
        "kind": odd,
        "subjectType": odd,
        "subjectId": odd,
        "actor": odd,
        "data": audit.canonical({"note": odd}),
    }
    expected = audit.sha256_hex(audit.GENESIS + audit.canonical(fields))
    assert (
        audit.row_hash(
            audit.GENESIS,
            seq=1,
            occurred_at=at,
            kind=odd,
            subject_type=odd,
            subject_id=odd,
            actor=odd,
            data=fields["data"],
        )
        == expected
    )
