from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.signature_policy_change import SignaturePolicyChange
from ...models.signature_policy_public import SignaturePolicyPublic
from ...types import Response


def _get_kwargs(
    customs_code: str,
    *,
    body: SignaturePolicyChange,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/enterprises/{customs_code}/signature-policy".format(
            customs_code=quote(str(customs_code), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SignaturePolicyPublic | None:
    if response.status_code == 200:
        response_200 = SignaturePolicyPublic.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | SignaturePolicyPublic]:
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
    body: SignaturePolicyChange,
) -> Response[Problem | SignaturePolicyPublic]:
    """Whether the enterprise's unsigned CEB messages are accepted (default: yes)

    Args:
        customs_code (str):
        body (SignaturePolicyChange): `{"unsignedAccepted": false}`: from now on, refuse the
            enterprise's unsigned CEB
            messages (`signature_missing`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SignaturePolicyPublic]
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
    body: SignaturePolicyChange,
) -> Problem | SignaturePolicyPublic | None:
    """Whether the enterprise's unsigned CEB messages are accepted (default: yes)

    Args:
        customs_code (str):
        body (SignaturePolicyChange): `{"unsignedAccepted": false}`: from now on, refuse the
            enterprise's unsigned CEB
            messages (`signature_missing`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SignaturePolicyPublic
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
    body: SignaturePolicyChange,
) -> Response[Problem | SignaturePolicyPublic]:
    """Whether the enterprise's unsigned CEB messages are accepted (default: yes)

    Args:
        customs_code (str):
        body (SignaturePolicyChange): `{"unsignedAccepted": false}`: from now on, refuse the
            enterprise's unsigned CEB
            messages (`signature_missing`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SignaturePolicyPublic]
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
    body: SignaturePolicyChange,
) -> Problem | SignaturePolicyPublic | None:
    """Whether the enterprise's unsigned CEB messages are accepted (default: yes)

    Args:
        customs_code (str):
        body (SignaturePolicyChange): `{"unsignedAccepted": false}`: from now on, refuse the
            enterprise's unsigned CEB
            messages (`signature_missing`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SignaturePolicyPublic
    """

    return (
        await asyncio_detailed(
            customs_code=customs_code,
            client=client,
            body=body,
        )
    ).parsed
