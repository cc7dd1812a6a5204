from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.enterprise_page import EnterprisePage
from ...models.filing_status import FilingStatus
from ...models.problem import Problem
from ...models.role import Role
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    role: None | Role | Unset = UNSET,
    status: FilingStatus | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_role: None | str | Unset
    if isinstance(role, Unset):
        json_role = UNSET
    elif isinstance(role, Role):
        json_role = role.value
    else:
        json_role = role
    params["role"] = json_role

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, FilingStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/enterprises",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EnterprisePage | Problem | None:
    if response.status_code == 200:
        response_200 = EnterprisePage.from_dict(response.json())

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
) -> Response[EnterprisePage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    role: None | Role | Unset = UNSET,
    status: FilingStatus | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[EnterprisePage | Problem]:
    """List filings, newest first (an enterprise sees its own)

    Args:
        role (None | Role | Unset):
        status (FilingStatus | None | Unset):
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnterprisePage | Problem]
    """

    kwargs = _get_kwargs(
        role=role,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    role: None | Role | Unset = UNSET,
    status: FilingStatus | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> EnterprisePage | Problem | None:
    """List filings, newest first (an enterprise sees its own)

    Args:
        role (None | Role | Unset):
        status (FilingStatus | None | Unset):
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnterprisePage | Problem
    """

    return sync_detailed(
        client=client,
        role=role,
        status=status,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    role: None | Role | Unset = UNSET,
    status: FilingStatus | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[EnterprisePage | Problem]:
    """List filings, newest first (an enterprise sees its own)

    Args:
        role (None | Role | Unset):
        status (FilingStatus | None | Unset):
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnterprisePage | Problem]
    """

    kwargs = _get_kwargs(
        role=role,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    role: None | Role | Unset = UNSET,
    status: FilingStatus | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> EnterprisePage | Problem | None:
    """List filings, newest first (an enterprise sees its own)

    Args:
        role (None | Role | Unset):
        status (FilingStatus | None | Unset):
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnterprisePage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            role=role,
            status=status,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
