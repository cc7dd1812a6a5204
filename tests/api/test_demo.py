"""`singlewindow demo` posts realistic declarations; its faults fire the rules they name."""

import random

from fastapi.testclient import TestClient

from app.demo import DEMO_PARTIES, FAULTS, run_demo
from tests.support.factories import register_everywhere


def test_demo_declarations_are_mostly_accepted_and_faults_are_refused(client: TestClient) -> None:
    rng = random.Random(1)
    for filing in DEMO_PARTIES.filings():
        assert client.post("/v1/enterprises", json=filing.body(rng)).status_code == 201
    register_everywhere(client.app.state.engine, [f.customs_code for f in DEMO_PARTIES.filings()])  # type: ignore[attr-defined]
    ticks: list[None] = []
    outcome = run_demo(client, 120, seed=5, on_progress=lambda: ticks.append(None))
    assert outcome.posted == len(ticks) == 120
    assert outcome.accepted + outcome.refused + outcome.duplicates == 120
    assert outcome.accepted > 60
    assert outcome.refused > 10
    by_code = outcome.by_code or {}
    # Every fault injected names a rule that fired; nothing unexpected fired.
    assert set(by_code) <= set(FAULTS) | {
        "goods_value_mismatch",  # a changed line total also breaks the order total
        "waybill_reused",
        "duplicate_order",
        "annual_limit_exceeded",
    }
    listed = client.get("/v1/declarations", params={"limit": 200}).json()["items"]
    assert len(listed) == outcome.accepted
