from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    declaration_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/declarations/{declaration_id}/ceb621.xml".format(
            declaration_id=quote(str(declaration_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = response.json()
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Problem]:
    """A declaration as a CEB621 inventory message, signed by the window

     The declaration's inventory (CEB621Message, valid against the 202205 schema), signed with the
    window's key; its certificate is at `GET /v1/ceb/certificate`. Readable by the declaration's parties
    and regulators.

    Args:
        declaration_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        declaration_id=declaration_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Problem | None:
    """A declaration as a CEB621 inventory message, signed by the window

     The declaration's inventory (CEB621Message, valid against the 202205 schema), signed with the
    window's key; its certificate is at `GET /v1/ceb/certificate`. Readable by the declaration's parties
    and regulators.

    Args:
        declaration_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        declaration_id=declaration_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Problem]:
    """A declaration as a CEB621 inventory message, signed by the window

     The declaration's inventory (CEB621Message, valid against the 202205 schema), signed with the
    window's key; its certificate is at `GET /v1/ceb/certificate`. Readable by the declaration's parties
    and regulators.

    Args:
        declaration_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        declaration_id=declaration_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Problem | None:
    """A declaration as a CEB621 inventory message, signed by the window

     The declaration's inventory (CEB621Message, valid against the 202205 schema), signed with the
    window's key; its certificate is at `GET /v1/ceb/certificate`. Readable by the declaration's parties
    and regulators.

    Args:
        declaration_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            declaration_id=declaration_id,
            client=client,
        )
    ).parsed
