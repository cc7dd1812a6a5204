from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_verification import AuditVerification
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/regulator/audit/verify",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditVerification | Problem | None:
    if response.status_code == 200:
        response_200 = AuditVerification.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditVerification | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[AuditVerification | Problem]:
    """Verify the audit trail: its chain, its checkpoints and the rows it describes

     Walks the hash chain and names the first broken row; compares every stored checkpoint with the chain
    (one beyond its end shows rows removed from the end); compares every filing, API key and declaration
    with its newest audit entry (a row changed without one is listed). A verified trail whose head moved
    since the last checkpoint gets a new one when one is due.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditVerification | Problem]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> AuditVerification | Problem | None:
    """Verify the audit trail: its chain, its checkpoints and the rows it describes

     Walks the hash chain and names the first broken row; compares every stored checkpoint with the chain
    (one beyond its end shows rows removed from the end); compares every filing, API key and declaration
    with its newest audit entry (a row changed without one is listed). A verified trail whose head moved
    since the last checkpoint gets a new one when one is due.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditVerification | Problem
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[AuditVerification | Problem]:
    """Verify the audit trail: its chain, its checkpoints and the rows it describes

     Walks the hash chain and names the first broken row; compares every stored checkpoint with the chain
    (one beyond its end shows rows removed from the end); compares every filing, API key and declaration
    with its newest audit entry (a row changed without one is listed). A verified trail whose head moved
    since the last checkpoint gets a new one when one is due.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditVerification | Problem]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> AuditVerification | Problem | None:
    """Verify the audit trail: its chain, its checkpoints and the rows it describes

     Walks the hash chain and names the first broken row; compares every stored checkpoint with the chain
    (one beyond its end shows rows removed from the end); compares every filing, API key and declaration
    with its newest audit entry (a row changed without one is listed). A verified trail whose head moved
    since the last checkpoint gets a new one when one is due.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditVerification | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
