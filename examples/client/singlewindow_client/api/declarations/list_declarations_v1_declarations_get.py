import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clearance_status import ClearanceStatus
from ...models.declaration_page import DeclarationPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    ebp_code: None | str | Unset = UNSET,
    order_no: None | str | Unset = UNSET,
    status: ClearanceStatus | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_ebp_code: None | str | Unset
    if isinstance(ebp_code, Unset):
        json_ebp_code = UNSET
    else:
        json_ebp_code = ebp_code
    params["ebpCode"] = json_ebp_code

    json_order_no: None | str | Unset
    if isinstance(order_no, Unset):
        json_order_no = UNSET
    else:
        json_order_no = order_no
    params["orderNo"] = json_order_no

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ClearanceStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_created_from: None | str | Unset
    if isinstance(created_from, Unset):
        json_created_from = UNSET
    elif isinstance(created_from, datetime.datetime):
        json_created_from = created_from.isoformat()
    else:
        json_created_from = created_from
    params["createdFrom"] = json_created_from

    json_created_to: None | str | Unset
    if isinstance(created_to, Unset):
        json_created_to = UNSET
    elif isinstance(created_to, datetime.datetime):
        json_created_to = created_to.isoformat()
    else:
        json_created_to = created_to
    params["createdTo"] = json_created_to

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
        "url": "/v1/declarations",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeclarationPage | Problem | None:
    if response.status_code == 200:
        response_200 = DeclarationPage.from_dict(response.json())

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
) -> Response[DeclarationPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    ebp_code: None | str | Unset = UNSET,
    order_no: None | str | Unset = UNSET,
    status: ClearanceStatus | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[DeclarationPage | Problem]:
    """List declarations, newest first (an enterprise's: those it is a party to)

    Args:
        ebp_code (None | str | Unset):
        order_no (None | str | Unset):
        status (ClearanceStatus | None | Unset):
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationPage | Problem]
    """

    kwargs = _get_kwargs(
        ebp_code=ebp_code,
        order_no=order_no,
        status=status,
        created_from=created_from,
        created_to=created_to,
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
    ebp_code: None | str | Unset = UNSET,
    order_no: None | str | Unset = UNSET,
    status: ClearanceStatus | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> DeclarationPage | Problem | None:
    """List declarations, newest first (an enterprise's: those it is a party to)

    Args:
        ebp_code (None | str | Unset):
        order_no (None | str | Unset):
        status (ClearanceStatus | None | Unset):
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationPage | Problem
    """

    return sync_detailed(
        client=client,
        ebp_code=ebp_code,
        order_no=order_no,
        status=status,
        created_from=created_from,
        created_to=created_to,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    ebp_code: None | str | Unset = UNSET,
    order_no: None | str | Unset = UNSET,
    status: ClearanceStatus | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[DeclarationPage | Problem]:
    """List declarations, newest first (an enterprise's: those it is a party to)

    Args:
        ebp_code (None | str | Unset):
        order_no (None | str | Unset):
        status (ClearanceStatus | None | Unset):
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationPage | Problem]
    """

    kwargs = _get_kwargs(
        ebp_code=ebp_code,
        order_no=order_no,
        status=status,
        created_from=created_from,
        created_to=created_to,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    ebp_code: None | str | Unset = UNSET,
    order_no: None | str | Unset = UNSET,
    status: ClearanceStatus | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> DeclarationPage | Problem | None:
    """List declarations, newest first (an enterprise's: those it is a party to)

    Args:
        ebp_code (None | str | Unset):
        order_no (None | str | Unset):
        status (ClearanceStatus | None | Unset):
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        cursor (None | str | Unset): `nextCursor` of the previous page; omit for the first.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            ebp_code=ebp_code,
            order_no=order_no,
            status=status,
            created_from=created_from,
            created_to=created_to,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
