from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.action_answer_out import ActionAnswerOut
from ...models.cancellation_request import CancellationRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    declaration_id: str,
    *,
    body: CancellationRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/declarations/{declaration_id}/cancellation".format(
            declaration_id=quote(str(declaration_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ActionAnswerOut | Problem | None:
    if response.status_code == 200:
        response_200 = ActionAnswerOut.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = ActionAnswerOut.from_dict(response.json())

        return response_202

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
) -> Response[ActionAnswerOut | Problem]:
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
    body: CancellationRequest,
) -> Response[ActionAnswerOut | Problem]:
    """Cancel a declaration (撤销申请)

     Before customs releases the goods the declaration is withdrawn from the agencies at once: 200,
    status `cancelled`, the buyer's annual quota given the value back. After release, within the return
    window: 202, customs must agree, then tax voids the tax bill and forex reverses the payment record,
    then `cancelled` (follow it with GET or a webhook). Refused by customs: the cancellation is
    `refused` and the status stays. Cancelled already, detained, rejected or returned: 409
    `declaration_not_cancellable`; after the window: 409 `return_window_closed`. By the platform or the
    e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (CancellationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActionAnswerOut | Problem]
    """

    kwargs = _get_kwargs(
        declaration_id=declaration_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancellationRequest,
) -> ActionAnswerOut | Problem | None:
    """Cancel a declaration (撤销申请)

     Before customs releases the goods the declaration is withdrawn from the agencies at once: 200,
    status `cancelled`, the buyer's annual quota given the value back. After release, within the return
    window: 202, customs must agree, then tax voids the tax bill and forex reverses the payment record,
    then `cancelled` (follow it with GET or a webhook). Refused by customs: the cancellation is
    `refused` and the status stays. Cancelled already, detained, rejected or returned: 409
    `declaration_not_cancellable`; after the window: 409 `return_window_closed`. By the platform or the
    e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (CancellationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActionAnswerOut | Problem
    """

    return sync_detailed(
        declaration_id=declaration_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancellationRequest,
) -> Response[ActionAnswerOut | Problem]:
    """Cancel a declaration (撤销申请)

     Before customs releases the goods the declaration is withdrawn from the agencies at once: 200,
    status `cancelled`, the buyer's annual quota given the value back. After release, within the return
    window: 202, customs must agree, then tax voids the tax bill and forex reverses the payment record,
    then `cancelled` (follow it with GET or a webhook). Refused by customs: the cancellation is
    `refused` and the status stays. Cancelled already, detained, rejected or returned: 409
    `declaration_not_cancellable`; after the window: 409 `return_window_closed`. By the platform or the
    e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (CancellationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActionAnswerOut | Problem]
    """

    kwargs = _get_kwargs(
        declaration_id=declaration_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    declaration_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancellationRequest,
) -> ActionAnswerOut | Problem | None:
    """Cancel a declaration (撤销申请)

     Before customs releases the goods the declaration is withdrawn from the agencies at once: 200,
    status `cancelled`, the buyer's annual quota given the value back. After release, within the return
    window: 202, customs must agree, then tax voids the tax bill and forex reverses the payment record,
    then `cancelled` (follow it with GET or a webhook). Refused by customs: the cancellation is
    `refused` and the status stays. Cancelled already, detained, rejected or returned: 409
    `declaration_not_cancellable`; after the window: 409 `return_window_closed`. By the platform or the
    e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (CancellationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActionAnswerOut | Problem
    """

    return (
        await asyncio_detailed(
            declaration_id=declaration_id,
            client=client,
            body=body,
        )
    ).parsed
