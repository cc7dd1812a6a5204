from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feed_page import FeedPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/regulator/feed",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FeedPage | Problem | None:
    if response.status_code == 200:
        response_200 = FeedPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[FeedPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    limit: int | None | Unset = UNSET,
) -> Response[FeedPage | Problem]:
    """Every filing and declaration event, in order, from a cursor

     Start with `after=0`; pass each page's `nextCursor` as `after` for the next. Rows come in commit
    order with no gaps, so a mirror built from the feed holds each record once and misses none.

    Args:
        after (int | Unset): The last seq already seen. Default: 0.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    limit: int | None | Unset = UNSET,
) -> FeedPage | Problem | None:
    """Every filing and declaration event, in order, from a cursor

     Start with `after=0`; pass each page's `nextCursor` as `after` for the next. Rows come in commit
    order with no gaps, so a mirror built from the feed holds each record once and misses none.

    Args:
        after (int | Unset): The last seq already seen. Default: 0.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedPage | Problem
    """

    return sync_detailed(
        client=client,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    limit: int | None | Unset = UNSET,
) -> Response[FeedPage | Problem]:
    """Every filing and declaration event, in order, from a cursor

     Start with `after=0`; pass each page's `nextCursor` as `after` for the next. Rows come in commit
    order with no gaps, so a mirror built from the feed holds each record once and misses none.

    Args:
        after (int | Unset): The last seq already seen. Default: 0.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    limit: int | None | Unset = UNSET,
) -> FeedPage | Problem | None:
    """Every filing and declaration event, in order, from a cursor

     Start with `after=0`; pass each page's `nextCursor` as `after` for the next. Rows come in commit
    order with no gaps, so a mirror built from the feed holds each record once and misses none.

    Args:
        after (int | Unset): The last seq already seen. Default: 0.
        limit (int | None | Unset): Page size; the service caps it (default 50, max 200).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            limit=limit,
        )
    ).parsed
