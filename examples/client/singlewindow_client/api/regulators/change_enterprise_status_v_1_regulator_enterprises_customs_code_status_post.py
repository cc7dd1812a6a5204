from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.enterprise_public import EnterprisePublic
from ...models.filing_status_change import FilingStatusChange
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    customs_code: str,
    *,
    body: FilingStatusChange,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/regulator/enterprises/{customs_code}/status".format(
            customs_code=quote(str(customs_code), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EnterprisePublic | Problem | None:
    if response.status_code == 200:
        response_200 = EnterprisePublic.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EnterprisePublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FilingStatusChange,
) -> Response[EnterprisePublic | Problem]:
    """Suspend, reinstate or revoke an enterprise's filing (customs, commerce)

     A suspended or revoked enterprise's new declarations are refused (`enterprise_inactive`). Revocation
    is final. Each change is in the audit trail.

    Args:
        customs_code (str):
        body (FilingStatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnterprisePublic | Problem]
    """

    kwargs = _get_kwargs(
        customs_code=customs_code,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FilingStatusChange,
) -> EnterprisePublic | Problem | None:
    """Suspend, reinstate or revoke an enterprise's filing (customs, commerce)

     A suspended or revoked enterprise's new declarations are refused (`enterprise_inactive`). Revocation
    is final. Each change is in the audit trail.

    Args:
        customs_code (str):
        body (FilingStatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnterprisePublic | Problem
    """

    return sync_detailed(
        customs_code=customs_code,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FilingStatusChange,
) -> Response[EnterprisePublic | Problem]:
    """Suspend, reinstate or revoke an enterprise's filing (customs, commerce)

     A suspended or revoked enterprise's new declarations are refused (`enterprise_inactive`). Revocation
    is final. Each change is in the audit trail.

    Args:
        customs_code (str):
        body (FilingStatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnterprisePublic | Problem]
    """

    kwargs = _get_kwargs(
        customs_code=customs_code,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FilingStatusChange,
) -> EnterprisePublic | Problem | None:
    """Suspend, reinstate or revoke an enterprise's filing (customs, commerce)

     A suspended or revoked enterprise's new declarations are refused (`enterprise_inactive`). Revocation
    is final. Each change is in the audit trail.

    Args:
        customs_code (str):
        body (FilingStatusChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnterprisePublic | Problem
    """

    return (
        await asyncio_detailed(
            customs_code=customs_code,
            client=client,
            body=body,
        )
    ).parsed
