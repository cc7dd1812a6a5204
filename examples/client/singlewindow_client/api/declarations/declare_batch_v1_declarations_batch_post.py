from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.declaration_batch_answer import DeclarationBatchAnswer
from ...models.declaration_batch_request import DeclarationBatchRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: DeclarationBatchRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/declarations/batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeclarationBatchAnswer | Problem | None:
    if response.status_code == 200:
        response_200 = DeclarationBatchAnswer.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[DeclarationBatchAnswer | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationBatchRequest,
) -> Response[DeclarationBatchAnswer | Problem]:
    """Declare up to 100 orders in one call

     Each declaration is checked and accepted or refused on its own; the answer lists one result per
    declaration, in order, and one bad declaration never sinks the others. Pointers point into the whole
    body (`/declarations/3/order/orderNo`). Takes an `Idempotency-Key` like single declarations.

    Args:
        body (DeclarationBatchRequest): Up to 100 declarations, as a CEB message carries up to 100
            business records.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationBatchAnswer | Problem]
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
    body: DeclarationBatchRequest,
) -> DeclarationBatchAnswer | Problem | None:
    """Declare up to 100 orders in one call

     Each declaration is checked and accepted or refused on its own; the answer lists one result per
    declaration, in order, and one bad declaration never sinks the others. Pointers point into the whole
    body (`/declarations/3/order/orderNo`). Takes an `Idempotency-Key` like single declarations.

    Args:
        body (DeclarationBatchRequest): Up to 100 declarations, as a CEB message carries up to 100
            business records.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationBatchAnswer | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationBatchRequest,
) -> Response[DeclarationBatchAnswer | Problem]:
    """Declare up to 100 orders in one call

     Each declaration is checked and accepted or refused on its own; the answer lists one result per
    declaration, in order, and one bad declaration never sinks the others. Pointers point into the whole
    body (`/declarations/3/order/orderNo`). Takes an `Idempotency-Key` like single declarations.

    Args:
        body (DeclarationBatchRequest): Up to 100 declarations, as a CEB message carries up to 100
            business records.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationBatchAnswer | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationBatchRequest,
) -> DeclarationBatchAnswer | Problem | None:
    """Declare up to 100 orders in one call

     Each declaration is checked and accepted or refused on its own; the answer lists one result per
    declaration, in order, and one bad declaration never sinks the others. Pointers point into the whole
    body (`/declarations/3/order/orderNo`). Takes an `Idempotency-Key` like single declarations.

    Args:
        body (DeclarationBatchRequest): Up to 100 declarations, as a CEB message carries up to 100
            business records.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationBatchAnswer | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
