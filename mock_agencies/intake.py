"""Taking a batch: deduplicate, decide, schedule the receipts — one transaction per batch.

An agency decides as soon as it reads a declaration, so that the buyer's annual total and
the enterprise's filing are read in the same transaction that records the decision; the
decision becomes visible (receipts, status queries) only after the decision delay.

A declaration is deduplicated by id and version: a newer version (an amendment) is
decided afresh, as a new declaration would be, and the receipts the older one had yet to
send are superseded, never sent; its own receipts carry on the declaration's sequence.
An older or the same version again is only acknowledged.

Actions (withdrawals, cancellations, returns) are answered at once, in the same kind of
transaction, and each answer is kept: an action asked again, in any batch, gets the same
answer back and changes nothing more."""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel

from app.agencies.wire import (
    ActionAnswer,
    ActionBatch,
    ActionKind,
    ActionMessage,
    AgencyName,
    DeclarationBatch,
    DeclarationBatchResult,
    DeclarationMessage,
    FilingBatch,
    FilingBatchResult,
    FilingMessage,
    FilingRegistration,
    ItemResult,
    Reason,
    Receipt,
    ReceiptStatus,
    RegistrationReview,
    TaxAssessment,
    review_signature,
)
from mock_agencies.config import REGISTRATION_PREFIX
from mock_agencies.documents import DeclarationDocuments, UnreadableDocuments, read_documents
from mock_agencies.faults import FaultPanel, Faults
from mock_agencies.rules import actions, customs, forex, inspection, tax
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
ECOMMERCE = "ecommerce"


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
        now: float,
    ) -> Decision:
        declaration_id = message.declarationId
        match self.agency:
            case AgencyName.CUSTOMS:
                seller = tx.filing(documents.order.ebcCode)
                return customs.decide(
                    declaration_id,
                    documents,
                    credit_grade=message.creditGrade,
                    used_this_year=tx.used_this_year(
                        documents.order.buyerIdNumber, year, excluding=declaration_id
                    ),
                    positive_list=self.positive_list,
                    listed=seller is not None and seller.listed_at(now),
                )
            case AgencyName.INSPECTION:
                return inspection.decide(
                    declaration_id, documents, sampling_rate=self.quarantine_sampling_rate
                )
            case AgencyName.TAX:
                return tax.decide(documents, self.rate_table)
            case AgencyName.FOREX:
                return forex.decide(documents, tx.filing(documents.payment.payCode))

    def answer(self, action: ActionMessage, *, known: bool, faults: Faults) -> actions.Verdict:
        """The agency's verdict on an action. Documents it cannot read are passed on as
        such: a withdrawal needs none, and only the answers that do are refused."""
        documents: DeclarationDocuments | UnreadableDocuments
        try:
            documents = read_documents(action.documents)
        except UnreadableDocuments as error:
            documents = error
        return actions.decide(
            self.agency,
            action,
            documents,
            known=known,
            refuse_after_release=faults.refuseAfterRelease,
            rates=self.rate_table,
        )


def schedule(
    agency: AgencyName,
    declaration_id: str,
    decision: Decision,
    now: float,
    faults: Faults,
    *,
    version: int = 1,
    first_sequence: int = 1,
) -> list[ScheduledReceipt]:
    """Acknowledged now; then, a decision delay apart, inspection (if any) and the final.
    ``first_sequence``: after those of the declaration's earlier versions."""
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
            sequence=first_sequence + stage,
            version=version,
            reasons=list(reasons),
            tax=assessment,
            decidedAt=datetime.fromtimestamp(now + stage * delay, UTC),
        )
        for stage, (status, reasons, assessment) in enumerate(stages)
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
        secret: str = "",
    ) -> None:
        """``secret``: what the agency signs its answers to registrations with."""
        self.store = store
        self.rules = rules
        self.panel = panel
        self.clock = clock
        self.secret = secret

    def register(self, batch: FilingBatch, key: str | None) -> FilingBatchResult:
        prefix = REGISTRATION_PREFIX[self.rules.agency]
        now = self.clock()
        with self.store.transaction() as tx:
            earlier = self._replay(tx, "filings", key, batch)
            if earlier is not None:
                return FilingBatchResult.model_validate_json(earlier)
            registrations = []
            reviews = []
            for filing in batch.filings:
                before = tx.filing(filing.customsCode)
                number = tx.register(filing, prefix)
                registrations.append(
                    FilingRegistration(customsCode=filing.customsCode, registrationNo=number)
                )
                reviews.extend(self._review(tx, filing, number, now))
                newly_listed = filing.listed and (before is None or not before.listed_at(now))
                if newly_listed and self.rules.agency is AgencyName.CUSTOMS:
                    self._inspect_in_flight(tx, filing, now)
            result = FilingBatchResult(registrations=registrations, reviews=reviews)
            if key is not None:
                tx.remember("filings", key, _fingerprint(batch), result.model_dump_json())
        return result

    def _review(
        self, tx: StoreTransaction, filing: FilingMessage, number: str, now: float
    ) -> list[RegistrationReview]:
        """Inspection's answers to the certificate-of-origin applicant registrations the
        filing applies for (两证合一): decided once, then the same signed answer each time
        the filing comes again."""
        if self.rules.agency is not AgencyName.INSPECTION:
            return []
        answers = []
        for application in filing.applications:
            if application.registration != inspection.CERTIFICATE_OF_ORIGIN:
                continue
            kept = tx.review(filing.customsCode, application.registration)
            if kept is not None:
                answers.append(RegistrationReview.model_validate_json(kept))
                continue
            reasons = inspection.review_origin_applicant(filing, application.fields)
            review = RegistrationReview(
                customsCode=filing.customsCode,
                registration=application.registration,
                agency=self.rules.agency,
                approved=not reasons,
                registrationNo=None if reasons else f"CO{number}",
                reasons=reasons,
                decidedAt=datetime.fromtimestamp(int(now), UTC),
                signature="",
            )
            review.signature = review_signature(self.secret, review)
            tx.keep_review(filing.customsCode, application.registration, review.model_dump_json())
            answers.append(review)
        return answers

    def _inspect_in_flight(self, tx: StoreTransaction, filing: FilingMessage, now: float) -> None:
        """An e-commerce company just put on the negative list: each of its declarations
        released but not yet told to the single window is inspected instead (事中全面查验),
        the receipts still to be sent superseded, an inspection and then the final
        decision scheduled after the ones already stored."""
        if ECOMMERCE not in filing.roles:
            return
        faults = self.panel.current
        for declaration_id, version in tx.in_flight(filing.customsCode):
            decision = customs.fully_inspected(declaration_id)
            tx.supersede(declaration_id)
            receipts = schedule(
                self.rules.agency,
                declaration_id,
                decision,
                now,
                faults,
                version=version,
                first_sequence=tx.last_sequence(declaration_id),
            )
            # The acknowledgement went out long ago: the inspection comes next.
            tx.redecide(declaration_id, decision.final, receipts[1:])

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
        known = tx.known(message.declarationId for message in batch.declarations)
        results = []
        for message in batch.declarations:
            declaration_id = message.declarationId
            decided = known.get(declaration_id)
            if decided is not None and message.version <= decided:
                results.append(ItemResult(declarationId=declaration_id, accepted=True))
                continue
            try:
                documents = read_documents(message.documents)
            except UnreadableDocuments as error:
                results.append(
                    ItemResult(declarationId=declaration_id, accepted=False, error=str(error))
                )
                continue
            decision = self.rules.decide(message, documents, tx, year, now)
            record = DeclarationRecord(
                declaration_id=declaration_id,
                message_id=message.messageId,
                buyer_id=documents.order.buyerIdNumber,
                china_year=year,
                dutiable_value=documents.dutiable_value,
                final_status=decision.final,
                received_at=now,
                version=message.version,
                ebc_code=documents.order.ebcCode,
            )
            first_sequence = 1
            if decided is not None:
                tx.supersede(declaration_id)
                first_sequence = tx.last_sequence(declaration_id) + 1
            receipts = schedule(
                self.rules.agency,
                declaration_id,
                decision,
                now,
                faults,
                version=message.version,
                first_sequence=first_sequence,
            )
            tx.add(record, receipts)
            known[declaration_id] = message.version
            results.append(ItemResult(declarationId=declaration_id, accepted=True))
        return results

    def act(self, batch: ActionBatch, key: str | None) -> bytes:
        """The answers to the actions, one per action in order, as ``ActionBatchResult``
        JSON: assembled from the answers as kept, so that an action asked again is
        answered with the very same bytes."""
        with self.store.transaction() as tx:
            earlier = self._replay(tx, "actions", key, batch)
            if earlier is not None:
                return earlier.encode()
            response = _answers_json(self._answer_each(tx, batch))
            if key is not None:
                tx.remember("actions", key, _fingerprint(batch), response)
        return response.encode()

    def _answer_each(self, tx: StoreTransaction, batch: ActionBatch) -> list[str]:
        now = self.clock()
        faults = self.panel.current
        known = tx.known(action.declarationId for action in batch.actions)
        answers = []
        for action in batch.actions:
            earlier = tx.answered(action.actionId)
            if earlier is not None:
                answers.append(earlier)
                continue
            verdict = self.rules.answer(action, known=action.declarationId in known, faults=faults)
            answer = ActionAnswer(
                actionId=action.actionId,
                declarationId=action.declarationId,
                agency=self.rules.agency,
                status=verdict.status,
                reasons=list(verdict.reasons),
                refund=verdict.refund,
                decidedAt=datetime.fromtimestamp(now, UTC),
            )
            if action.kind is ActionKind.WITHDRAWAL and action.declarationId not in known:
                tx.withdrawn_unseen(action.declarationId, action.version, now)
            elif verdict.closed is not None:
                tx.close_declaration(action.declarationId, verdict.closed, verdict.drop_pending)
            if verdict.given_back is not None:
                tx.give_back(action.declarationId, verdict.given_back)
            answers.append(tx.record_answer(answer, action.kind))
        return answers


def _answers_json(answers: list[str]) -> str:
    """An ``ActionBatchResult`` of answers kept as ``ActionAnswer`` JSON."""
    return '{"answers":[' + ",".join(answers) + "]}"
