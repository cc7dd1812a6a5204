"""The national standard's messages: ``POST /v1/ceb/messages`` takes a CEB 202205 message
(CEB311 orders, CEB411 payments, CEB511 waybills, CEB621 inventories) and answers its
receipt message (CEB312, CEB412, CEB512, CEB622), one return record per record; and
``GET /v1/declarations/{id}/ceb621.xml`` gives a declaration as a signed inventory.

Orders, payments and waybills are each party's own documents: they go through the same
filing and intake as their JSON routes (app.intake.documents), so three messages from
three senders make one declaration, with the same rules, ids, events and webhooks."""

import asyncio
import base64
import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import APIRouter, Path, Request, Response
from lxml import etree
from pydantic import ValidationError

from app.auth import ADMIN, ENTERPRISE, EVERYONE, PrincipalDep, allow
from app.ceb import messages, receipts, signing, xml
from app.ceb.certificates import window_identity
from app.ceb.inventory import inventory_document, pre_no
from app.ceb.messages import CebMessage
from app.ceb.receipts import Outcome, Reason
from app.config import Settings
from app.domain import goods
from app.domain.afterlife import ActionState, ReturnLine
from app.domain.decision import Outcome as Decided
from app.domain.party_documents import LIVE, DocumentKind, lacks_hs_codes, with_hs_codes
from app.domain.violations import RuleViolation
from app.errors import DomainError
from app.intake.documents import receive_document
from app.routers.deps import AUTH_PROBLEMS, PROBLEM, EngineDep, SettingsDep, current_time
from app.schemas.declaration import DeclarationSet
from app.schemas.documents import DOCUMENT_MODELS
from app.schemas.parsing import XML_ONLY, body_format, violations_from
from app.store import afterlife, certificates, declarations, party_documents, products
from app.store.models import Declaration

router = APIRouter(tags=["ceb"])

XML_MEDIA_TYPE = "application/xml"
KINDS = {
    "CEB311": DocumentKind.ORDER,
    "CEB411": DocumentKind.PAYMENT,
    "CEB511": DocumentKind.WAYBILL,
}
INVENTORY = "CEB621"
# Withdrawing an inventory (撤销申请单) and returning goods (退货申请单).
CANCELLATION, RETURN = "CEB623", "CEB625"
TAKEN = "CEB311, CEB411, CEB511, CEB621, CEB623 and CEB625"
XML_ANSWER: dict[str, Any] = {
    "content": {XML_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}
}
# A whole message refused: the status for each kind of problem.
_STATUS = {
    xml.TOO_LARGE: 413,
    xml.FORBIDDEN: 400,
    xml.TOO_DEEP: 400,
    xml.NOT_WELL_FORMED: 400,
}


class CebMessageRefused(DomainError):
    """The whole message is refused; ``violations`` lists every problem found, each with
    its line and element."""

    code = "ceb_message_refused"
    title = "The message is refused"
    title_zh = "报文被拒收"

    def __init__(self, status: int, problems: Sequence[xml.XmlProblem]) -> None:
        first = problems[0]
        super().__init__(
            f"{len(problems)} problem(s) with the message; the first: {first.message}",
            f"报文有 {len(problems)} 处问题，第一处：{first.messageZh}",
            violations=[{"pointer": None} | p.as_dict() for p in problems],
        )
        self.status = status
        self.code = first.code
        self.problems = list(problems)


@router.post(
    "/v1/ceb/messages",
    summary="Post a CEB message (CEB311, CEB411, CEB511, CEB621, CEB623, CEB625); get its receipt",
    description=(
        "The body is a CEB 202205 import message (`Content-Type: application/xml` or "
        "`text/xml`). The sender is the enterprise in `BaseTransfer/copCode`: an "
        "enterprise's key may send only its own messages, and each record must name it in "
        "the role the message needs (order: platform or e-commerce company; payment: the "
        "payment company; waybill: the logistics company; inventory: the e-commerce "
        "company or its declaring agent; a withdrawal (CEB623) or return (CEB625): the "
        "declaration's platform or e-commerce company). A signed message (enveloped "
        "`ds:Signature`, RSA-SHA1, RSA-SHA256 or SM2-SM3) is verified against the sender's "
        "registered certificates; an unsigned one is taken unless the sender asked otherwise.\n\n"
        "The answer is the receipt message, one return record per record: a record "
        "refused has a negative `returnStatus`, its `returnInfo` naming every rule it "
        "breaks; the others go on. A message refused as a whole (not well-formed, a DTD or "
        "entity, over 4 MiB or 64 levels, against the schema, an unknown message, a "
        "sender not filed or not the caller, a bad signature) answers 4xx listing every "
        "problem with its line and element: problem+json, or a `CEB900Message` when the "
        "request's `Accept` asks for XML."
    ),
    dependencies=[allow(ENTERPRISE, ADMIN)],
    responses={
        200: XML_ANSWER,
        **AUTH_PROBLEMS,
        400: PROBLEM,
        413: PROBLEM,
        415: PROBLEM,
        422: PROBLEM,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                XML_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "text/xml": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def post_message(
    request: Request, engine: EngineDep, settings: SettingsDep, principal: PrincipalDep
) -> Response:
    body = await request.body()
    body_format(request.headers.get("content-type"), body, XML_ONLY)
    try:
        try:
            tree = await asyncio.to_thread(xml.read, body, settings.ceb_xsd_dir)
            message = messages.to_message(tree)
        except xml.CebXmlError as error:
            status = _STATUS.get(error.code, 422)
            raise CebMessageRefused(status, error.problems) from None
        if message.type not in KINDS and message.type not in (INVENTORY, CANCELLATION, RETURN):
            raise CebMessageRefused(
                422,
                [
                    _problem(
                        xml.UNKNOWN_MESSAGE,
                        f"{message.type} is not a message this window takes: it takes {TAKEN}.",
                        f"不受理 {message.type} 报文：本窗口受理 {TAKEN.replace(' and ', '、')}。",
                        tree.getroot(),
                    )
                ],
            )
        sender = await _sender(engine, message, principal.only_own(), tree.getroot())
    except CebMessageRefused as refused:
        if _wants_xml(request):
            return Response(
                receipts.error_message(refused.problems),
                status_code=refused.status,
                media_type=XML_MEDIA_TYPE,
            )
        raise
    if message.type == INVENTORY:
        outcomes = [
            await _inventory(request, settings, sender, d, principal.actor)
            for d in message.documents
        ]
    elif message.type in (CANCELLATION, RETURN):
        now = await current_time(request)
        outcomes = [
            await _after_release(
                request, settings, message.type, d, principal.only_own(), principal.actor, now
            )
            for d in message.documents
        ]
    else:
        outcomes = [
            await _document(request, settings, message, sender, d, principal.actor)
            for d in message.documents
        ]
    answer = receipts.build_receipt(message, outcomes)
    signature = await asyncio.to_thread(_detached, answer, settings)
    return Response(answer, media_type=XML_MEDIA_TYPE, headers=signature)


def _detached(body: bytes, settings: Settings) -> dict[str, str]:
    """The window's signature over a receipt. The schema has no place for an enveloped
    signature in a receipt message, so it travels beside it: ``ceb-signature`` (the
    base64 of RSA-SHA256 over the body) and ``ceb-certificate`` (the fingerprint of the
    window's certificate, published at ``GET /v1/ceb/certificate``)."""
    identity = window_identity(settings)
    if not isinstance(identity.key, rsa.RSAPrivateKey):
        return {"ceb-certificate": identity.certificate.fingerprint}
    value = identity.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return {
        "ceb-signature": base64.b64encode(value).decode(),
        "ceb-certificate": identity.certificate.fingerprint,
    }


def _wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "xml" in accept and "json" not in accept


def _problem(code: str, message: str, message_zh: str, element: Any) -> xml.XmlProblem:
    return xml.XmlProblem(
        code, message, message_zh, element.sourceline, etree.QName(element).localname
    )


async def _sender(engine: Any, message: CebMessage, own: str | None, root: Any) -> str:
    """The enterprise in the message's ``BaseTransfer/copCode``: filed, the caller (an
    admin may send for any filed enterprise), and the signer if the message is signed
    (one read for all of it)."""
    transfer = message.baseTransfer
    code = transfer.copCode if transfer is not None else ""
    where = root.find(f"{{{xml.CEB_NS}}}BaseTransfer")
    element = where if where is not None else root
    if own is not None and code != own:
        raise CebMessageRefused(
            403,
            [
                _problem(
                    "ceb_sender_mismatch",
                    f"BaseTransfer/copCode {code!r} is not the enterprise of this key ({own}).",
                    f"BaseTransfer/copCode {code!r} 不是本密钥所属企业（{own}）。",
                    element,
                )
            ],
        )
    signed = signing.is_signed(root)
    held = await asyncio.to_thread(certificates.filed_sender, engine, code, signed=signed)
    if held is None:
        raise CebMessageRefused(
            403,
            [
                _problem(
                    "ceb_sender_not_filed",
                    f"The sender {code!r} has no filing with the window.",
                    f"发送方 {code!r} 未在本窗口备案。",
                    element,
                )
            ],
        )
    verify = functools.partial(
        signing.verify,
        root,
        held.certificates,
        sender=code,
        unsigned_accepted=held.unsigned_accepted,
    )
    try:
        # An unsigned message is checked in microseconds: a thread only for a signature.
        if signed:
            await asyncio.to_thread(verify)
        else:
            verify()
    except signing.SignatureError as error:
        problem = xml.XmlProblem(
            error.code, error.message, error.message_zh, error.line, error.element
        )
        raise CebMessageRefused(422, [problem]) from None
    return code


async def _document(
    request: Request,
    settings: Settings,
    message: CebMessage,
    sender: str,
    document: dict[str, Any],
    actor: str,
) -> Outcome:
    """One order, payment or waybill: filed as the party's own document, declared with
    its order's others once all three are there."""
    refused = receipts.REFUSED[message.type]
    kind = KINDS[message.type]
    try:
        parsed = DOCUMENT_MODELS[kind].model_validate(document)
    except ValidationError as error:
        return Outcome.refused(refused, violations_from(error.errors()))
    body = parsed.model_dump(mode="json", exclude_none=True)
    if kind is DocumentKind.ORDER and lacks_hs_codes(body):
        body = await _with_filed_hs_codes(request.app.state.engine, body)
    try:
        filed = await receive_document(
            request.app.state.intake,
            settings,
            kind,
            body,
            None,
            own=sender,
            actor=actor,
        )
    except DomainError as error:
        return Outcome(refused, (Reason(error.code, error.detail_zh, error.detail),))
    reasons = _refusal_reasons(filed.outcome)
    if reasons:
        return Outcome(refused, reasons)
    return Outcome.accepted()


async def _with_filed_hs_codes(engine: Any, order: dict[str, Any]) -> dict[str, Any]:
    """A CEB311's lines carry no HS code. When each line lacking one names an item its
    e-commerce company filed (商品备案), the order takes the filed HS codes and need not
    wait for its CEB621; otherwise it waits, as it is."""
    items = order.get("items") or []
    wanted = {str(i["itemNo"]) for i in items if not i.get("gcode") and i.get("itemNo")}
    if not wanted:
        return order
    filed = await asyncio.to_thread(products.hs_codes, engine, str(order.get("ebcCode")), wanted)
    lines = goods.filled_hs_codes(items, filed)
    return order if lines is None else order | {"items": lines}


# The inventory's fields that must say what the declaration says: (inventory field,
# part of the declaration, its field).
_MATCHED = (
    ("orderNo", "order", "orderNo"),
    ("ebpCode", "order", "ebpCode"),
    ("ebcCode", "order", "ebcCode"),
    ("buyerIdNumber", "order", "buyerIdNumber"),
    ("buyerName", "order", "buyerName"),
    ("logisticsCode", "logistics", "logisticsCode"),
    ("logisticsNo", "logistics", "logisticsNo"),
)


async def _inventory(
    request: Request, settings: Settings, sender: str, inventory: dict[str, Any], actor: str
) -> Outcome:
    """A CEB621 from the e-commerce company or its declaring agent. Its lines bring the
    HS codes an order sent as a CEB311 lacks: an order waiting for them is completed and
    declared with its payment and waybill. Then the inventory is matched against the
    declaration: every field that disagrees is named."""
    engine = request.app.state.engine
    refused = receipts.REFUSED[INVENTORY]
    keys = {"copNo": str(inventory.get("copNo") or "")}
    if sender not in (inventory.get("ebcCode"), inventory.get("agentCode")):
        return Outcome(
            refused,
            (
                Reason(
                    "not_a_party",
                    f"发送方 {sender} 不是该清单的电商企业或申报企业",
                    f"the sender {sender} is neither the inventory's e-commerce company nor "
                    "its declaring agent",
                ),
            ),
            preNo=pre_no(""),
            **keys,
        )
    ebp_code, order_no = str(inventory.get("ebpCode", "")), str(inventory.get("orderNo", ""))
    declared = await asyncio.to_thread(declarations.find_by_order, engine, ebp_code, order_no)
    if declared is None:
        waiting = await asyncio.to_thread(
            party_documents.order_documents, engine, ebp_code, order_no
        )
        order = next(
            (
                d
                for d in waiting
                if d.kind == DocumentKind.ORDER and d.status in LIVE and lacks_hs_codes(d.document)
            ),
            None,
        )
        if order is not None:
            try:
                filed = await receive_document(
                    request.app.state.intake,
                    settings,
                    DocumentKind.ORDER,
                    with_hs_codes(order.document, inventory),
                    None,
                    own=None,
                    actor=actor,
                )
            except DomainError as error:
                reason = Reason(error.code, error.detail_zh, error.detail)
                return Outcome(refused, (reason,), preNo=pre_no(""), **keys)
            reasons = _refusal_reasons(filed.outcome)
            if reasons:
                return Outcome(refused, reasons, preNo=pre_no(""), **keys)
            declared = await asyncio.to_thread(
                declarations.find_by_order, engine, ebp_code, order_no
            )
    if declared is None:
        return Outcome(
            refused,
            (
                Reason(
                    "inventory_unmatched",
                    "该订单的订单、支付单、运单尚未全部到达，无法对碰",
                    "the order, payment and waybill of this order have not all arrived",
                ),
            ),
            preNo=pre_no(""),
            **keys,
        )
    if inventory.get("appType") == "2":
        # An amended inventory: its lines' HS codes replace those declared.
        declared_order = declared.documents.get("order") or {}
        corrected = {
            k: v for k, v in with_hs_codes(declared_order, inventory).items() if k != "appType"
        }
        if corrected != declared_order:
            try:
                ds = DeclarationSet.model_validate(dict(declared.documents) | {"order": corrected})
                amended = await asyncio.to_thread(
                    afterlife.amend,
                    engine,
                    declared.id,
                    ds,
                    if_match=declared.version,
                    actor=actor,
                    party=None,
                    key_ttl=timedelta(hours=settings.idempotency_ttl_hours),
                    now=await current_time(request),
                )
            except ValidationError as error:
                found = violations_from(error.errors(include_url=False))
                return Outcome.refused(refused, found, preNo=pre_no(declared.id), **keys)
            except DomainError as error:
                found = getattr(error, "violations", None) or []
                if found and isinstance(found[0], RuleViolation):
                    return Outcome.refused(refused, found, preNo=pre_no(declared.id), **keys)
                reason = Reason(error.code, error.detail_zh, error.detail)
                return Outcome(refused, (reason,), preNo=pre_no(declared.id), **keys)
            declared = amended.declaration
    mismatched = _disagreements(declared, inventory)
    if mismatched:
        return Outcome.refused(refused, mismatched, preNo=pre_no(declared.id), **keys)
    return Outcome.accepted(preNo=pre_no(declared.id), **keys)


async def _after_release(
    request: Request,
    settings: Settings,
    message_type: str,
    record: dict[str, Any],
    own: str | None,
    actor: str,
    now: datetime,
) -> Outcome:
    """A CEB623 withdrawal or a CEB625 return, about the declaration of the record's
    platform and order: the same cancellation or return as the JSON routes, by the
    declaration's platform or e-commerce company. Taken: ``returnStatus`` 2, with
    ``cancelled`` (withdrawn at once) or ``awaiting_customs`` (customs has to agree; the
    outcome follows on the declaration and its webhooks)."""
    engine = request.app.state.engine
    refused = receipts.REFUSED[message_type]
    cop_no = str(record.get("copNo") or record.get("orderNo") or "")[:20]
    ebp_code, order_no = str(record.get("ebpCode", "")), str(record.get("orderNo", ""))
    declared = await asyncio.to_thread(declarations.find_by_order, engine, ebp_code, order_no)
    if declared is None or declared.ebc_code != record.get("ebcCode"):
        reason = Reason(
            "declaration_not_found",
            f"电商平台 {ebp_code} 的订单 {order_no} 没有该电商企业的申报单",
            f"no declaration of order {order_no} of platform {ebp_code} by this e-commerce company",
        )
        return Outcome(refused, (reason,), preNo=pre_no(""), copNo=cop_no)
    window = timedelta(days=settings.return_window_days)
    try:
        if message_type == CANCELLATION:
            done = await asyncio.to_thread(
                afterlife.cancel,
                engine,
                declared.id,
                str(record.get("reason", "")),
                actor=actor,
                party=own,
                now=now,
                window=window,
            )
        else:
            done = await asyncio.to_thread(
                afterlife.request_return,
                engine,
                declared.id,
                logistics_no=str(record.get("logisticsNo", "")),
                lines=[
                    ReturnLine(int(item["gnum"]), Decimal(str(item["qty"])))
                    for item in record.get("items", [])
                ],
                reason=str(record.get("reason", "")),
                actor=actor,
                party=own,
                now=now,
                window=window,
            )
    except DomainError as error:
        found = getattr(error, "violations", None)
        if isinstance(found, list) and found and isinstance(found[0], RuleViolation):
            return Outcome.refused(refused, found, preNo=pre_no(declared.id), copNo=cop_no)
        reason = Reason(error.code, error.detail_zh, error.detail)
        return Outcome(refused, (reason,), preNo=pre_no(declared.id), copNo=cop_no)
    if done.action.status == ActionState.COMPLETED.value:
        taken = Reason("cancelled", "已撤销", "cancelled")
    else:
        taken = Reason("awaiting_customs", "已受理，等待海关审核", "taken; waiting for customs")
    return Outcome(receipts.DECLARED, (taken,), preNo=pre_no(declared.id), copNo=cop_no)


def _refusal_reasons(outcome: dict[str, Any] | None) -> tuple[Reason, ...]:
    """The reasons a set was refused (none when it was accepted or not declared yet)."""
    if not outcome or outcome.get("outcome") == Decided.ACCEPTED.value:
        return ()
    reasons = tuple(
        Reason(v["code"], v["messageZh"], v["message"]) for v in outcome.get("violations", [])
    )
    return reasons or (
        Reason("duplicate_order", "该订单已申报", "this order has already been declared"),
    )


def _disagreements(declared: Declaration, inventory: dict[str, Any]) -> list[RuleViolation]:
    found = []
    for field, part, name in _MATCHED:
        theirs = inventory.get(field)
        ours = (declared.documents.get(part) or {}).get(name)
        if theirs is not None and str(theirs) != str(ours):
            found.append(
                RuleViolation(
                    "inventory_mismatch",
                    f"/{field}",
                    f"{field} {theirs!r} differs from the declaration's {ours!r}",
                    f"{field} {theirs!r} 与申报单的 {ours!r} 不一致",
                )
            )
    ours_lines = {
        int(line.get("gnum", 0)): line
        for line in (declared.documents.get("order") or {}).get("items", [])
    }
    for line in inventory.get("items", []):
        mine = ours_lines.get(int(line.get("gnum", 0)))
        for name in ("qty", "price", "totalPrice"):
            if mine is None or _number(line.get(name)) != _number(mine.get(name)):
                found.append(
                    RuleViolation(
                        "inventory_mismatch",
                        f"/items/{line.get('gnum')}/{name}",
                        f"line {line.get('gnum')} {name} {line.get(name)!r} differs from the "
                        f"declaration's {None if mine is None else mine.get(name)!r}",
                        f"第 {line.get('gnum')} 项 {name} {line.get(name)!r} 与申报单不一致",
                    )
                )
    return found


def _number(value: Any) -> str:
    try:
        return format(float(value), ".6f")
    except (TypeError, ValueError):
        return str(value)


@router.get(
    "/v1/declarations/{declarationId}/ceb621.xml",
    summary="A declaration as a CEB621 inventory message, signed by the window",
    description=(
        "The declaration's inventory (CEB621Message, valid against the 202205 schema), "
        "signed with the window's key; its certificate is at `GET /v1/ceb/certificate`. "
        "Readable by the declaration's parties and regulators."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={200: XML_ANSWER, **AUTH_PROBLEMS, 404: PROBLEM},
)
async def inventory_of(
    declarationId: Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")],
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> Response:
    record = await asyncio.to_thread(
        declarations.get_declaration, engine, declarationId, principal.only_own()
    )
    declaration = record.declaration
    inventory = inventory_document(
        declaration.id,
        {"tradeMode": declaration.trade_mode, **declaration.documents},
        declaration.created_at,
    )
    built = messages.build_message(
        INVENTORY, [inventory], messages.default_sender(INVENTORY, inventory)
    )
    signed = await asyncio.to_thread(signing.sign, built, window_identity(settings))
    return Response(signed, media_type=XML_MEDIA_TYPE)
