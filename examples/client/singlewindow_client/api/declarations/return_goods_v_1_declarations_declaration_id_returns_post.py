from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.action_answer_out import ActionAnswerOut
from ...models.problem import Problem
from ...models.return_request import ReturnRequest
from ...types import Response


def _get_kwargs(
    declaration_id: str,
    *,
    body: ReturnRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/declarations/{declaration_id}/returns".format(
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
    body: ReturnRequest,
) -> Response[ActionAnswerOut | Problem]:
    """Return goods after release (退货申请), in whole or in part

     After release (status `cleared` or `partially_returned`) and within the return window (default 30
    days from release). Several returns may add up to everything bought; a line that was not bought, or
    more than is left of it, is 422 `return_refused` naming the line. Customs must agree; then tax
    refunds the tax of the returned lines (to the fen, as the tax was rounded; returns adding up to
    everything refund exactly the tax) and forex reverses that part of the payment; then the buyer's
    annual quota gets the lines' value back and the status is `returned` (everything back) or
    `partially_returned`. By the platform or the e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (ReturnRequest):

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
    body: ReturnRequest,
) -> ActionAnswerOut | Problem | None:
    """Return goods after release (退货申请), in whole or in part

     After release (status `cleared` or `partially_returned`) and within the return window (default 30
    days from release). Several returns may add up to everything bought; a line that was not bought, or
    more than is left of it, is 422 `return_refused` naming the line. Customs must agree; then tax
    refunds the tax of the returned lines (to the fen, as the tax was rounded; returns adding up to
    everything refund exactly the tax) and forex reverses that part of the payment; then the buyer's
    annual quota gets the lines' value back and the status is `returned` (everything back) or
    `partially_returned`. By the platform or the e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (ReturnRequest):

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
    body: ReturnRequest,
) -> Response[ActionAnswerOut | Problem]:
    """Return goods after release (退货申请), in whole or in part

     After release (status `cleared` or `partially_returned`) and within the return window (default 30
    days from release). Several returns may add up to everything bought; a line that was not bought, or
    more than is left of it, is 422 `return_refused` naming the line. Customs must agree; then tax
    refunds the tax of the returned lines (to the fen, as the tax was rounded; returns adding up to
    everything refund exactly the tax) and forex reverses that part of the payment; then the buyer's
    annual quota gets the lines' value back and the status is `returned` (everything back) or
    `partially_returned`. By the platform or the e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (ReturnRequest):

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
    body: ReturnRequest,
) -> ActionAnswerOut | Problem | None:
    """Return goods after release (退货申请), in whole or in part

     After release (status `cleared` or `partially_returned`) and within the return window (default 30
    days from release). Several returns may add up to everything bought; a line that was not bought, or
    more than is left of it, is 422 `return_refused` naming the line. Customs must agree; then tax
    refunds the tax of the returned lines (to the fen, as the tax was rounded; returns adding up to
    everything refund exactly the tax) and forex reverses that part of the payment; then the buyer's
    annual quota gets the lines' value back and the status is `returned` (everything back) or
    `partially_returned`. By the platform or the e-commerce company; idempotent under `Idempotency-Key`.

    Args:
        declaration_id (str):
        body (ReturnRequest):

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
