from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document_answer import DocumentAnswer
from ...models.problem import Problem
from ...models.waybill_document import WaybillDocument
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: WaybillDocument,
    ebp_code: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_ebp_code: None | str | Unset
    if isinstance(ebp_code, Unset):
        json_ebp_code = UNSET
    else:
        json_ebp_code = ebp_code
    params["ebpCode"] = json_ebp_code

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/waybills",
        "params": params,
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
    body: WaybillDocument,
    ebp_code: None | str | Unset = UNSET,
) -> Response[DocumentAnswer | Problem]:
    """Post a waybill (CEB511) on its own

     Sent by the logistics company it names. Its order is matched by platform and order number with the
    other two documents, whichever arrives first. Stored: `202` with what the order still waits for
    (`missing`). The document that completes the three declares them through the same pipeline as `POST
    /v1/declarations`: its answer's `declaration` says what was decided — accepted (its id and
    `Location`), or refused with every violation; the documents then stay, and a corrected one sent with
    `appType` 2 declares them again. The same document sent again answers `200` with where the order
    stands, storing nothing; a different one of the same kind answers `409 document_conflict` unless it
    is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents still
    unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook event
    `documents.expired`). A waybill sent by another enterprise than the one it names in that role: `403
    not_a_party`. Takes an `Idempotency-Key`. A waybill names its order by number only: it joins the
    platform with documents of that order waiting, or waits for the order or payment that names the
    platform (`409 waybill_platform_ambiguous` when several platforms have such an order waiting: name
    it with `?ebpCode=`).

    Args:
        ebp_code (None | str | Unset): The order's platform, when the sender knows it: a CEB511
            waybill names its order by number only, which is ambiguous when several platforms have an
            order with that number waiting.
        body (WaybillDocument): CEB511 LogisticsHead, sent by the logistics company. It names the
            order by number
            only: the platform is the one with documents of that order waiting (or ``ebpCode``
            in the query, when several platforms have).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocumentAnswer | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        ebp_code=ebp_code,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WaybillDocument,
    ebp_code: None | str | Unset = UNSET,
) -> DocumentAnswer | Problem | None:
    """Post a waybill (CEB511) on its own

     Sent by the logistics company it names. Its order is matched by platform and order number with the
    other two documents, whichever arrives first. Stored: `202` with what the order still waits for
    (`missing`). The document that completes the three declares them through the same pipeline as `POST
    /v1/declarations`: its answer's `declaration` says what was decided — accepted (its id and
    `Location`), or refused with every violation; the documents then stay, and a corrected one sent with
    `appType` 2 declares them again. The same document sent again answers `200` with where the order
    stands, storing nothing; a different one of the same kind answers `409 document_conflict` unless it
    is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents still
    unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook event
    `documents.expired`). A waybill sent by another enterprise than the one it names in that role: `403
    not_a_party`. Takes an `Idempotency-Key`. A waybill names its order by number only: it joins the
    platform with documents of that order waiting, or waits for the order or payment that names the
    platform (`409 waybill_platform_ambiguous` when several platforms have such an order waiting: name
    it with `?ebpCode=`).

    Args:
        ebp_code (None | str | Unset): The order's platform, when the sender knows it: a CEB511
            waybill names its order by number only, which is ambiguous when several platforms have an
            order with that number waiting.
        body (WaybillDocument): CEB511 LogisticsHead, sent by the logistics company. It names the
            order by number
            only: the platform is the one with documents of that order waiting (or ``ebpCode``
            in the query, when several platforms have).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocumentAnswer | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        ebp_code=ebp_code,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WaybillDocument,
    ebp_code: None | str | Unset = UNSET,
) -> Response[DocumentAnswer | Problem]:
    """Post a waybill (CEB511) on its own

     Sent by the logistics company it names. Its order is matched by platform and order number with the
    other two documents, whichever arrives first. Stored: `202` with what the order still waits for
    (`missing`). The document that completes the three declares them through the same pipeline as `POST
    /v1/declarations`: its answer's `declaration` says what was decided — accepted (its id and
    `Location`), or refused with every violation; the documents then stay, and a corrected one sent with
    `appType` 2 declares them again. The same document sent again answers `200` with where the order
    stands, storing nothing; a different one of the same kind answers `409 document_conflict` unless it
    is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents still
    unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook event
    `documents.expired`). A waybill sent by another enterprise than the one it names in that role: `403
    not_a_party`. Takes an `Idempotency-Key`. A waybill names its order by number only: it joins the
    platform with documents of that order waiting, or waits for the order or payment that names the
    platform (`409 waybill_platform_ambiguous` when several platforms have such an order waiting: name
    it with `?ebpCode=`).

    Args:
        ebp_code (None | str | Unset): The order's platform, when the sender knows it: a CEB511
            waybill names its order by number only, which is ambiguous when several platforms have an
            order with that number waiting.
        body (WaybillDocument): CEB511 LogisticsHead, sent by the logistics company. It names the
            order by number
            only: the platform is the one with documents of that order waiting (or ``ebpCode``
            in the query, when several platforms have).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocumentAnswer | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        ebp_code=ebp_code,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WaybillDocument,
    ebp_code: None | str | Unset = UNSET,
) -> DocumentAnswer | Problem | None:
    """Post a waybill (CEB511) on its own

     Sent by the logistics company it names. Its order is matched by platform and order number with the
    other two documents, whichever arrives first. Stored: `202` with what the order still waits for
    (`missing`). The document that completes the three declares them through the same pipeline as `POST
    /v1/declarations`: its answer's `declaration` says what was decided — accepted (its id and
    `Location`), or refused with every violation; the documents then stay, and a corrected one sent with
    `appType` 2 declares them again. The same document sent again answers `200` with where the order
    stands, storing nothing; a different one of the same kind answers `409 document_conflict` unless it
    is a change (`appType` 2), and `409 duplicate_order` once the order is declared. Documents still
    unmatched after `SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook event
    `documents.expired`). A waybill sent by another enterprise than the one it names in that role: `403
    not_a_party`. Takes an `Idempotency-Key`. A waybill names its order by number only: it joins the
    platform with documents of that order waiting, or waits for the order or payment that names the
    platform (`409 waybill_platform_ambiguous` when several platforms have such an order waiting: name
    it with `?ebpCode=`).

    Args:
        ebp_code (None | str | Unset): The order's platform, when the sender knows it: a CEB511
            waybill names its order by number only, which is ambiguous when several platforms have an
            order with that number waiting.
        body (WaybillDocument): CEB511 LogisticsHead, sent by the logistics company. It names the
            order by number
            only: the platform is the one with documents of that order waiting (or ``ebpCode``
            in the query, when several platforms have).

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
            ebp_code=ebp_code,
        )
    ).parsed
