from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_create import WebhookCreate
from ...models.webhook_created import WebhookCreated
from ...types import Response


def _get_kwargs(
    *,
    body: WebhookCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookCreated | None:
    if response.status_code == 201:
        response_201 = WebhookCreated.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Problem | WebhookCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreate,
) -> Response[Problem | WebhookCreated]:
    """Register an endpoint for status pushes

     Each status change of a matching declaration is POSTed to `url`, signed as Standard Webhooks
    specifies: headers `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-
    SHA256 over `id.timestamp.body`, the key being the base64-decoded part of the secret after
    `whsec_`), so that any Standard Webhooks library verifies it. With `format` `ceb`, a status change
    is pushed as a CEB622 receipt (`application/xml`) instead of JSON, signed the same way. A push is
    retried with backoff until the endpoint answers 2xx, or until 24 hours have passed; redirects are
    not followed (a 3xx is a failed push). Each endpoint gets its pushes in order, one at a time, each
    attempt cut off after 10 seconds; an endpoint that keeps failing is parked (see its `health`) and
    probed until it answers again, without slowing anyone else's pushes or clearance. An owner may have
    up to 10 endpoints (409 `webhook_limit_reached` beyond). The URL's host must be a public address:
    loopback, private, link-local, shared and reserved addresses, `localhost` and `*.localhost` are
    refused with 422 `webhook_url_forbidden` (in any spelling: `2130706433`, `0x7f000001`, `127.1`,
    `[::ffff:127.0.0.1]`...), and a name that resolves to one is not pushed to.

    Args:
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreate,
) -> Problem | WebhookCreated | None:
    """Register an endpoint for status pushes

     Each status change of a matching declaration is POSTed to `url`, signed as Standard Webhooks
    specifies: headers `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-
    SHA256 over `id.timestamp.body`, the key being the base64-decoded part of the secret after
    `whsec_`), so that any Standard Webhooks library verifies it. With `format` `ceb`, a status change
    is pushed as a CEB622 receipt (`application/xml`) instead of JSON, signed the same way. A push is
    retried with backoff until the endpoint answers 2xx, or until 24 hours have passed; redirects are
    not followed (a 3xx is a failed push). Each endpoint gets its pushes in order, one at a time, each
    attempt cut off after 10 seconds; an endpoint that keeps failing is parked (see its `health`) and
    probed until it answers again, without slowing anyone else's pushes or clearance. An owner may have
    up to 10 endpoints (409 `webhook_limit_reached` beyond). The URL's host must be a public address:
    loopback, private, link-local, shared and reserved addresses, `localhost` and `*.localhost` are
    refused with 422 `webhook_url_forbidden` (in any spelling: `2130706433`, `0x7f000001`, `127.1`,
    `[::ffff:127.0.0.1]`...), and a name that resolves to one is not pushed to.

    Args:
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreate,
) -> Response[Problem | WebhookCreated]:
    """Register an endpoint for status pushes

     Each status change of a matching declaration is POSTed to `url`, signed as Standard Webhooks
    specifies: headers `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-
    SHA256 over `id.timestamp.body`, the key being the base64-decoded part of the secret after
    `whsec_`), so that any Standard Webhooks library verifies it. With `format` `ceb`, a status change
    is pushed as a CEB622 receipt (`application/xml`) instead of JSON, signed the same way. A push is
    retried with backoff until the endpoint answers 2xx, or until 24 hours have passed; redirects are
    not followed (a 3xx is a failed push). Each endpoint gets its pushes in order, one at a time, each
    attempt cut off after 10 seconds; an endpoint that keeps failing is parked (see its `health`) and
    probed until it answers again, without slowing anyone else's pushes or clearance. An owner may have
    up to 10 endpoints (409 `webhook_limit_reached` beyond). The URL's host must be a public address:
    loopback, private, link-local, shared and reserved addresses, `localhost` and `*.localhost` are
    refused with 422 `webhook_url_forbidden` (in any spelling: `2130706433`, `0x7f000001`, `127.1`,
    `[::ffff:127.0.0.1]`...), and a name that resolves to one is not pushed to.

    Args:
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreate,
) -> Problem | WebhookCreated | None:
    """Register an endpoint for status pushes

     Each status change of a matching declaration is POSTed to `url`, signed as Standard Webhooks
    specifies: headers `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-
    SHA256 over `id.timestamp.body`, the key being the base64-decoded part of the secret after
    `whsec_`), so that any Standard Webhooks library verifies it. With `format` `ceb`, a status change
    is pushed as a CEB622 receipt (`application/xml`) instead of JSON, signed the same way. A push is
    retried with backoff until the endpoint answers 2xx, or until 24 hours have passed; redirects are
    not followed (a 3xx is a failed push). Each endpoint gets its pushes in order, one at a time, each
    attempt cut off after 10 seconds; an endpoint that keeps failing is parked (see its `health`) and
    probed until it answers again, without slowing anyone else's pushes or clearance. An owner may have
    up to 10 endpoints (409 `webhook_limit_reached` beyond). The URL's host must be a public address:
    loopback, private, link-local, shared and reserved addresses, `localhost` and `*.localhost` are
    refused with 422 `webhook_url_forbidden` (in any spelling: `2130706433`, `0x7f000001`, `127.1`,
    `[::ffff:127.0.0.1]`...), and a name that resolves to one is not pushed to.

    Args:
        body (WebhookCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
