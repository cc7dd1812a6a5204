"""What the OpenAPI document says beyond what FastAPI derives from the routes: how callers
authenticate, operation by operation; which operations honour an ``Idempotency-Key``;
the signature the agencies' callbacks carry instead of a key; and an example of each
request body and main answer (``app.openapi_examples``).

It is derived from the routes themselves (their access rules, whether their handlers
run idempotently), so that a route added tomorrow is documented the same way without
anyone remembering to."""

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute

from app.auth import PrincipalKind, Rule
from app.openapi_examples import BODY_EXAMPLES, OPERATION_EXAMPLES, RESPONSE_EXAMPLES

SCHEME = "apiKey"
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "API key",
    "description": (
        "An API key, sent as `Authorization: Bearer <key>`. Enterprises get their first "
        "key when they file (`apiKey.key` in the answer, shown once) and more with "
        "`POST /v1/keys`; regulators' and admins' keys come from an admin "
        "(`singlewindow keys create`). Which kinds of key an operation takes is in its "
        "description; any other kind is answered `403`."
    ),
}

IDEMPOTENCY_KEY = "Idempotency-Key"
# 1 to 255 printable characters (``str.isprintable`` of the header, read as Latin-1).
_PRINTABLE_LATIN_1 = "^[\\x20-\\x7E\\xA1-\\xAC\\xAE-\\xFF]+$"
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": IDEMPOTENCY_KEY,
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: the first answer to a key is kept for 24 hours, and a "
        "request repeated with the same key gets that answer again (with "
        "`Idempotent-Replayed: true`) instead of being carried out twice. The same key "
        "with a different request is `422 idempotency_key_reused`; while the first is "
        "still being carried out, `409 idempotency_key_in_flight`. Keys are per "
        "enterprise (per key for regulators and admins). A UUID is a good key."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": _PRINTABLE_LATIN_1},
}
_REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "`true` when this answer is the one first given to the request's "
        "Idempotency-Key, given again.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
# Handlers that honour the header: through app.idempotent, or the declaring route's own.
_IDEMPOTENT_CALLS = frozenset({"run_idempotent", "_key_use"})

# The agencies' receipts carry no key: a Standard Webhooks signature (app.agencies.signing).
_SIGNATURE_HEADERS: list[dict[str, Any]] = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The message's unique id (also what a repeated delivery repeats).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        "example": "msg_2b8e9f0c4d7a",
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "When it was signed, in Unix seconds; refused more than 5 minutes "
        "away from the service's clock.",
        "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
        "example": "1795750200",
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "`v1,` and the base64 of HMAC-SHA256 over `id.timestamp.body`, "
        "keyed with the agency's secret; several, space-separated, while a secret is "
        "rotated.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 2000},
        "example": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    },
]

_PROBLEM = {"$ref": "#/components/schemas/Problem"}

_DECLARATION = {"declarationId": "$response.body#/id"}
_ENDPOINT = {"endpointId": "$response.body#/id"}
_ORDER = {"ebpCode": "$response.body#/ebpCode", "orderNo": "$response.body#/orderNo"}
# What an answer leads to (OpenAPI links): the record it made, read, changed or removed
# with the id it answered; so that a client, and stateful tests, can follow them.
_LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = {
    ("POST /v1/declarations", "202"): {
        "GetDeclaration": ("GET /v1/declarations/{declarationId}", _DECLARATION),
        "ListDeclarationEvents": ("GET /v1/declarations/{declarationId}/events", _DECLARATION),
        "GetDeclarationInventory": (
            "GET /v1/declarations/{declarationId}/ceb621.xml",
            _DECLARATION,
        ),
        "CancelDeclaration": (
            "POST /v1/declarations/{declarationId}/cancellation",
            _DECLARATION,
        ),
    },
    ("POST /v1/enterprises", "201"): {
        "GetEnterprise": (
            "GET /v1/enterprises/{customsCode}",
            {"customsCode": "$response.body#/customsCode"},
        ),
        "ListCertificates": (
            "GET /v1/enterprises/{customsCode}/certificates",
            {"customsCode": "$response.body#/customsCode"},
        ),
    },
    ("POST /v1/keys", "201"): {
        "RotateKey": ("POST /v1/keys/{keyId}/rotate", {"keyId": "$response.body#/id"}),
        "RevokeKey": ("DELETE /v1/keys/{keyId}", {"keyId": "$response.body#/id"}),
    },
    ("POST /v1/webhooks", "201"): {
        "GetWebhook": ("GET /v1/webhooks/{endpointId}", _ENDPOINT),
        "ListWebhookDeliveries": ("GET /v1/webhooks/{endpointId}/deliveries", _ENDPOINT),
        "RemoveWebhook": ("DELETE /v1/webhooks/{endpointId}", _ENDPOINT),
    },
    ("POST /v1/enterprises/{customsCode}/certificates", "201"): {
        "RevokeCertificate": (
            "DELETE /v1/enterprises/{customsCode}/certificates/{certificateId}",
            {"customsCode": "$request.path.customsCode", "certificateId": "$response.body#/id"},
        ),
    },
    ("POST /v1/orders", "202"): {
        "GetOrderDocuments": ("GET /v1/orders/{ebpCode}/{orderNo}/documents", _ORDER)
    },
    ("POST /v1/payments", "202"): {
        "GetOrderDocuments": ("GET /v1/orders/{ebpCode}/{orderNo}/documents", _ORDER)
    },
    ("POST /v1/waybills", "202"): {
        "GetOrderDocuments": ("GET /v1/orders/{ebpCode}/{orderNo}/documents", _ORDER)
    },
}


def document(
    spec: dict[str, Any],
    routes: Iterable[BaseRoute],
    rules: Mapping[tuple[str, str], Rule | None],
) -> None:
    """Completes ``spec`` in place; ``routes``: those it was made from; ``rules``: the
    access rule of each ``(METHOD, path)``."""
    spec.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = BEARER
    idempotent = _idempotent_operations(routes)
    schemas = spec["components"].get("schemas", {})
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            key = (method.upper(), path)
            _secure(operation, rules.get(key))
            if key in idempotent:
                _take_idempotency_key(operation)
            _add_examples(operation, f"{method.upper()} {path}", schemas)
    _add_links(spec)


def _idempotent_operations(routes: Iterable[BaseRoute]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(list(routes)):
        if _calls_idempotent(getattr(context.original_route, "endpoint", None)):
            for method in context.methods or ():
                found.add((method, context.path_format or ""))
    return found


def _calls_idempotent(function: Any, depth: int = 2) -> bool:
    """Whether ``function``, or a function of its module it calls (``depth`` calls deep),
    calls one of ``_IDEMPOTENT_CALLS``."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    names = set(code.co_names)
    if _IDEMPOTENT_CALLS & names:
        return True
    if depth == 0:
        return False
    module_globals: dict[str, Any] = getattr(function, "__globals__", {})
    return any(
        _calls_idempotent(module_globals.get(name), depth - 1)
        for name in names
        if getattr(module_globals.get(name), "__module__", None) == function.__module__
    )


def _secure(operation: dict[str, Any], rule: Rule | None) -> None:
    if rule is None:
        return  # open to anyone: the root, the health checks
    if rule.agency_signed:
        operation["security"] = []
        parameters = operation.setdefault("parameters", [])
        names = {p.get("name") for p in parameters}
        parameters.extend(p for p in _SIGNATURE_HEADERS if p["name"] not in names)
        return
    anyone = PrincipalKind.ANONYMOUS in rule.kinds
    # A route anyone may call takes a key (then counted as its holder) or none.
    operation["security"] = [{SCHEME: []}, {}] if anyone else [{SCHEME: []}]
    kinds = ", ".join(sorted(kind.value for kind in rule.kinds - {PrincipalKind.ANONYMOUS}))
    if rule.regulators is not None:
        kinds += f" (regulators: {', '.join(sorted(a.value for a in rule.regulators))})"
    note = f"\n\nKeys: {kinds}." + (" Or none: anyone may call it." if anyone else "")
    if rule.open_filing:
        note += " Without a key where `SW_OPEN_FILING` is on (development only)."
    description = operation.get("description", "")
    if "\n\nKeys: " not in description:
        operation["description"] = description + note


def _take_idempotency_key(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if all(p.get("name") != IDEMPOTENCY_KEY for p in parameters):
        parameters.append(IDEMPOTENCY_PARAMETER)
    responses = operation.setdefault("responses", {})
    responses.setdefault(
        "400",
        {
            "description": "Bad Request (`idempotency_key_invalid`: not 1 to 255 printable "
            "characters)",
            "content": {"application/problem+json": {"schema": _PROBLEM}},
        },
    )
    for status, response in responses.items():
        if status.startswith("2"):
            response.setdefault("headers", {}).update(_REPLAYED_HEADER)


def _add_examples(operation: dict[str, Any], name: str, schemas: Mapping[str, Any]) -> None:
    """An example for the request body and each 2xx answer: by the schema's name, or, for
    those without a schema of their own, by the operation's ``name`` and media type."""
    body = operation.get("requestBody", {}).get("content", {})
    for media_type, content in body.items():
        example = _example_for(content, BODY_EXAMPLES, (name, media_type), schemas)
        if example is not None:
            content.setdefault("example", example)
    for status, response in operation.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        content = response.get("content", {})
        if (
            "application/json" in content
            and len(content) > 1
            and not content["application/json"].get("schema")
        ):
            # FastAPI's default for a route that answers with a Response of its own: the
            # route answers only the other media types.
            del content["application/json"]
        for media_type, given in content.items():
            example = _example_for(given, RESPONSE_EXAMPLES, (f"{name} 2xx", media_type), schemas)
            if example is not None:
                given.setdefault("example", example)


def _example_for(
    content: dict[str, Any],
    by_schema: Mapping[str, Any],
    by_operation: tuple[str, str],
    schemas: Mapping[str, Any],
) -> Any:
    """The example listed for the schema, else the schema's own first example."""
    reference = (content.get("schema") or {}).get("$ref", "")
    if not reference:
        return OPERATION_EXAMPLES.get(by_operation)
    name = reference.rsplit("/", 1)[-1]
    if name in by_schema:
        return by_schema[name]
    own = schemas.get(name, {}).get("examples") or [None]
    return own[0]


def _add_links(spec: dict[str, Any]) -> None:
    operations = {
        f"{method.upper()} {path}": operation
        for path, by_method in spec.get("paths", {}).items()
        for method, operation in by_method.items()
    }
    for (source, status), links in _LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target, parameters) in links.items():
            operation_id = operations.get(target, {}).get("operationId")
            if operation_id is not None:
                response.setdefault("links", {})[name] = {
                    "operationId": operation_id,
                    "parameters": parameters,
                }
