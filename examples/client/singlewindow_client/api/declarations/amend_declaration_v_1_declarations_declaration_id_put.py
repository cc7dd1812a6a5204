from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.declaration_detail import DeclarationDetail
from ...models.declaration_set import DeclarationSet
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    declaration_id: str,
    *,
    body: DeclarationSet,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/declarations/{declaration_id}".format(
            declaration_id=quote(str(declaration_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeclarationDetail | Problem | None:
    if response.status_code == 200:
        response_200 = DeclarationDetail.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeclarationDetail | Problem]:
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
    body: DeclarationSet,
    if_match: None | str | Unset = UNSET,
) -> Response[DeclarationDetail | Problem]:
    """Amend a declaration: the full corrected set (If-Match: its ETag)

     Allowed while no agency has released or detained the goods, and after a refusal (to correct and
    resubmit). The corrected set is checked by every rule a new declaration is; the order number,
    platform and e-commerce company cannot change (422 `identity_changed`). The version goes up, the
    status is `accepted` again and the agencies decide the new version; their answers about earlier
    versions no longer count. Without `If-Match`: 428; with an old ETag: 412. Not allowed now: 409
    `declaration_not_amendable` with the current status. By the platform or the e-commerce company;
    idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        if_match (None | str | Unset): The ETag of the declaration as read (its version).
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationDetail | Problem]
    """

    kwargs = _get_kwargs(
        declaration_id=declaration_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationSet,
    if_match: None | str | Unset = UNSET,
) -> DeclarationDetail | Problem | None:
    """Amend a declaration: the full corrected set (If-Match: its ETag)

     Allowed while no agency has released or detained the goods, and after a refusal (to correct and
    resubmit). The corrected set is checked by every rule a new declaration is; the order number,
    platform and e-commerce company cannot change (422 `identity_changed`). The version goes up, the
    status is `accepted` again and the agencies decide the new version; their answers about earlier
    versions no longer count. Without `If-Match`: 428; with an old ETag: 412. Not allowed now: 409
    `declaration_not_amendable` with the current status. By the platform or the e-commerce company;
    idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        if_match (None | str | Unset): The ETag of the declaration as read (its version).
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationDetail | Problem
    """

    return sync_detailed(
        declaration_id=declaration_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationSet,
    if_match: None | str | Unset = UNSET,
) -> Response[DeclarationDetail | Problem]:
    """Amend a declaration: the full corrected set (If-Match: its ETag)

     Allowed while no agency has released or detained the goods, and after a refusal (to correct and
    resubmit). The corrected set is checked by every rule a new declaration is; the order number,
    platform and e-commerce company cannot change (422 `identity_changed`). The version goes up, the
    status is `accepted` again and the agencies decide the new version; their answers about earlier
    versions no longer count. Without `If-Match`: 428; with an old ETag: 412. Not allowed now: 409
    `declaration_not_amendable` with the current status. By the platform or the e-commerce company;
    idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        if_match (None | str | Unset): The ETag of the declaration as read (its version).
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeclarationDetail | Problem]
    """

    kwargs = _get_kwargs(
        declaration_id=declaration_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeclarationSet,
    if_match: None | str | Unset = UNSET,
) -> DeclarationDetail | Problem | None:
    """Amend a declaration: the full corrected set (If-Match: its ETag)

     Allowed while no agency has released or detained the goods, and after a refusal (to correct and
    resubmit). The corrected set is checked by every rule a new declaration is; the order number,
    platform and e-commerce company cannot change (422 `identity_changed`). The version goes up, the
    status is `accepted` again and the agencies decide the new version; their answers about earlier
    versions no longer count. Without `If-Match`: 428; with an old ETag: 412. Not allowed now: 409
    `declaration_not_amendable` with the current status. By the platform or the e-commerce company;
    idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        if_match (None | str | Unset): The ETag of the declaration as read (its version).
        body (DeclarationSet): One retail-import declaration: the three documents for one order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeclarationDetail | Problem
    """

    return (
        await asyncio_detailed(
            declaration_id=declaration_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
