"""Taking a batch: deduplicate, decide, schedule the receipts — one transaction per batch.

An agency decides as soon as it reads a declaration, so that the buyer's annual total and
the enterprise's filing are read in the same transaction that records the decision; the
decision becomes visible (receipts, status queries) only after the decision delay."""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel

from app.agencies.wire import (
    AgencyName,
    DeclarationBatch,
    DeclarationBatchResult,
    DeclarationMessage,
    FilingBatch,
    FilingBatchResult,
    FilingRegistration,
    ItemResult,
    Reason,
    Receipt,
    ReceiptStatus,
    TaxAssessment,
)
from mock_agencies.config import REGISTRATION_PREFIX
from mock_agencies.documents import DeclarationDocuments, UnreadableDocuments, read_documents
from mock_agencies.faults import FaultPanel, Faults
from mock_agencies.rules import customs, forex, inspection, tax
from mock_agencies.rules.customs import PositiveList
from mock_agencies.rules.decision import Decision
from mock_agencies.rules.limits import CHINA_TIME
from mock_agencies.rules.tax import RateTable
from mock_agencies.store import (
    AgencyStore,
    DeclarationRecord,
    ScheduledReceipt,
    StoreTransaction,
)

# How long after the final receipt the held-back intermediate ones go out.
HELD_BACK_SECONDS = 0.001


@dataclass(frozen=True, slots=True)
class AgencyRules:
    """What one agency's decisions need besides the documents."""

    agency: AgencyName
    positive_list: PositiveList
    rate_table: RateTable
    quarantine_sampling_rate: float

    def decide(
        self,
        message: DeclarationMessage,
        documents: DeclarationDocuments,
        tx: StoreTransaction,
        year: int,
    ) -> Decision:
        declaration_id = message.declarationId
        match self.agency:
            case AgencyName.CUSTOMS:
                return customs.decide(
                    declaration_id,
                    documents,
                    credit_grade=message.creditGrade,
                    used_this_year=tx.used_this_year(documents.order.buyerIdNumber, year),
                    positive_list=self.positive_list,
                )
            case AgencyName.INSPECTION:
                return inspection.decide(
                    declaration_id, documents, sampling_rate=self.quarantine_sampling_rate
                )
            case AgencyName.TAX:
                return tax.decide(documents, self.rate_table)
            case AgencyName.FOREX:
                return forex.decide(documents, tx.filing(documents.payment.payCode))


def schedule(
    agency: AgencyName, declaration_id: str, decision: Decision, now: float, faults: Faults
) -> list[ScheduledReceipt]:
    """Acknowledged now; then, a decision delay apart, inspection (if any) and the final."""
    stages: list[tuple[ReceiptStatus, tuple[Reason, ...], TaxAssessment | None]] = [
        (ReceiptStatus.ACKNOWLEDGED, (), None)
    ]
    if decision.inspected:
        stages.append((ReceiptStatus.INSPECTION, decision.inspection_reasons, None))
    stages.append((decision.final, decision.reasons, decision.tax))
    delay = faults.decisionDelayMs / 1000
    receipts = [
        Receipt(
            declarationId=declaration_id,
            agency=agency,
            status=status,
            sequence=sequence,
            reasons=list(reasons),
            tax=assessment,
            decidedAt=datetime.fromtimestamp(now + (sequence - 1) * delay, UTC),
        )
        for sequence, (status, reasons, assessment) in enumerate(stages, start=1)
    ]
    final_at = now + (len(receipts) - 1) * delay
    return [
        ScheduledReceipt(
            receipt,
            final_at + HELD_BACK_SECONDS
            if faults.outOfOrderCallbacks and receipt is not receipts[-1]
            else receipt.decidedAt.timestamp(),
        )
        for receipt in receipts
    ]


def _fingerprint(request: BaseModel) -> str:
    return hashlib.sha256(request.model_dump_json().encode()).hexdigest()


class DeclarationIntake:
    def __init__(
        self,
        store: AgencyStore,
        rules: AgencyRules,
        panel: FaultPanel,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.rules = rules
        self.panel = panel
        self.clock = clock

    def register(self, batch: FilingBatch, key: str | None) -> FilingBatchResult:
        prefix = REGISTRATION_PREFIX[self.rules.agency]
        with self.store.transaction() as tx:
            earlier = self._replay(tx, "filings", key, batch)
            if earlier is not None:
                return FilingBatchResult.model_validate_json(earlier)
            result = FilingBatchResult(
                registrations=[
                    FilingRegistration(
                        customsCode=filing.customsCode, registrationNo=tx.register(filing, prefix)
                    )
                    for filing in batch.filings
                ]
            )
            if key is not None:
                tx.remember("filings", key, _fingerprint(batch), result.model_dump_json())
        return result

    def take(self, batch: DeclarationBatch, key: str | None) -> DeclarationBatchResult:
        with self.store.transaction() as tx:
            tx.count_items(len(batch.declarations))
            earlier = self._replay(tx, "declarations", key, batch)
            if earlier is not None:
                return DeclarationBatchResult.model_validate_json(earlier)
            result = DeclarationBatchResult(results=self._take_each(tx, batch))
            if key is not None:
                tx.remember("declarations", key, _fingerprint(batch), result.model_dump_json())
        return result

    def _replay(
        self, tx: StoreTransaction, endpoint: str, key: str | None, request: BaseModel
    ) -> str | None:
        """The answer given before to this very request under this key. The same key with
        another body (a sender that regrouped its retry) is handled afresh: the items are
        deduplicated one by one anyway, so it cannot take effect twice."""
        earlier = None if key is None else tx.remembered(endpoint, key)
        if earlier is None or earlier.request_hash != _fingerprint(request):
            return None
        return earlier.response

    def _take_each(self, tx: StoreTransaction, batch: DeclarationBatch) -> list[ItemResult]:
        now = self.clock()
        year = datetime.fromtimestamp(now, CHINA_TIME).year
        faults = self.panel.current
        taken = tx.known(message.declarationId for message in batch.declarations)
        results = []
        for message in batch.declarations:
            declaration_id = message.declarationId
            if declaration_id in taken:
                results.append(ItemResult(declarationId=declaration_id, accepted=True))
                continue
            try:
                documents = read_documents(message.documents)
            except UnreadableDocuments as error:
                results.append(
                    ItemResult(declarationId=declaration_id, accepted=False, error=str(error))
                )
                continue
            decision = self.rules.decide(message, documents, tx, year)
            record = DeclarationRecord(
                declaration_id=declaration_id,
                message_id=message.messageId,
                buyer_id=documents.order.buyerIdNumber,
                china_year=year,
                dutiable_value=documents.dutiable_value,
                final_status=decision.final,
                received_at=now,
            )
            tx.add(record, schedule(self.rules.agency, declaration_id, decision, now, faults))
            taken.add(declaration_id)
            results.append(ItemResult(declarationId=declaration_id, accepted=True))
        return results
