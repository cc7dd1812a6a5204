from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.agency import Agency
from ...models.problem import Problem
from ...models.receipt_batch import ReceiptBatch
from ...models.receipts_applied import ReceiptsApplied
from ...types import Response


def _get_kwargs(
    agency: Agency,
    *,
    body: ReceiptBatch,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/receipts/{agency}".format(
            agency=quote(str(agency), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ReceiptsApplied | None:
    if response.status_code == 200:
        response_200 = ReceiptsApplied.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ReceiptsApplied]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    agency: Agency,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiptBatch,
) -> Response[Problem | ReceiptsApplied]:
    """An agency's signed receipts (回执): its decisions on declarations

     Signed Standard Webhooks style: `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` +
    base64 HMAC-SHA256 over `id.timestamp.body` with the agency's secret). Receipts only move a status
    forward; duplicates and late receipts are counted as ignored.

    Args:
        agency (Agency):
        body (ReceiptBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReceiptsApplied]
    """

    kwargs = _get_kwargs(
        agency=agency,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    agency: Agency,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiptBatch,
) -> Problem | ReceiptsApplied | None:
    """An agency's signed receipts (回执): its decisions on declarations

     Signed Standard Webhooks style: `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` +
    base64 HMAC-SHA256 over `id.timestamp.body` with the agency's secret). Receipts only move a status
    forward; duplicates and late receipts are counted as ignored.

    Args:
        agency (Agency):
        body (ReceiptBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReceiptsApplied
    """

    return sync_detailed(
        agency=agency,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    agency: Agency,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiptBatch,
) -> Response[Problem | ReceiptsApplied]:
    """An agency's signed receipts (回执): its decisions on declarations

     Signed Standard Webhooks style: `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` +
    base64 HMAC-SHA256 over `id.timestamp.body` with the agency's secret). Receipts only move a status
    forward; duplicates and late receipts are counted as ignored.

    Args:
        agency (Agency):
        body (ReceiptBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReceiptsApplied]
    """

    kwargs = _get_kwargs(
        agency=agency,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    agency: Agency,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiptBatch,
) -> Problem | ReceiptsApplied | None:
    """An agency's signed receipts (回执): its decisions on declarations

     Signed Standard Webhooks style: `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` +
    base64 HMAC-SHA256 over `id.timestamp.body` with the agency's secret). Receipts only move a status
    forward; duplicates and late receipts are counted as ignored.

    Args:
        agency (Agency):
        body (ReceiptBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReceiptsApplied
    """

    return (
        await asyncio_detailed(
            agency=agency,
            client=client,
            body=body,
        )
    ).parsed
