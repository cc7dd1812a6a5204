from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.order_documents import OrderDocuments
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    ebp_code: str,
    order_no: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/orders/{ebp_code}/{order_no}/documents".format(
            ebp_code=quote(str(ebp_code), safe=""),
            order_no=quote(str(order_no), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OrderDocuments | Problem | None:
    if response.status_code == 200:
        response_200 = OrderDocuments.from_dict(response.json())

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
) -> Response[OrderDocuments | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    ebp_code: str,
    order_no: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[OrderDocuments | Problem]:
    """What has arrived for an order, and what it waits for

     The documents posted on their own for an order (with the waybills naming its number that wait for
    their platform), each one's status, and the declaration they made. Readable by the enterprises the
    documents name; anyone else is answered `404`, as if there were none.

    Args:
        ebp_code (str):
        order_no (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderDocuments | Problem]
    """

    kwargs = _get_kwargs(
        ebp_code=ebp_code,
        order_no=order_no,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ebp_code: str,
    order_no: str,
    *,
    client: AuthenticatedClient | Client,
) -> OrderDocuments | Problem | None:
    """What has arrived for an order, and what it waits for

     The documents posted on their own for an order (with the waybills naming its number that wait for
    their platform), each one's status, and the declaration they made. Readable by the enterprises the
    documents name; anyone else is answered `404`, as if there were none.

    Args:
        ebp_code (str):
        order_no (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderDocuments | Problem
    """

    return sync_detailed(
        ebp_code=ebp_code,
        order_no=order_no,
        client=client,
    ).parsed


async def asyncio_detailed(
    ebp_code: str,
    order_no: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[OrderDocuments | Problem]:
    """What has arrived for an order, and what it waits for

     The documents posted on their own for an order (with the waybills naming its number that wait for
    their platform), each one's status, and the declaration they made. Readable by the enterprises the
    documents name; anyone else is answered `404`, as if there were none.

    Args:
        ebp_code (str):
        order_no (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderDocuments | Problem]
    """

    kwargs = _get_kwargs(
        ebp_code=ebp_code,
        order_no=order_no,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ebp_code: str,
    order_no: str,
    *,
    client: AuthenticatedClient | Client,
) -> OrderDocuments | Problem | None:
    """What has arrived for an order, and what it waits for

     The documents posted on their own for an order (with the waybills naming its number that wait for
    their platform), each one's status, and the declaration they made. Readable by the enterprises the
    documents name; anyone else is answered `404`, as if there were none.

    Args:
        ebp_code (str):
        order_no (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderDocuments | Problem
    """

    return (
        await asyncio_detailed(
            ebp_code=ebp_code,
            order_no=order_no,
            client=client,
        )
    ).parsed
