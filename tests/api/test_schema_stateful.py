"""Stateful schema tests: schemathesis follows the links the OpenAPI document declares (a
created declaration's id to its reads, its events, its inventory and its cancellation; a
filing to its reads; a certificate to its revocation; an order to its documents; a key to
its rotation; a webhook to its deliveries and its removal) and those it infers from the
schemas, in scenarios of several calls, as the admin, with every check on every answer:
those of tests/api/test_schema_fuzz.py, and those only a sequence can run (a record just
made is there to read; one just removed is gone).

Generated data almost never passes the business rules (a declaration for filed
enterprises, with consistent totals; a USCC with its check character; a certificate in
PEM), so a scenario left to itself would never hold a real declaration to follow. Each
one therefore starts by making a real record of each kind the declared links lead from,
through the API and checked like every other call; from there the state machine draws
its own calls, with positive and negative data.

The service runs in-process on a migrated SQLite database seeded as for the fuzz test.
Generation is deterministic (derandomized, no example database), so a failure here fails
the same way on every run."""

import copy
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis.stateful import Bundle, initialize
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from pydantic import BaseModel
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput
from schemathesis.python import asgi
from schemathesis.specs.openapi.stateful import OpenAPIStateMachine

from app import demo
from app.errors import InvalidRequest
from app.main import create_app
from app.schemas.parsing import parse_body
from app.schemas.trust import ListingLift, TakedownAcknowledgement
from app.store.db import upgrade
from tests.api.test_schema_fuzz import ACCEPTED, ALSO_REFUSED, SPEC, seed, unique_idempotency_key
from tests.support.certificates import rsa_identity
from tests.support.factories import Declarations
from tests.support.service import ADMIN, quiet_settings

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
# Scenarios, and the calls in each (its seeds included): some 700 calls in about 10 s.
SCENARIOS = 30
STEPS = 30
# The operations each scenario's seeds call; every link the document declares from them
# must be followed, with the values it takes, to a successful answer.
SEEDED = (
    "POST /v1/declarations",
    "POST /v1/orders",
    "POST /v1/enterprises",
    "POST /v1/enterprises/{customsCode}/certificates",
)
READ_DECLARATION = "GET /v1/declarations/{declarationId}"
# A step's answer goes to the bundle of its operation and status; schemathesis' own
# steps all name this one as their target, and so do the seeds.
STEP_RESULTS = Bundle("catch_all")
# Documented refusals of schema-valid requests (as ALSO_REFUSED in the fuzz test) that
# only a call about a real record meets: with a made-up id, the fuzz test's calls are
# answered 404 first. A webhook's deliveries are paged with a cursor the service issued
# (400 invalid_cursor for any other).
REACHED_BY_FOLLOWING = {
    "GET /v1/webhooks/{endpointId}/deliveries": ["400"],
}


def config() -> schemathesis.Config:
    """The fuzz test's generation and expected refusals."""
    refused = ALSO_REFUSED | REACHED_BY_FOLLOWING
    return schemathesis.Config.from_dict(
        {
            "seed": 20261127,
            "generation": {
                "deterministic": True,
                "database": "none",
                # Unknown query parameters are ignored, as in the fuzz test.
                "allow-extra-parameters": False,
            },
            "operations": [
                {
                    "include-name": name,
                    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED + also}},
                }
                for name, also in refused.items()
            ],
        }
    )


def declared_links(sources: tuple[str, ...]) -> set[tuple[str, str]]:
    """(source, target) of each link the document declares from these operations."""
    operations = {
        operation["operationId"]: f"{method.upper()} {path}"
        for path, by_method in SPEC["paths"].items()
        for method, operation in by_method.items()
    }
    return {
        (f"{method.upper()} {path}", operations[link["operationId"]])
        for path, by_method in SPEC["paths"].items()
        for method, operation in by_method.items()
        if f"{method.upper()} {path}" in sources
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    }


def leaves_out_the_key(case: Any) -> bool:
    """Whether this is a negative case that takes the API key away: then the admin's key
    is not added to it (schemathesis takes it out of the request only when the case breaks
    nothing but its headers; with a link's valid body in place of an invalid one, the
    request would go out valid, and its 200 be reported as a refusal missed)."""
    meta = case.meta
    return (
        meta is not None
        and meta.generation.mode.is_negative
        and any(
            mutation.parameter == "Authorization" and "required" in mutation.keywords
            for mutation in meta.phase.data.mutations
        )
    )


def numbered_after_the_seed() -> Declarations:
    """Valid declarations whose order and waybill numbers follow those the database was
    seeded with (a number declared twice is refused, 409)."""
    declarations = Declarations(seed=21)
    declarations.serial = 1000
    return declarations


@dataclass(eq=False)
class Service:
    """The app under test, how to reach it, and what the run did."""

    app: FastAPI
    client: asgi.ASGIClient
    # The database as seeded, and a connection to the one the app uses.
    as_seeded: sqlite3.Connection
    database: sqlite3.Connection
    declarations: Declarations = field(default_factory=numbered_after_the_seed)
    filings: int = 0
    scenarios: int = 0
    seconds: float = 0.0
    # (operation, status) of every call, seeds included.
    calls: Counter[tuple[str, int]] = field(default_factory=Counter)
    # (source, target, declared or inferred, status) of each call that followed a link
    # with the values it took from an earlier answer.
    followed: Counter[tuple[str, str, bool, int]] = field(default_factory=Counter)
    # Declarations accepted, and those read back with 200, by id.
    declared: set[str] = field(default_factory=set)
    read: set[str] = field(default_factory=set)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.scenarios:
            return
        links = {(source, target) for source, target, _, _ in self.followed}
        terminalreporter.write_sep("-", "stateful schema testing")
        terminalreporter.write_line(
            f"{self.scenarios} scenarios, {self.calls.total()} calls to "
            f"{len({label for label, _ in self.calls})} operations in {self.seconds:.0f} s; "
            f"{self.followed.total()} calls along {len(links)} links"
        )


class Following(OpenAPIStateMachine):
    """How each scenario runs: its seeds first, then every call as the admin, in-process,
    recorded for the assertions of the test."""

    service: ClassVar[Service]

    def setup(self) -> None:
        """Each scenario starts from the database as seeded. Hypothesis begins scenarios
        with the first steps of earlier ones; against records those left behind, the same
        steps would be answered otherwise (a filing made twice is 409) and the scenario go
        another way, which Hypothesis takes for a test that is not deterministic."""
        self.service.scenarios += 1
        self.service.as_seeded.backup(self.service.database)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        # The checks' own calls (the same request without its key...) go the same way.
        kwargs = {"session": self.service.client, "app": self.service.app}
        if not leaves_out_the_key(case):
            kwargs["headers"] = ADMIN
        return kwargs

    def before_call(self, case: Any) -> None:
        unique_idempotency_key(case)
        # A link's values are put in after the case was generated: a negative case whose
        # only invalid part (a body, an id) a link replaced is a valid request now.
        # Reading the metadata checks the case again, as schemathesis does after an edit.
        _ = case.meta

    def after_call(self, response: Any, case: Any) -> None:
        super().after_call(response, case)
        label = case.operation.label
        self.service.calls[label, response.status_code] += 1
        if label == "POST /v1/declarations" and response.status_code == 202:
            self.service.declared.add(response.json()["id"])
        if label == READ_DECLARATION and response.status_code == 200:
            self.service.read.add(case.path_parameters["declarationId"])

    def step(self, input: StepInput) -> StepOutput:
        output = super().step(input)
        link = input.transition
        if link is not None and input.is_applied:
            source = self.recorder.cases[link.parent_id].value.operation.label
            target = input.case.operation.label
            status = output.response.status_code
            self.service.followed[source, target, not link.is_inferred, status] += 1
        return output

    def seeded(self, path: str, method: str, **data: Any) -> StepOutput:
        """One call with the data given, recorded and checked as a generated one is, so
        that the links from its answer are followed like those of any other."""
        case = self.schema[path][method].Case(**data)
        step = StepInput.initial(case)
        self.recorder.record_case(case=case)
        self.control.record_step(step, self.recorder)
        return self.step(step)

    @initialize(target=STEP_RESULTS)
    def declare(self) -> StepOutput:
        return self.seeded("/v1/declarations", "POST", body=self.service.declarations.valid())

    @initialize(target=STEP_RESULTS)
    def send_an_order(self) -> StepOutput:
        order = self.service.declarations.valid()["order"]
        return self.seeded("/v1/orders", "POST", body=order)

    @initialize(target=STEP_RESULTS)
    def file_an_enterprise(self) -> StepOutput:
        self.service.filings += 1
        code = f"3301sf{self.service.filings:04d}"
        body = {
            "uscc": demo.make_uscc(self.service.declarations.rng),
            "customsCode": code,
            "name": f"企业 {code}",
            "roles": ["ecommerce"],
            "contactName": "张伟",
            "telephone": "13800138000",
        }
        return self.seeded("/v1/enterprises", "POST", body=body)

    @initialize(target=STEP_RESULTS)
    def register_a_certificate(self) -> StepOutput:
        return self.seeded(
            "/v1/enterprises/{customsCode}/certificates",
            "POST",
            path_parameters={"customsCode": PLATFORM},
            body={"certificate": rsa_identity().certificate.pem},
        )


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Service]:
    path: Path = tmp_path_factory.mktemp("stateful") / "stateful.db"
    upgrade(f"sqlite:///{path}")
    app = create_app(quiet_settings(f"sqlite:///{path}", rate_limit_enabled=False))
    with (
        asgi.get_client(cast(asgi.ASGIApp, app)) as client,
        closing(sqlite3.connect(path)) as database,
        closing(sqlite3.connect(":memory:")) as as_seeded,
    ):
        try:
            seed(client, app)
            database.backup(as_seeded)
            service = Service(app, client, as_seeded, database)
            pytestconfig.pluginmanager.register(service)
            yield service
        finally:
            asgi.shutdown_lifespans()


def test_following_the_links_finds_nothing(service: Service) -> None:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(SPEC), config=config())
    schema.app = service.app
    workflow = cast(
        type[Following],
        type("Workflow", (Following, schema.as_state_machine()), {"service": service}),
    )
    settings = hypothesis.settings(
        workflow.TestCase.settings,
        max_examples=SCENARIOS,
        stateful_step_count=STEPS,
        derandomize=True,
        database=None,
    )
    started = time.monotonic()
    try:
        workflow.run(settings=settings)
    finally:
        service.seconds = time.monotonic() - started
    assert service.scenarios >= SCENARIOS
    # The links were followed: declarations accepted in a scenario were read back by the
    # ids their answers gave, and every link declared from the seeded records led, with
    # the values it took, to a successful answer.
    assert service.read, sorted(service.calls.items())
    assert service.read <= service.declared
    succeeded = {
        (source, target)
        for source, target, declared, status in service.followed
        if declared and 200 <= status < 300
    }
    assert declared_links(SEEDED) <= succeeded, sorted(service.followed.items())


TEXTS: dict[str, tuple[type[BaseModel], str]] = {
    "acknowledgement": (TakedownAcknowledgement, "actionTaken"),
    "lift": (ListingLift, "reason"),
}


@pytest.mark.parametrize("body", TEXTS)
@pytest.mark.parametrize("text", ["Listing removed\x00", "\r", " \u3000\n"])
def test_text_the_service_refuses_the_document_refuses(body: str, text: str) -> None:
    """The service refuses a NUL in any text of a body (422 invalid_character), and text
    that is nothing but white space once trimmed; the document says so too. Otherwise,
    following the links to a real take-down notice, an acknowledgement with such text is
    a request the document allows and the service refuses."""
    model, name = TEXTS[body]
    with pytest.raises(InvalidRequest):
        parse_body(model, json.dumps({name: text}).encode())
    schema = SPEC["components"]["schemas"][model.__name__]
    assert not Draft202012Validator(schema).is_valid({name: text})


@pytest.mark.parametrize("body", TEXTS)
@pytest.mark.parametrize("text", [" Listing removed\n", "下架\u3000", "\x1c"])
def test_text_the_service_takes_the_document_takes(body: str, text: str) -> None:
    """White space around the text is trimmed, not refused; a character Python counts as
    white space and the trimming does not (U+001C) is text."""
    model, name = TEXTS[body]
    parse_body(model, json.dumps({name: text}).encode())
    schema = SPEC["components"]["schemas"][model.__name__]
    assert Draft202012Validator(schema).is_valid({name: text})


@pytest.mark.parametrize("body", TEXTS)
def test_the_length_counts_as_sent(body: str) -> None:
    """The document's maxLength counts the text as sent; trimming it does not make room
    for more."""
    model, name = TEXTS[body]
    schema = SPEC["components"]["schemas"][model.__name__]
    most = schema["properties"][name]["maxLength"]
    parse_body(model, json.dumps({name: "x" * most}).encode())
    with pytest.raises(InvalidRequest):
        parse_body(model, json.dumps({name: " " + "x" * most}).encode())
    assert not Draft202012Validator(schema).is_valid({name: " " + "x" * most})
