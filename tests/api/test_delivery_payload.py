"""What the dispatcher sends an agency: each declaration as it is stored, on SQLite and
on PostgreSQL, with the documents passed through as JSON rather than parsed again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.agencies.wire import (
    DeclarationBatch,
    DeclarationMessage,
    declaration_batch_json,
    encode_declaration,
)
from app.config import Settings
from app.dispatch import payloads
from app.store import outbox
from app.store.db import read_session
from app.store.derived import SUBMIT_DECLARATION
from app.store.models import Declaration, Enterprise
from tests.support.factories import Declarations
from tests.support.service import quiet_settings, settle


@pytest.fixture
def settings(database_url: str) -> Settings:
    return quiet_settings(database_url)


def test_a_delivery_carries_each_declaration_as_stored(
    filed_client: TestClient, declarations: Declarations
) -> None:
    for _ in range(3):
        assert filed_client.post("/v1/declarations", json=declarations.valid()).status_code == 202
    settle(filed_client)
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    claimed = outbox.claim_each(engine, ["customs", "tax"], 100, timedelta(30))
    messages = [m for sent in claimed.values() for m in sent if m.kind == SUBMIT_DECLARATION]
    assert len(messages) == 6

    built = payloads.declaration_messages(engine, messages)
    batch = DeclarationBatch.model_validate_json(
        declaration_batch_json([built[m.id].body for m in messages])
    )

    with read_session(engine) as session:
        for message, sent in zip(messages, batch.declarations, strict=True):
            stored = session.get(Declaration, message.subject_id)
            assert stored is not None
            ebc = session.scalars(
                select(Enterprise).where(col(Enterprise.customs_code) == stored.ebc_code)
            ).one()
            assert sent == DeclarationMessage(
                declarationId=stored.id,
                messageId=message.idempotency_key,
                creditGrade=ebc.credit_grade,
                dutiableValue=stored.dutiable_value,
                documents=stored.documents,
            )


def test_a_batch_holds_one_to_a_hundred_declarations() -> None:
    one = encode_declaration(
        declaration_id="d1",
        message_id="d1:customs:submit",
        credit_grade="general",
        dutiable_value=Decimal("12.50"),
        documents_json=b'{"order": {"orderNo": "\\u8ba2\\u5355"}}',
    )
    parsed = DeclarationBatch.model_validate_json(declaration_batch_json([one] * 100))
    assert parsed.declarations[0].documents == {"order": {"orderNo": "订单"}}
    assert str(parsed.declarations[0].dutiableValue) == "12.50"
    for count in (0, 101):
        with pytest.raises(ValueError, match="1 to 100"):
            declaration_batch_json([one] * count)
