from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_checkpoint import AuditCheckpoint
from ...models.audit_verification import AuditVerification
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: AuditCheckpoint,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/regulator/audit/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditVerification | Problem | None:
    if response.status_code == 200:
        response_200 = AuditVerification.from_dict(response.json())

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
) -> Response[AuditVerification | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AuditCheckpoint,
) -> Response[AuditVerification | Problem]:
    """Verify the audit trail against a checkpoint you kept

     As `GET`, and the trail must still hold the checkpoint's row with its hash: rows removed from the
    end after it was taken show here even when the stored checkpoints were removed too. A checkpoint the
    service did not sign answers `422 audit_checkpoint_invalid`.

    Args:
        body (AuditCheckpoint): A signed statement that row ``seq`` of the audit trail has hash
            ``hash``. Keep it:
            given back to ``POST /v1/regulator/audit/verify``, it shows whether the trail still
            holds that row unchanged, and so whether rows were removed from its end since.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditVerification | Problem]
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
    body: AuditCheckpoint,
) -> AuditVerification | Problem | None:
    """Verify the audit trail against a checkpoint you kept

     As `GET`, and the trail must still hold the checkpoint's row with its hash: rows removed from the
    end after it was taken show here even when the stored checkpoints were removed too. A checkpoint the
    service did not sign answers `422 audit_checkpoint_invalid`.

    Args:
        body (AuditCheckpoint): A signed statement that row ``seq`` of the audit trail has hash
            ``hash``. Keep it:
            given back to ``POST /v1/regulator/audit/verify``, it shows whether the trail still
            holds that row unchanged, and so whether rows were removed from its end since.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditVerification | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AuditCheckpoint,
) -> Response[AuditVerification | Problem]:
    """Verify the audit trail against a checkpoint you kept

     As `GET`, and the trail must still hold the checkpoint's row with its hash: rows removed from the
    end after it was taken show here even when the stored checkpoints were removed too. A checkpoint the
    service did not sign answers `422 audit_checkpoint_invalid`.

    Args:
        body (AuditCheckpoint): A signed statement that row ``seq`` of the audit trail has hash
            ``hash``. Keep it:
            given back to ``POST /v1/regulator/audit/verify``, it shows whether the trail still
            holds that row unchanged, and so whether rows were removed from its end since.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditVerification | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: AuditCheckpoint,
) -> AuditVerification | Problem | None:
    """Verify the audit trail against a checkpoint you kept

     As `GET`, and the trail must still hold the checkpoint's row with its hash: rows removed from the
    end after it was taken show here even when the stored checkpoints were removed too. A checkpoint the
    service did not sign answers `422 audit_checkpoint_invalid`.

    Args:
        body (AuditCheckpoint): A signed statement that row ``seq`` of the audit trail has hash
            ``hash``. Keep it:
            given back to ``POST /v1/regulator/audit/verify``, it shows whether the trail still
            holds that row unchanged, and so whether rows were removed from its end since.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditVerification | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
