from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.certificate_page import CertificatePage
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    customs_code: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/enterprises/{customs_code}/certificates".format(
            customs_code=quote(str(customs_code), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CertificatePage | Problem | None:
    if response.status_code == 200:
        response_200 = CertificatePage.from_dict(response.json())

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
) -> Response[CertificatePage | Problem]:
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
) -> Response[CertificatePage | Problem]:
    """List an enterprise's signing certificates, revoked ones included

    Args:
        customs_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CertificatePage | Problem]
    """

    kwargs = _get_kwargs(
        customs_code=customs_code,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> CertificatePage | Problem | None:
    """List an enterprise's signing certificates, revoked ones included

    Args:
        customs_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CertificatePage | Problem
    """

    return sync_detailed(
        customs_code=customs_code,
        client=client,
    ).parsed


async def asyncio_detailed(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CertificatePage | Problem]:
    """List an enterprise's signing certificates, revoked ones included

    Args:
        customs_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CertificatePage | Problem]
    """

    kwargs = _get_kwargs(
        customs_code=customs_code,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    customs_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> CertificatePage | Problem | None:
    """List an enterprise's signing certificates, revoked ones included

    Args:
        customs_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CertificatePage | Problem
    """

    return (
        await asyncio_detailed(
            customs_code=customs_code,
            client=client,
        )
    ).parsed
