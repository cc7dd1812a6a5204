from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document_answer import DocumentAnswer
from ...models.order_document import OrderDocument
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: OrderDocument,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DocumentAnswer | Problem | None:
    if response.status_code == 200:
        response_200 = DocumentAnswer.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = DocumentAnswer.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DocumentAnswer | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OrderDocument,
) -> Response[DocumentAnswer | Problem]:
    """Post an order (CEB311) on its own

     Sent by the platform or e-commerce company it names. Its order is matched by platform and order
    number with the other two documents, whichever arrives first. Stored: `202` with what the order
    still waits for (`missing`). The document that completes the three declares them through the same
    pipeline as `POST /v1/declarations`: its answer's `declaration` says what was decided — accepted
    (its id and `Location`), or refused with every violation; the documents then stay, and a corrected
    one sent with `appType` 2 declares them again. The same document sent again answers `200` with where
    the order stands, storing nothing; a different one of the same kind answers `409 document_conflict`
    unless it is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents
    still unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook
    event `documents.expired`). A order sent by another enterprise than the one it names in that role:
    `403 not_a_party`. Takes an `Idempotency-Key`.

    Args:
        body (OrderDocument): CEB311 OrderHead and its lines, sent by the platform or the
            e-commerce company.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocumentAnswer | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: OrderDocument,
) -> DocumentAnswer | Problem | None:
    """Post an order (CEB311) on its own

     Sent by the platform or e-commerce company it names. Its order is matched by platform and order
    number with the other two documents, whichever arrives first. Stored: `202` with what the order
    still waits for (`missing`). The document that completes the three declares them through the same
    pipeline as `POST /v1/declarations`: its answer's `declaration` says what was decided — accepted
    (its id and `Location`), or refused with every violation; the documents then stay, and a corrected
    one sent with `appType` 2 declares them again. The same document sent again answers `200` with where
    the order stands, storing nothing; a different one of the same kind answers `409 document_conflict`
    unless it is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents
    still unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook
    event `documents.expired`). A order sent by another enterprise than the one it names in that role:
    `403 not_a_party`. Takes an `Idempotency-Key`.

    Args:
        body (OrderDocument): CEB311 OrderHead and its lines, sent by the platform or the
            e-commerce company.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocumentAnswer | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OrderDocument,
) -> Response[DocumentAnswer | Problem]:
    """Post an order (CEB311) on its own

     Sent by the platform or e-commerce company it names. Its order is matched by platform and order
    number with the other two documents, whichever arrives first. Stored: `202` with what the order
    still waits for (`missing`). The document that completes the three declares them through the same
    pipeline as `POST /v1/declarations`: its answer's `declaration` says what was decided — accepted
    (its id and `Location`), or refused with every violation; the documents then stay, and a corrected
    one sent with `appType` 2 declares them again. The same document sent again answers `200` with where
    the order stands, storing nothing; a different one of the same kind answers `409 document_conflict`
    unless it is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents
    still unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook
    event `documents.expired`). A order sent by another enterprise than the one it names in that role:
    `403 not_a_party`. Takes an `Idempotency-Key`.

    Args:
        body (OrderDocument): CEB311 OrderHead and its lines, sent by the platform or the
            e-commerce company.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocumentAnswer | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: OrderDocument,
) -> DocumentAnswer | Problem | None:
    """Post an order (CEB311) on its own

     Sent by the platform or e-commerce company it names. Its order is matched by platform and order
    number with the other two documents, whichever arrives first. Stored: `202` with what the order
    still waits for (`missing`). The document that completes the three declares them through the same
    pipeline as `POST /v1/declarations`: its answer's `declaration` says what was decided — accepted
    (its id and `Location`), or refused with every violation; the documents then stay, and a corrected
    one sent with `appType` 2 declares them again. The same document sent again answers `200` with where
    the order stands, storing nothing; a different one of the same kind answers `409 document_conflict`
    unless it is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents
    still unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook
    event `documents.expired`). A order sent by another enterprise than the one it names in that role:
    `403 not_a_party`. Takes an `Idempotency-Key`.

    Args:
        body (OrderDocument): CEB311 OrderHead and its lines, sent by the platform or the
            e-commerce company.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocumentAnswer | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
