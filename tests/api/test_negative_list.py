"""The credit negative list (信用负面清单): regulators list and lift; a listed enterprise
cannot file again nor be a party to a new declaration; its filing, marked listed, goes to
every agency again and customs inspects its declarations in flight and every new one; the
blacklist is published without a key, in order, cacheable and limited per address; every
listing and lifting is audited, with the filing's state."""

import random
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import demo
from app.agencies.wire import (
    AgencyName,
    DeclarationBatch,
    FilingBatch,
    FilingMessage,
    Receipt,
    ReceiptStatus,
)
from app.dispatch.payloads import filing_messages
from app.domain.clearance import Agency
from app.domain.decision import Candidate
from app.main import create_app
from app.schemas.declaration import DeclarationSet
from app.store import credit, intake, outbox
from app.store.db import read_session, upgrade
from app.store.enterprises import REGISTER_FILING
from app.store.models.types import utcnow
from mock_agencies.faults import FaultPanel, Faults
from mock_agencies.intake import AgencyRules, DeclarationIntake
from mock_agencies.rules import customs as customs_rules
from mock_agencies.rules.customs import load_positive_list
from mock_agencies.rules.tax import load_rate_table
from mock_agencies.store import AgencyStore
from tests.support.agencies import documents, message
from tests.support.factories import Declarations, register_everywhere
from tests.support.reliability import T_SHIRT, Processes, SingleWindow, expected_status
from tests.support.service import ADMIN, quiet_settings

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
SELLER = demo.DEMO_PARTIES.ecommerce.customs_code
LIST = "/v1/regulator/negative-list"
BLACKLIST = "/v1/public/blacklist"
NO_KEY = {"Authorization": ""}


@dataclass
class World:
    client: TestClient
    declarations: Declarations
    filings: dict[str, dict[str, Any]]  # customs code → the body it was filed with
    keys: dict[str, dict[str, str]]  # who → headers

    def list(self, who: str = "market", **body: Any) -> Any:
        answer = self.client.post(LIST, json={**LISTING, **body}, headers=self.keys[who])
        assert answer.status_code == 201, answer.text
        return answer.json()

    def lift(self, listing_id: str, who: str = "market") -> Any:
        answer = self.client.post(
            f"{LIST}/{listing_id}/lift", json={"reason": "put right"}, headers=self.keys[who]
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def declare(self) -> Any:
        return self.client.post("/v1/declarations", json=self.declarations.valid())


LISTING = {
    "customsCode": SELLER,
    "reason": "sold counterfeit infant formula",
    "legalBasis": "《电子商务法》第八十四条",
    "authority": "杭州市市场监督管理局",
}


def regulator(client: TestClient, agency: str) -> dict[str, str]:
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": agency})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def make_world(client: TestClient, declarations: Declarations) -> World:
    filings: dict[str, dict[str, Any]] = {}
    keys: dict[str, dict[str, str]] = {}
    for body in declarations.filings():
        answer = client.post("/v1/enterprises", json=body)
        assert answer.status_code == 201, answer.text
        filings[body["customsCode"]] = body
        keys[body["customsCode"]] = {"Authorization": f"Bearer {answer.json()['apiKey']['key']}"}
    register_everywhere(client.app.state.engine, list(filings))  # type: ignore[attr-defined]
    for agency in ("customs", "commerce", "market", "tax"):
        keys[agency] = regulator(client, agency)
    return World(client, declarations, filings, keys)


@pytest.fixture
def world(database_url: str, declarations: Declarations) -> Iterator[World]:
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        yield make_world(client, declarations)


def violations(answer: Any) -> list[tuple[str, str]]:
    assert answer.status_code == 422, answer.text
    return [(v["code"], v["pointer"]) for v in answer.json()["violations"]]


def test_a_listed_seller_cannot_declare_nor_file_and_is_published(world: World) -> None:
    until = (utcnow() + timedelta(days=30)).replace(microsecond=0)
    listing = world.list(until=until.isoformat())
    assert listing["customsCode"] == SELLER
    assert listing["agency"] == "market"
    assert listing["inForce"] is True
    assert datetime.fromisoformat(listing["until"]) == until
    summary = world.client.get(f"/v1/credit/{SELLER}", headers=world.keys[PLATFORM]).json()
    assert summary["listed"] is True
    assert datetime.fromisoformat(summary["listedUntil"]) == until

    # 事前准入禁止: no new declaration names it, whichever field it is in.
    assert violations(world.declare()) == [("enterprise_listed", "/order/ebcCode")]
    refused = world.declare().json()["violations"][0]
    assert SELLER in refused["message"]
    assert "负面清单" in refused["messageZh"]
    # Nor does it file again, by its customs code or by its USCC.
    filed = world.filings[SELLER]
    rng = random.Random(1)
    for again in (
        filed | {"uscc": demo.make_uscc(rng)},
        filed | {"customsCode": "3301969999"},
    ):
        answer = world.client.post("/v1/enterprises", json=again)
        assert answer.status_code == 409, answer.text
        assert answer.json()["code"] == "enterprise_listed"
        assert answer.json()["detailZh"]

    # Published, without a key: the public fields only.
    published = world.client.get(BLACKLIST, headers=NO_KEY)
    assert published.status_code == 200, published.text
    (entry,) = published.json()["items"]
    assert entry == {
        "name": filed["name"],
        "customsCode": SELLER,
        "uscc": filed["uscc"],
        "reason": LISTING["reason"],
        "authority": LISTING["authority"],
        "listedAt": listing["listedAt"],
        "until": listing["until"],
    }

    lifted = world.lift(listing["id"])
    assert lifted["inForce"] is False
    assert lifted["liftReason"] == "put right"
    assert world.declare().status_code == 202
    assert world.client.get(BLACKLIST, headers=NO_KEY).json()["items"] == []
    assert world.client.get(f"/v1/credit/{SELLER}").json()["listed"] is False


def test_a_listed_platform_payment_or_logistics_company_is_refused_too(world: World) -> None:
    for code, pointer in (
        (PLATFORM, "/order/ebpCode"),
        (demo.DEMO_PARTIES.payment.customs_code, "/payment/payCode"),
        (demo.DEMO_PARTIES.logistics.customs_code, "/logistics/logisticsCode"),
    ):
        listing = world.list(customsCode=code)
        assert violations(world.declare()) == [("enterprise_listed", pointer)]
        world.lift(listing["id"])
    assert world.declare().status_code == 202


def test_one_listing_lifted_leaves_another_in_force(world: World) -> None:
    until = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    dated = world.list("customs", until=until.isoformat())
    open_ended = world.list("commerce")
    summary = world.client.get(f"/v1/credit/{SELLER}").json()
    assert (summary["listed"], summary["listedUntil"]) == (True, None)

    world.lift(open_ended["id"], "commerce")
    summary = world.client.get(f"/v1/credit/{SELLER}").json()
    assert summary["listed"] is True
    assert datetime.fromisoformat(summary["listedUntil"]) == until
    assert violations(world.declare()) == [("enterprise_listed", "/order/ebcCode")]

    # Any of the regulators that list may lift.
    world.lift(dated["id"], "customs")
    assert world.client.get(f"/v1/credit/{SELLER}").json()["listed"] is False
    again = world.client.post(f"{LIST}/{dated['id']}/lift", json={"reason": "twice"})
    assert again.status_code == 409
    assert again.json()["code"] == "listing_not_current"

    listed = world.client.get(LIST, headers=world.keys["tax"]).json()["items"]
    assert [item["id"] for item in listed] == [open_ended["id"], dated["id"]]
    assert world.client.get(f"{LIST}?inForce=true").json()["items"] == []
    assert len(world.client.get(f"{LIST}?inForce=false&customsCode={SELLER}").json()["items"]) == 2


def test_who_may_list_and_what_a_listing_needs(filed_client: TestClient) -> None:
    client = filed_client
    keys = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    for agency in ("tax", "forex", "inspection"):
        answer = client.post(LIST, json=LISTING, headers=regulator(client, agency))
        assert answer.status_code == 403, answer.text
    seller = {"Authorization": f"Bearer {keys[SELLER]}"}
    assert client.post(LIST, json=LISTING, headers=seller).status_code == 403
    assert client.get(LIST, headers=seller).status_code == 403

    unknown = client.post(LIST, json=LISTING | {"customsCode": "9999999999"})
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "enterprise_not_found"
    past = client.post(LIST, json=LISTING | {"until": "2020-01-01T00:00:00Z"})
    assert [(v["code"], v["pointer"]) for v in past.json()["violations"]] == [
        ("until_not_in_future", "/until")
    ]
    missing = client.post(LIST, json={"customsCode": SELLER})
    assert {v["pointer"] for v in missing.json()["violations"]} == {"/reason", "/legalBasis"}
    gone = client.post(f"{LIST}/01a24000-0000-7000-8000-000000000000/lift", json={"reason": "x"})
    assert gone.status_code == 404
    assert gone.json()["code"] == "listing_not_found"

    # Without an authority of its own, the listing names the regulator's.
    customs = regulator(client, "customs")
    answer = client.post(
        LIST, json={k: v for k, v in LISTING.items() if k != "authority"}, headers=customs
    )
    assert answer.status_code == 201
    assert "Customs" in answer.json()["authority"]


def test_listing_goes_to_every_agency_marked_listed(filed_client: TestClient) -> None:
    client, engine = filed_client, filed_client.app.state.engine  # type: ignore[attr-defined]
    drained = outbox.claim_each(engine, [a.value for a in Agency], 100, timedelta(minutes=5))
    assert all(drained.values())  # the filings' own registrations, out of the way
    listing = client.post(LIST, json=LISTING)
    assert listing.status_code == 201
    claimed = outbox.claim_each(engine, [a.value for a in Agency], 100, timedelta(minutes=5))
    for agency in Agency:
        (sent,) = claimed[agency.value]
        assert (sent.kind, sent.subject_id) == (REGISTER_FILING, SELLER)
        (filing,) = filing_messages(engine, [sent]).values()
        assert filing.listed is True
        assert filing.listedUntil is None
    # Lifted: sent again, no longer listed.
    client.post(f"{LIST}/{listing.json()['id']}/lift", json={"reason": "over"})
    claimed = outbox.claim_each(engine, [Agency.CUSTOMS.value], 100, timedelta(minutes=5))
    (sent,) = claimed[Agency.CUSTOMS.value]
    (filing,) = filing_messages(engine, [sent]).values()
    assert filing.listed is False


def test_listing_and_lifting_are_audited_with_the_filings_state(filed_client: TestClient) -> None:
    client = filed_client
    listing = client.post(LIST, json=LISTING).json()
    client.post(f"{LIST}/{listing['id']}/lift", json={"reason": "done"})
    relisted = client.post(LIST, json=LISTING | {"reason": "again"})
    assert relisted.status_code == 201
    feed = client.get("/v1/regulator/feed?after=0&limit=200").json()["items"]
    mine = [i for i in feed if i["kind"] in ("filing.listed", "filing.lifted")]
    assert [(i["kind"], i["subjectId"]) for i in mine] == [
        ("filing.listed", SELLER),
        ("filing.lifted", SELLER),
        ("filing.listed", SELLER),
    ]
    assert mine[0]["data"]["listingId"] == listing["id"]
    assert mine[0]["data"]["legalBasis"] == LISTING["legalBasis"]
    assert all("stateSha256" in i["data"] for i in mine)
    verified = client.get("/v1/regulator/audit/verify").json()
    assert verified["ok"], verified

    # The listing changed without an entry: the filing no longer matches its trail.
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE enterprises SET listed_until = NULL WHERE customs_code = :code"),
            {"code": SELLER},
        )
    verified = client.get("/v1/regulator/audit/verify").json()
    assert not verified["ok"]
    assert {"subjectType": "enterprise", "subjectId": SELLER} in [
        {k: p[k] for k in ("subjectType", "subjectId")} for p in verified["rowProblems"]
    ]


def test_a_listing_ends_by_itself_once_its_period_is_over(filed_client: TestClient) -> None:
    client, engine = filed_client, filed_client.app.state.engine  # type: ignore[attr-defined]
    now = utcnow()
    until = now + timedelta(days=2)
    client.post(LIST, json=LISTING | {"until": until.isoformat()})
    ds = DeclarationSet.model_validate(Declarations(seed=4).valid())
    candidate = Candidate.of(ds, "d1")

    def listed_at(moment: datetime) -> bool:
        with read_session(engine) as session:
            facts, _ = intake.read_facts(session.connection(), [candidate], moment, timedelta(1))
        return facts.filings[SELLER].listed

    assert listed_at(now) is True
    assert listed_at(until + timedelta(seconds=1)) is False
    # The application's clock past the end: not listed, not published, lifting too late.
    client.app.state.clock = lambda: until + timedelta(hours=1)  # type: ignore[attr-defined]
    assert client.get(f"/v1/credit/{SELLER}").json()["listed"] is False
    assert client.get(BLACKLIST).json()["items"] == []
    listing_id = client.get(LIST).json()["items"][0]["id"]
    assert client.post(f"{LIST}/{listing_id}/lift", json={"reason": "x"}).status_code == 409


@pytest.mark.postgres
def test_concurrent_listings_and_lifts_leave_the_filing_as_its_listings_say(
    database_url: str, declarations: Declarations
) -> None:
    """Each listing and lifting sets the filing from the listings in force while it holds
    the filing: however they interleave, the filing ends as its listings say."""
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        make_world(client, declarations)
        engine = client.app.state.engine  # type: ignore[attr-defined]
        now = utcnow()
        first = [
            credit.put_on_list(engine, draft(now + timedelta(days=n + 1)), "test", utcnow())
            for n in range(4)
        ]
        errors: list[BaseException] = []

        def list_until(days: int) -> None:
            try:
                credit.put_on_list(engine, draft(now + timedelta(days=days)), "test", utcnow())
            except BaseException as error:
                errors.append(error)

        def lift(listing_id: str) -> None:
            try:
                credit.lift(engine, listing_id, "lifted", "test", utcnow())
            except BaseException as error:
                errors.append(error)

        threads = [
            *(threading.Thread(target=list_until, args=(10 + n,)) for n in range(4)),
            *(threading.Thread(target=lift, args=(listing.id,)) for listing in first),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        summary = client.get(f"/v1/credit/{SELLER}").json()
        assert datetime.fromisoformat(summary["listedUntil"]) == now + timedelta(days=13)
        assert client.get("/v1/regulator/audit/verify").json()["ok"]


def draft(until: datetime) -> credit.ListingDraft:
    return credit.ListingDraft(SELLER, "reason", "basis", "authority", until, "customs")


def test_the_blacklist_is_in_order_paged_and_cacheable(world: World) -> None:
    for code in (SELLER, PLATFORM, demo.DEMO_PARTIES.logistics.customs_code):
        world.list(customsCode=code)
    first = world.client.get(f"{BLACKLIST}?limit=2", headers=NO_KEY)
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    page = first.json()
    assert [i["customsCode"] for i in page["items"]] == [
        demo.DEMO_PARTIES.logistics.customs_code,
        PLATFORM,
    ]
    rest = world.client.get(f"{BLACKLIST}?limit=2&cursor={page['nextCursor']}", headers=NO_KEY)
    assert [i["customsCode"] for i in rest.json()["items"]] == [SELLER]
    assert rest.json()["nextCursor"] is None

    for given in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = world.client.get(f"{BLACKLIST}?limit=2", headers=NO_KEY | {"If-None-Match": given})
        assert again.status_code == 304, given
        assert again.content == b""
        assert again.headers["etag"] == etag
    # Changed since: the new page, with its own ETag.
    world.lift(world.client.get(LIST).json()["items"][0]["id"])
    changed = world.client.get(f"{BLACKLIST}?limit=2", headers=NO_KEY | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_the_blacklist_is_limited_per_address_without_a_key(client: TestClient) -> None:
    answers = [client.get(BLACKLIST, headers=NO_KEY) for _ in range(61)]
    assert [a.status_code for a in answers[:60]] == [200] * 60
    limited = answers[60]
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
    assert "address" in limited.json()["detail"]
    # A caller with a key is counted as on any route, not by its address.
    assert client.get(BLACKLIST).status_code == 200
    # A key that is not valid is refused, not taken as no key.
    wrong = client.get(BLACKLIST, headers={"Authorization": "Bearer sw_e_nope"})
    assert wrong.status_code == 401


# -- the simulated customs ---------------------------------------------------------------


class Customs:
    """The customs simulation in-process, on a clock the test moves."""

    def __init__(self, data_dir: Path) -> None:
        self.now = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
        self.path = data_dir / "customs.db"
        self.store = AgencyStore(self.path)
        rules = AgencyRules(
            agency=AgencyName.CUSTOMS,
            positive_list=load_positive_list(),
            rate_table=load_rate_table(),
            quarantine_sampling_rate=0,
        )
        self.intake = DeclarationIntake(
            self.store, rules, FaultPanel(Faults(decisionDelayMs=1000), 0), clock=lambda: self.now
        )

    def file(self, listed: bool) -> None:
        filing = FilingMessage(
            customsCode=SELLER,
            uscc="91330106MA2B0X0T2X",
            name="杭州海淘优选贸易有限公司",
            roles=["ecommerce"],
            creditGrade="general",
            status="active",
            listed=listed,
        )
        self.intake.register(FilingBatch(filings=[filing]), None)

    def declare(self, declaration_id: str, seed: int) -> None:
        batch = DeclarationBatch.model_validate(
            {"declarations": [message(declaration_id, documents(seed=seed))]}
        )
        assert self.intake.take(batch, None).results[0].accepted

    def deliver_due(self) -> None:
        self.store.mark_sent([r.id for r in self.store.due_receipts(self.now, 1000)])

    def receipts(self, declaration_id: str) -> list[tuple[int, str, str, list[str]]]:
        """(sequence, status, state, reason codes) of each receipt stored."""
        with sqlite3.connect(self.path) as db:
            rows = db.execute(
                "SELECT body, state FROM receipts WHERE declaration_id = ? ORDER BY sequence",
                (declaration_id,),
            ).fetchall()
        found = [(Receipt.model_validate_json(body), state) for body, state in rows]
        return [
            (r.sequence, r.status.value, state, [reason.code for reason in r.reasons])
            for r, state in found
        ]


def plain(prefix: str) -> Iterator[str]:
    """Ids customs would neither sample nor detain."""
    n = 0
    while True:
        n += 1
        candidate = f"{prefix}-{n:05d}"
        if not customs_rules.sampled(candidate, "general") and not customs_rules.detained(
            candidate
        ):
            yield candidate


def test_customs_inspects_a_listed_sellers_declarations_in_flight_and_new(
    tmp_path: Path,
) -> None:
    customs = Customs(tmp_path)
    customs.file(listed=False)
    ids = plain("LIST")
    in_flight, told, new = next(ids), next(ids), next(ids)
    customs.declare(told, seed=1)
    customs.now += 2
    customs.deliver_due()  # released, and the window told
    customs.declare(in_flight, seed=2)
    customs.deliver_due()  # only acknowledged so far
    assert customs.receipts(in_flight) == [
        (1, "acknowledged", "delivered", []),
        (2, "released", "pending", []),
    ]

    customs.file(listed=True)
    # 事中全面查验: the decision not yet sent is replaced by an inspection, then a decision.
    assert customs.receipts(in_flight) == [
        (1, "acknowledged", "delivered", []),
        (2, "released", "superseded", []),
        (3, "inspection", "pending", ["negative_list"]),
        (4, "released", "pending", []),
    ]
    assert customs.receipts(told)[-1] == (2, "released", "delivered", [])
    # Every new declaration is inspected.
    customs.declare(new, seed=3)
    assert [r[1:] for r in customs.receipts(new)] == [
        ("acknowledged", "pending", []),
        ("inspection", "pending", ["negative_list"]),
        ("released", "pending", []),
    ]
    # Told again that it is listed (another change of its filing): nothing inspected twice.
    customs.file(listed=True)
    assert len(customs.receipts(in_flight)) == 4
    # Off the list: new declarations are sampled as before.
    customs.file(listed=False)
    later = next(ids)
    customs.declare(later, seed=4)
    assert [r[1] for r in customs.receipts(later)] == ["acknowledged", "released"]
    customs.store.close()


def test_a_listed_sellers_refused_goods_stay_refused(tmp_path: Path) -> None:
    """Inspection is for goods customs would release: what it refuses it refuses."""
    customs = Customs(tmp_path)
    customs.file(listed=True)
    body = documents(seed=9)
    body["order"]["items"][0]["gcode"] = "0202300090"  # frozen beef: not on the list
    batch = DeclarationBatch.model_validate({"declarations": [message("BEEF-1", body)]})
    customs.intake.take(batch, None)
    assert [r[1] for r in customs.receipts("BEEF-1")] == [
        "acknowledged",
        ReceiptStatus.REJECTED.value,
    ]
    customs.store.close()


def test_an_agency_file_from_before_the_negative_list_gets_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "customs.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE filings (id INTEGER PRIMARY KEY, customs_code TEXT NOT NULL UNIQUE, "
            "registration_no TEXT NOT NULL UNIQUE, uscc TEXT NOT NULL, name TEXT NOT NULL, "
            "roles TEXT NOT NULL, credit_grade TEXT NOT NULL, status TEXT NOT NULL, "
            "updated_at REAL NOT NULL);"
            "CREATE TABLE declarations (declaration_id TEXT PRIMARY KEY, message_id TEXT NOT "
            "NULL, buyer_id TEXT NOT NULL, china_year INTEGER NOT NULL, dutiable_value TEXT NOT "
            "NULL, final_status TEXT NOT NULL, received_at REAL NOT NULL) WITHOUT ROWID;"
            "INSERT INTO filings VALUES (1, 'A', 'N1', 'U', 'n', 'ecommerce', 'general', "
            "'active', 0);"
        )
    store = AgencyStore(path)
    with store.transaction() as tx:
        filing = tx.filing("A")
        assert filing is not None
        assert filing.listed is False
        assert tx.in_flight("A") == []
    store.close()


# -- end to end: the window, its dispatcher and the four agencies as processes -------------


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    registry = Processes(tmp_path / "logs")
    try:
        yield registry
    finally:
        registry.stop_all()


def test_a_declaration_in_flight_when_its_seller_is_listed_is_inspected(
    processes: Processes, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    upgrade(url)
    sw = SingleWindow(processes, "trust", url, tmp_path)
    sw.start_agencies()
    sw.start_api()
    sw.file_parties()
    # Customs takes its time to decide: the listing reaches it before its decision goes out.
    slow = httpx.put(
        f"{sw.agency_url(AgencyName.CUSTOMS)}/admin/faults", json={"decisionDelayMs": 3000}
    )
    assert slow.status_code == 200, slow.text
    (declaration,) = sw.post([Declarations(seed=41).valid(lines=[(T_SHIRT, 1)])])
    with sw.client() as client:

        def notes() -> list[str]:
            events = client.get(f"/v1/declarations/{declaration}/events").json()["items"]
            return [str(e["note"]) for e in events]

        sw.wait_for(lambda: "customs: acknowledged" in notes(), 30, "acknowledged by customs")
        listed = client.post(LIST, json=LISTING)
        assert listed.status_code == 201, listed.text
        sw.wait_all_final([declaration], timeout=60)
        final = client.get(f"/v1/declarations/{declaration}").json()
        seen = notes()
    if expected_status(declaration) == "detained":
        # Sampled and detained before the listing: nothing left to inspect.
        assert final["status"] == "detained"
        return
    inspected = [note for note in seen if note.startswith("customs: inspection")]
    assert len(inspected) == 1, seen
    assert "negative_list" in inspected[0]
    assert final["status"] == ("detained" if customs_rules.detained(declaration) else "cleared")
