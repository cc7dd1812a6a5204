"""Where the tests run: CI or not, the shared folder beside the project, the tables."""

import os
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"
SHARED = Path(__file__).resolve().parents[3] / "shared"
TABLES = (
    "api_keys",
    "audit_log",
    "audit_checkpoints",
    "declaration_actions",
    "declaration_lines",
    "refusal_codes",
    "enterprise_registrations",
    "webhook_endpoints",
    "declaration_events",
    "declaration_agencies",
    "outbox_messages",
    "declarations",
    "refusals",
    "waybills",
    "buyer_quotas",
    "idempotency_keys",
    "enterprises",
    "enterprise_certificates",
    "enterprise_signature_policies",
    "party_documents",
    "credit_events",
    "negative_listings",
    "complaint_attachments",
    "takedowns",
    "blocked_products",
    "complaints",
    "delivery_events",
    "recall_declarations",
    "recall_parties",
    "recalls",
    "products",
    "trade_registrations",
    "origin_certificates",
)


def need_shared() -> Path:
    """../shared, or a skip (a failure under CI, where it must be present)."""
    if SHARED.is_dir():
        return SHARED
    if IN_CI:
        pytest.fail(f"{SHARED} is missing; CI lays it beside the project")
    pytest.skip(f"{SHARED} is not present next to the project")
