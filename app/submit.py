"""A platform's day of orders, sent from its own machine (`singlewindow submit`), and one
declaration followed live (`singlewindow status`): over HTTP, with the platform's key.

A file of declaration sets goes through ``POST /v1/declarations/batch`` in batches. That
endpoint takes one Idempotency-Key per call, so each batch's key is derived from the
records it holds: the same file sent again after an interruption makes the same batches
under the same keys, and the service replays what it answered the first time instead of
deciding again. A record that reaches the service in another batch (another
``--batch-size``, a key expired after a day, a fixed record sent among new ones) is
answered ``duplicate_order`` if its order was declared. Either way it is reported as
already declared, and never declared twice.

Files are NDJSON (one declaration set per line, as ``POST /v1/declarations`` takes it, or
a line of a refused-records file once fixed) or CSV in the flat layout of ``CSV_COLUMNS``
(examples/submit.md describes both)."""

import csv
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import httpx

from app.domain.clearance import FINAL
from app.schemas.declaration import DeclarationSet, Logistics, Order, OrderItem, Payment

BATCH_PATH = "/v1/declarations/batch"
DECLARATIONS_PATH = "/v1/declarations"
MAX_BATCH = 100  # the batch endpoint's limit
# Answers that mean "not now": the same call is made again after a wait.
_RETRIED = frozenset({429, 500, 502, 503, 504})
# Answers about the body: a batch refused whole is sent again record by record.
_BODY_REFUSED = frozenset({400, 413, 415, 422})
_IN_FLIGHT = "idempotency_key_in_flight"
# The CSV layout: one row per order line; the declaration's own fields as they are, the
# documents' fields prefixed with the document (``order.orderNo``, ``item.gcode``,
# ``payment.amountPaid``, ``logistics.logisticsNo``), each named as in the JSON body.
_DOCUMENTS = ("order", "payment", "logistics")
CSV_COLUMNS = (
    *[n for n in DeclarationSet.model_fields if n not in _DOCUMENTS],
    *[f"order.{n}" for n in Order.model_fields if n != "items"],
    *[f"item.{n}" for n in OrderItem.model_fields],
    *[f"payment.{n}" for n in Payment.model_fields],
    *[f"logistics.{n}" for n in Logistics.model_fields],
)
_INTEGER_FIELDS = frozenset({"item.gnum", "logistics.packNo"})

Declaration = dict[str, Any]
Violation = dict[str, Any]


class SubmitStopped(Exception):
    """The run cannot go on (the service is unreachable, or refuses the caller): what was
    answered so far stands, and running the same command again resumes."""


@dataclass(frozen=True, slots=True)
class Record:
    """One declaration set of the file, or the reason its text is not one."""

    line: int  # where it starts in the file
    declaration: Declaration | None
    problem: str | None = None
    text: str | None = None  # the line as written, when it could not be read

    @property
    def order_no(self) -> str | None:
        order = (self.declaration or {}).get("order")
        value = order.get("orderNo") if isinstance(order, dict) else None
        return value if isinstance(value, str) else None

    def key(self) -> str:
        """The record's own key: its platform, order number and content. The same record
        has the same key in every run; a record changed in any way has another."""
        declaration = self.declaration or {}
        order = declaration.get("order")
        ebp_code = order.get("ebpCode") if isinstance(order, dict) else None
        digest = hashlib.sha256(f"{ebp_code}\n{self.order_no}\n".encode())
        digest.update(
            json.dumps(
                declaration, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
            ).encode()
        )
        return digest.hexdigest()


def batch_key(records: Iterable[Record]) -> str:
    """The Idempotency-Key of a batch: the same records in the same order, the same key."""
    digest = hashlib.sha256("\n".join(r.key() for r in records).encode())
    return f"sw-submit-{digest.hexdigest()}"


# -- reading the file ---------------------------------------------------------------------


def read_records(path: Path) -> list[Record]:
    """The file's records: CSV when its name ends in ``.csv``, else NDJSON. A header that
    is not the CSV layout raises ``ValueError`` naming the columns."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        if path.suffix.lower() == ".csv":
            return list(read_csv(file))
        return list(read_ndjson(file))


def read_ndjson(lines: Iterable[str]) -> Iterator[Record]:
    """One declaration set per line (amounts kept exact); a line of a refused-records
    file (``{"declaration": {...}, "violations": [...]}``) gives its declaration back."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_float=Decimal)
        except ValueError as error:
            yield Record(number, None, f"not JSON: {error}", line.rstrip("\r\n"))
            continue
        if isinstance(value, dict) and "declaration" in value and "order" not in value:
            value = value["declaration"]  # a refused record, fixed
            if value is None:
                yield Record(
                    number, None, "no declaration: write it in place of null", line.rstrip()
                )
                continue
        if isinstance(value, dict):
            yield Record(number, value)
        else:
            yield Record(number, None, "not a JSON object", line.rstrip("\r\n"))


def read_csv(file: IO[str]) -> Iterator[Record]:
    """Rows in the flat layout (``CSV_COLUMNS``): one row per order line. A row naming
    another order (``order.ebpCode``, ``order.orderNo``) than the row before starts a
    declaration; the rows after it that name the same order or none add their lines to
    it. Its order, payment and waybill fields are read from its first row."""
    reader = csv.DictReader(file)
    unknown = [c for c in reader.fieldnames or () if c not in CSV_COLUMNS]
    if unknown:
        raise ValueError(
            f"unknown CSV column(s): {', '.join(unknown)}; the layout's columns are "
            + ", ".join(CSV_COLUMNS)
        )
    group: list[dict[str, str]] = []
    start = 0
    for row in reader:
        if None in row:  # more cells than columns
            yield Record(reader.line_num, None, "the row has more cells than the header")
            continue
        order = _order_of(row)
        if group and any(order) and order != _order_of(group[0]):
            yield Record(start, _declaration_of(group))
            group = []
        if not group:
            start = reader.line_num
        group.append(row)
    if group:
        yield Record(start, _declaration_of(group))


def csv_rows(declaration: Declaration) -> list[dict[str, str]]:
    """A declaration set in the CSV layout: one row per order line, the order, payment
    and waybill fields on the first."""
    head = {k: str(v) for k, v in declaration.items() if k not in _DOCUMENTS}
    for document in _DOCUMENTS:
        for name, value in declaration[document].items():
            if name != "items" and value is not None:
                head[f"{document}.{name}"] = str(value)
    rows = [
        {f"item.{k}": str(v) for k, v in item.items()} for item in declaration["order"]["items"]
    ]
    rows[0] = head | rows[0]
    return rows


def _order_of(row: dict[str, str]) -> tuple[str, str]:
    return (row.get("order.ebpCode") or "").strip(), (row.get("order.orderNo") or "").strip()


def _cell(column: str, value: str) -> str | int:
    value = value.strip()
    return int(value) if column in _INTEGER_FIELDS and value.isdigit() else value


def _declaration_of(rows: list[dict[str, str]]) -> Declaration:
    declaration: Declaration = {}
    documents: dict[str, Declaration] = {name: {} for name in _DOCUMENTS}
    for column, value in rows[0].items():
        document, _, name = column.partition(".")
        if not value or not value.strip() or document == "item":
            continue
        if name:
            documents[document][name] = _cell(column, value)
        else:
            declaration[column] = value.strip()
    items = []
    for row in rows:
        item = {
            column.removeprefix("item."): _cell(column, value)
            for column, value in row.items()
            if column.startswith("item.") and value and value.strip()
        }
        if item:
            items.append(item)
    documents["order"]["items"] = items
    return documents | declaration


# -- sending ------------------------------------------------------------------------------


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    ALREADY_DECLARED = "already_declared"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class RecordResult:
    record: Record
    outcome: Outcome
    code: str  # the service's outcome: accepted, duplicate_order, declaration_refused …
    declaration_id: str | None = None
    violations: tuple[Violation, ...] = ()


@dataclass
class Summary:
    accepted: int = 0
    already_declared: int = 0
    refused: list[RecordResult] = field(default_factory=list)
    by_code: Counter[str] = field(default_factory=Counter)

    @property
    def done(self) -> int:
        return self.accepted + self.already_declared + len(self.refused)

    def add(self, results: Iterable[RecordResult]) -> None:
        for result in results:
            if result.outcome is Outcome.ACCEPTED:
                self.accepted += 1
            elif result.outcome is Outcome.ALREADY_DECLARED:
                self.already_declared += 1
            else:
                self.refused.append(result)
                codes = {v.get("code") for v in result.violations} - {None}
                self.by_code.update(str(code) for code in codes or {result.code})


class Submitter:
    """Sends records in batches through the batch endpoint, waiting out the answers that
    mean "not now" (429, 503 with Retry-After, a retry of a batch still being decided)
    for up to ``patience`` seconds at a time."""

    def __init__(
        self,
        client: httpx.Client,
        batch_size: int = MAX_BATCH,
        patience: float = 300,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} records")
        self.client = client
        self.batch_size = batch_size
        self.patience = patience
        self.sleep = sleep

    def submit(
        self, records: Iterable[Record], on_results: Callable[[list[RecordResult]], None]
    ) -> None:
        """Send every record; ``on_results`` hears each batch's results as they come."""
        batch: list[Record] = []
        for record in records:
            if record.declaration is None:
                on_results([_unreadable(record)])
                continue
            batch.append(record)
            if len(batch) == self.batch_size:
                on_results(self.send(batch))
                batch = []
        if batch:
            on_results(self.send(batch))

    def send(self, batch: list[Record]) -> list[RecordResult]:
        answer = self._post(batch)
        if answer.status_code == 200:
            replayed = answer.headers.get("Idempotent-Replayed") == "true"
            return [_result(batch, item, replayed) for item in answer.json()["results"]]
        if answer.status_code not in _BODY_REFUSED:
            raise SubmitStopped(_problem_text(answer))
        if len(batch) > 1:
            # Refused as a whole (too large, a value the service cannot read at all):
            # each record on its own, so that only the faulty one is refused.
            return [result for record in batch for result in self.send([record])]
        problem = _json(answer)
        violations = tuple(_relative(v) for v in problem.get("violations") or ())
        if not violations:
            violations = (_violation(problem.get("code"), problem.get("detail"), None),)
        return [RecordResult(batch[0], Outcome.REFUSED, str(problem.get("code")), None, violations)]

    def _post(self, batch: list[Record]) -> httpx.Response:
        body = json.dumps(
            {"declarations": [r.declaration for r in batch]}, ensure_ascii=False, default=str
        ).encode()
        headers = {"Idempotency-Key": batch_key(batch), "Content-Type": "application/json"}
        deadline = time.monotonic() + self.patience
        wait = 0.5
        while True:
            try:
                answer = self.client.post(BATCH_PATH, content=body, headers=headers)
            except httpx.TransportError as error:
                why = _unreachable(self.client, error)
            else:
                if not _worth_retrying(answer):
                    return answer
                why = _problem_text(answer)
                wait = _retry_after(answer, wait)
            if time.monotonic() + wait > deadline:
                raise SubmitStopped(why)
            self.sleep(wait)
            wait = min(wait * 2, 30)


def _worth_retrying(answer: httpx.Response) -> bool:
    if answer.status_code in _RETRIED:
        return True
    return answer.status_code == 409 and _json(answer).get("code") == _IN_FLIGHT


def _unreachable(client: httpx.Client, error: httpx.TransportError) -> str:
    return f"no answer from {client.base_url}" + (f" ({error})" if str(error) else "")


def _retry_after(answer: httpx.Response, default: float) -> float:
    try:
        return max(float(answer.headers.get("Retry-After", "")), 0.1)
    except ValueError:
        return default


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        value = answer.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _problem_text(answer: httpx.Response) -> str:
    problem = _json(answer)
    detail = problem.get("detail") or answer.reason_phrase
    code = f" {problem['code']}" if problem.get("code") else ""
    return f"{answer.status_code}{code}: {detail}"


def _result(batch: list[Record], item: dict[str, Any], replayed: bool) -> RecordResult:
    record = batch[item["index"]]
    code = item["outcome"]
    if code == "accepted":
        outcome = Outcome.ALREADY_DECLARED if replayed else Outcome.ACCEPTED
        return RecordResult(record, outcome, code, item.get("id"))
    location = item.get("location")
    if code == "duplicate_order" and location:
        # Declared before (by an earlier run, or earlier in this file): the service
        # points at the declaration, since the caller is one of its parties.
        return RecordResult(record, Outcome.ALREADY_DECLARED, code, location.rsplit("/", 1)[-1])
    violations = tuple(_relative(v) for v in item.get("violations") or ())
    if not violations:
        violations = (_violation(code, "The order has already been declared.", "/order/orderNo"),)
    return RecordResult(record, Outcome.REFUSED, code, None, violations)


def _relative(violation: Violation) -> Violation:
    """A violation with its pointer into the record (``/order/orderNo``), not the batch."""
    pointer = violation.get("pointer")
    if isinstance(pointer, str) and pointer.startswith("/declarations/"):
        parts = pointer.split("/", 3)
        violation = violation | {"pointer": "/" + parts[3] if len(parts) > 3 else ""}
    return {k: v for k, v in violation.items() if v is not None}


def _violation(code: object, message: object, pointer: str | None) -> Violation:
    found: Violation = {"code": str(code), "message": str(message)}
    return found | ({"pointer": pointer} if pointer is not None else {})


def _unreadable(record: Record) -> RecordResult:
    message = f"line {record.line}: {record.problem or 'no declaration'}"
    return RecordResult(
        record,
        Outcome.REFUSED,
        "unreadable_record",
        violations=(_violation("unreadable_record", message, ""),),
    )


def refused_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.refused.ndjson")


def write_refused(path: Path, refused: list[RecordResult]) -> None:
    """The refused records, one a line, each with its violations and its declaration:
    fixed, the file is sent again as it is (``singlewindow submit FILE.refused.ndjson``)."""
    with path.open("w", encoding="utf-8") as file:
        for result in refused:
            line: dict[str, Any] = {
                "line": result.record.line,
                "orderNo": result.record.order_no,
                "outcome": result.code,
                "violations": list(result.violations),
                "declaration": result.record.declaration,
            }
            if result.record.text is not None:
                line["text"] = result.record.text
            file.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


class PlainProgress:
    """Progress as lines of text, for a log or a pipe (a bar is for a terminal)."""

    def __init__(self, total: int, out: IO[str] | None = None, every: float = 2.0) -> None:
        self.total, self.out, self.every = total, out, every
        self.last = 0.0
        self.shown = -1

    def update(self, summary: Summary, final: bool = False) -> None:
        now = time.monotonic()
        if summary.done == self.shown or (not final and now - self.last < self.every):
            return
        self.last, self.shown = now, summary.done
        print(
            f"{summary.done}/{self.total} records: {summary.accepted} accepted, "
            f"{summary.already_declared} already declared, {len(summary.refused)} refused",
            file=self.out or sys.stderr,
            flush=True,
        )


# -- following a declaration -------------------------------------------------------------


class NotFoundError(Exception):
    """No declaration the caller may read has that order number or id."""


def find_declaration(client: httpx.Client, order_or_id: str, ebp_code: str | None) -> str:
    """The id of the declaration with this order number (of ``ebp_code``'s platform), or
    this id."""
    params = {"orderNo": order_or_id} | ({"ebpCode": ebp_code} if ebp_code else {})
    listed = _get(client, DECLARATIONS_PATH, params)
    items = listed.json()["items"] if listed.status_code == 200 else []
    if len(items) > 1:
        platforms = ", ".join(sorted({i["ebpCode"] for i in items}))
        raise NotFoundError(
            f"order {order_or_id} was declared by several platforms ({platforms}): "
            "name one with --ebp-code, or give the declaration's id"
        )
    if items:
        return str(items[0]["id"])
    if ebp_code is None:
        answer = _get(client, f"{DECLARATIONS_PATH}/{order_or_id}")
        if answer.status_code == 200:
            return str(answer.json()["id"])
    raise NotFoundError(f"no declaration with the order number or id {order_or_id!r}")


def follow(
    client: httpx.Client,
    declaration_id: str,
    emit: Callable[[str], None],
    watch: bool = False,
    interval: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Print the declaration's status history; with ``watch``, each change as it comes,
    until its status is final. Answers the last status."""
    seen: set[int] = set()
    shown: str | None = None
    while True:
        detail = _get(client, f"{DECLARATIONS_PATH}/{declaration_id}")
        if detail.status_code != 200:
            raise SubmitStopped(_problem_text(detail))
        for event in _events(client, declaration_id):
            if event["id"] in seen:
                continue
            seen.add(event["id"])
            shown = event["status"]
            note = f"  {event['note']}" if event.get("note") else ""
            emit(f"{event['createdAt']}  {event['status']} ({event['cebStatus']}){note}")
        current = detail.json()
        if current["status"] != shown:
            shown = current["status"]
            emit(f"{current['updatedAt']}  {shown} ({current['cebStatus']})")
        if not watch or shown in FINAL:
            return str(shown)
        sleep(interval)


def _events(client: httpx.Client, declaration_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "200"} | ({"cursor": cursor} if cursor else {})
        answer = _get(client, f"{DECLARATIONS_PATH}/{declaration_id}/events", params)
        if answer.status_code != 200:
            raise SubmitStopped(_problem_text(answer))
        page = answer.json()
        events += page["items"]
        cursor = page.get("nextCursor")
        if not cursor:
            return events


def _get(
    client: httpx.Client, path: str, params: dict[str, str] | None = None, patience: float = 60
) -> httpx.Response:
    """A read, tried again for up to ``patience`` seconds while the service is unreachable
    or busy; 401 and 403 stop."""
    deadline = time.monotonic() + patience
    while True:
        try:
            answer = client.get(path, params=params)
        except httpx.TransportError as error:
            if time.monotonic() > deadline:
                raise SubmitStopped(_unreachable(client, error)) from error
        else:
            if answer.status_code in (401, 403):
                raise SubmitStopped(_problem_text(answer))
            if answer.status_code not in _RETRIED or time.monotonic() > deadline:
                return answer
        time.sleep(1)
