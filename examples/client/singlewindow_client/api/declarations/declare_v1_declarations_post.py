from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.declaration_accepted import DeclarationAccepted
from ...models.declaration_set import DeclarationSet
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: DeclarationSet,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/declarations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeclarationAccepted | Problem | None:
    if response.status_code == 202:
        response_202 = DeclarationAccepted.from_dict(response.json())

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
) -> Response[DeclarationAccepted | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationSet,
) -> Response[DeclarationAccepted | Problem]:
    """Declare one order: order, payment and waybill together

     Checks the schema and every business rule in one pass. Accepted: `202` with the declaration's id and
    a `Location`. Refused: `422` listing every violation. An order already declared: `409
    duplicate_order`, pointing at the declaration that has it only when the caller is one of its
    parties. More declarations waiting than the service takes on: `503 overloaded` with `Retry-After`,
    nothing stored.

    Args:
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationAccepted | Problem]
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
    body: DeclarationSet,
) -> DeclarationAccepted | Problem | None:
    """Declare one order: order, payment and waybill together

     Checks the schema and every business rule in one pass. Accepted: `202` with the declaration's id and
    a `Location`. Refused: `422` listing every violation. An order already declared: `409
    duplicate_order`, pointing at the declaration that has it only when the caller is one of its
    parties. More declarations waiting than the service takes on: `503 overloaded` with `Retry-After`,
    nothing stored.

    Args:
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationAccepted | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationSet,
) -> Response[DeclarationAccepted | Problem]:
    """Declare one order: order, payment and waybill together

     Checks the schema and every business rule in one pass. Accepted: `202` with the declaration's id and
    a `Location`. Refused: `422` listing every violation. An order already declared: `409
    duplicate_order`, pointing at the declaration that has it only when the caller is one of its
    parties. More declarations waiting than the service takes on: `503 overloaded` with `Retry-After`,
    nothing stored.

    Args:
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationAccepted | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationSet,
) -> DeclarationAccepted | Problem | None:
    """Declare one order: order, payment and waybill together

     Checks the schema and every business rule in one pass. Accepted: `202` with the declaration's id and
    a `Location`. Refused: `422` listing every violation. An order already declared: `409
    duplicate_order`, pointing at the declaration that has it only when the caller is one of its
    parties. More declarations waiting than the service takes on: `503 overloaded` with `Retry-After`,
    nothing stored.

    Args:
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationAccepted | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
