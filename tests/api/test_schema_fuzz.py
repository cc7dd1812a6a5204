"""Schema-driven tests: schemathesis calls every operation of the published spec with
generated requests, as each kind of caller, and runs all its default checks on the
answers — no server errors, and nothing the spec does not describe (status codes, content
types, headers, bodies; invalid requests refused, valid ones not).

The service runs in-process on a migrated SQLite database, seeded through the API with
filed enterprises, keys and accepted declarations, so generated calls meet real records
in lists, statistics, exports and the feed. Generation is deterministic (a fixed seed, no
example database), so a failure here fails the same way on every run."""

import copy
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi

from app import demo
from app.main import create_app
from app.openapi_document import IDEMPOTENCY_KEY as IDEMPOTENCY_KEY_HEADER
from app.openapi_document import IDEMPOTENCY_PARAMETER
from app.store.db import upgrade
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN_KEY, quiet_settings

# The kinds of caller; each runs every operation.
PRINCIPALS = ("admin", "regulator", "enterprise", "anonymous")
PLATFORM = demo.DEMO_PARTIES.platform.customs_code
# Generated cases per operation and caller in the fuzzing phase. The admin, who passes
# every access rule, also runs the coverage phase: boundary values, and each constraint
# of each parameter and body field broken in turn. The other callers run the examples and
# fuzzing phases; most of their calls stop at the access rule (401, 403) anyway.
MAX_EXAMPLES = 10
# What schemathesis expects for a request the schema allows (its default)…
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
# …and the documented refusals of schema-valid requests, where the rule is not one a JSON
# schema can state: page cursors are opaque tokens the service issued (400
# invalid_cursor for any other); filings need a USCC with a valid check character, keys a
# kind with its agency or customs code, declarations the business rules (422); statistics
# and exports need createdFrom before createdTo (422 range_empty); webhook URLs a public
# host, and webhook secrets base64 of 32 to 64 bytes after `whsec_` (422); an audit
# checkpoint given to verify must bear the service's signature (422); and the others below.
ALSO_REFUSED = {
    "GET /v1/enterprises": ["400"],
    "GET /v1/declarations": ["400"],
    "GET /v1/declarations/{declarationId}/events": ["400"],
    "GET /v1/regulator/enterprises": ["400"],
    "GET /v1/regulator/declarations": ["400"],
    "POST /v1/enterprises": ["422"],
    "POST /v1/keys": ["422"],
    "POST /v1/declarations": ["422"],
    "GET /v1/regulator/stats": ["422"],
    "GET /v1/regulator/declarations/export": ["422"],
    "POST /v1/webhooks": ["422"],
    "GET /v1/regulator/audit/checkpoints": ["400"],
    "POST /v1/regulator/audit/verify": ["422"],
    # A party's own document holds exact amounts (19 digits, 5 decimals), which the JSON
    # schema states only as a number or a string.
    "POST /v1/orders": ["422"],
    "POST /v1/payments": ["422"],
    "POST /v1/waybills": ["422"],
    # A certificate must be X.509 in PEM, its key RSA or SM2, valid now.
    "POST /v1/enterprises/{customsCode}/certificates": ["422"],
    # A CEB message is XML: well-formedness and the CEB schema are beyond OpenAPI's.
    "POST /v1/ceb/messages": ["400", "413", "415", "422"],
    # An amendment without If-Match is 428, an old one 412; the corrected set must pass
    # the business rules (422). A return naming lines not bought is 422.
    "PUT /v1/declarations/{declarationId}": ["412", "422", "428"],
    "POST /v1/declarations/{declarationId}/returns": ["422"],
    "GET /v1/regulator/negative-list": ["400"],
    "GET /v1/public/blacklist": ["400"],
    "GET /v1/regulator/complaints": ["400"],
    "GET /v1/regulator/complaints/{complaintId}/trace": ["400"],
    "GET /v1/takedowns": ["400"],
    # A listing ends in the future; evidence must be base64 of a PNG, JPEG or PDF of at
    # most 2 MiB, of the type it declares; an upheld complaint needs a known platform
    # (and goods it names, to block them).
    "POST /v1/regulator/negative-list": ["422"],
    "POST /v1/complaints": ["422"],
    "POST /v1/regulator/complaints/{complaintId}/decision": ["422"],
    # Goods: a barcode is a GTIN with its check digit, an HS code one of the chapters, a
    # country a CEB code; products are filed by e-commerce companies; an event happened
    # already; a trace starts from one thing; a waybill number two companies declared
    # needs its logisticsCode.
    "POST /v1/products": ["422"],
    "GET /v1/products": ["400"],
    "POST /v1/origin-certificates": ["422"],
    "GET /v1/origin-certificates": ["400"],
    "POST /v1/waybills/{logisticsNo}/events": ["422"],
    "GET /v1/waybills/{logisticsNo}/events": ["422"],
    "GET /v1/trace": ["400", "422"],
    "POST /v1/regulator/recalls": ["422"],
    "GET /v1/recalls": ["400"],
    "GET /v1/recalls/{recallId}": ["400"],
}
# /validate and /batch answer 200 to declarations that break the schema, by design:
# /validate reports the problems as its result ("always 200"), and a batch refuses each
# bad item on its own, in a 200 answer, rather than sinking the batch. So the check that
# schema-violating requests are refused does not apply to them (a batch's envelope is
# still refused with 422, tested in tests/api/test_batch.py). Their body is the same
# DeclarationSet as POST /v1/declarations, whose coverage phase already breaks each of its
# constraints; doing it three times would triple the run.
DECLARATION_SETS_ANSWERED_200 = ("POST /v1/declarations/validate", "POST /v1/declarations/batch")


def config(coverage: bool) -> schemathesis.Config:
    operations: dict[str, dict[str, Any]] = {
        name: {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED + also}}}
        for name, also in ALSO_REFUSED.items()
    }
    for name in DECLARATION_SETS_ANSWERED_200:
        operations[name] = {
            "checks": {"negative_data_rejection": {"enabled": False}},
            "phases": {"coverage": {"enabled": False}},
        }
    return schemathesis.Config.from_dict(
        {
            "seed": 20261127,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # Unknown query parameters are ignored by every route, as HTTP APIs do;
                # adding some is not a request the schema forbids being accepted.
                "allow-extra-parameters": False,
            },
            "phases": {"coverage": {"enabled": coverage}},
            "operations": [
                {"include-name": name, **settings} for name, settings in operations.items()
            ],
        }
    )


@dataclass
class Fuzzing:
    app: FastAPI
    client: asgi.ASGIClient
    keys: dict[str, str]
    cases: Counter[str]

    def headers(self, principal: str) -> dict[str, str]:
        if principal == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.keys[principal]}"}


def seed(client: asgi.ASGIClient, app: FastAPI) -> dict[str, str]:
    """Filings, a regulator's key and accepted declarations, made through the API as the
    admin; the API keys of each kind of caller."""
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    keys = {"admin": ADMIN_KEY}
    declarations = Declarations(seed=3)
    filings = declarations.filings()
    for body in filings:
        answer = client.post("/v1/enterprises", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
        if body["customsCode"] == PLATFORM:
            keys["enterprise"] = answer.json()["apiKey"]["key"]
    register_everywhere(app.state.engine, [body["customsCode"] for body in filings])
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": "customs"}, headers=admin)
    assert answer.status_code == 201, answer.text
    keys["regulator"] = answer.json()["key"]
    for _ in range(3):
        answer = client.post("/v1/declarations", json=declarations.valid(), headers=admin)
        assert answer.status_code == 202, answer.text
    return keys


class CaseCount:
    """Reports, at the end of the run, how many generated cases each caller sent."""

    def __init__(self) -> None:
        self.cases: Counter[str] = Counter()
        self.seconds = 0.0

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.cases:
            return
        each = ", ".join(f"{kind} {self.cases[kind]}" for kind in PRINCIPALS)
        terminalreporter.write_sep("-", "schema fuzzing")
        terminalreporter.write_line(f"{self.cases.total()} cases in {self.seconds:.0f} s ({each})")


@pytest.fixture(scope="module")
def fuzzing(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Fuzzing]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    upgrade(f"sqlite:///{path}")
    app = create_app(quiet_settings(f"sqlite:///{path}", rate_limit_enabled=False))
    # schemathesis' in-process client runs the app's lifespan (engine, authenticator, group
    # committer) on its own event loop, once, for every call that follows.
    count = CaseCount()
    pytestconfig.pluginmanager.register(count)
    started = time.monotonic()
    with asgi.get_client(cast(asgi.ASGIApp, app)) as client:
        try:
            yield Fuzzing(app, client, seed(client, app), count.cases)
        finally:
            count.seconds = time.monotonic() - started
            asgi.shutdown_lifespans()


# The spec the app serves; building it needs no database.
SPEC = create_app(quiet_settings("sqlite://")).openapi()
full = schemathesis.openapi.from_dict(copy.deepcopy(SPEC), config=config(coverage=True))
quick = schemathesis.openapi.from_dict(copy.deepcopy(SPEC), config=config(coverage=False))


IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_PARAMETER["schema"]["pattern"])


def unique_idempotency_key(case: Any) -> None:
    """A valid Idempotency-Key made unique: generated cases reuse the same few values
    (boundary values, examples) for different requests, which the service rightly refuses
    (422 idempotency_key_reused, tested in tests/api/test_idempotency.py). Invalid keys
    are left as generated, to be refused with 400."""
    headers = case.headers or {}
    key = headers.get(IDEMPOTENCY_KEY_HEADER)
    if isinstance(key, str) and len(key) <= 255 and IDEMPOTENCY_KEY.fullmatch(key):
        headers[IDEMPOTENCY_KEY_HEADER] = uuid.uuid4().hex


def call_and_validate(case: Any, principal: str, fuzzing: Fuzzing) -> None:
    """One generated call as this caller, with every default check on the answer."""
    fuzzing.cases[principal] += 1
    # Checks send probes of their own (the call without its key, to see that the key is
    # required): to this app, in-process, like the call.
    case.operation.schema.app = fuzzing.app
    unique_idempotency_key(case)
    case.call_and_validate(
        session=fuzzing.client, headers=fuzzing.headers(principal), app=fuzzing.app
    )


@full.parametrize()
def test_every_operation_conforms_as_admin(case: Any, fuzzing: Fuzzing) -> None:
    call_and_validate(case, "admin", fuzzing)


@quick.parametrize()
@pytest.mark.parametrize("principal", PRINCIPALS[1:])
def test_every_operation_conforms_as_each_caller(
    case: Any, principal: str, fuzzing: Fuzzing
) -> None:
    call_and_validate(case, principal, fuzzing)
