import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.export_declarations_v1_regulator_declarations_export_get_format import (
    ExportDeclarationsV1RegulatorDeclarationsExportGetFormat,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    format_: ExportDeclarationsV1RegulatorDeclarationsExportGetFormat
    | Unset = ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/regulator/declarations/export",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    format_: ExportDeclarationsV1RegulatorDeclarationsExportGetFormat
    | Unset = ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV,
) -> Response[Any | Problem]:
    """Export the declarations of a date range (CSV or NDJSON), streamed

     Oldest first. Default range: the last 30 days.

    Args:
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        format_ (ExportDeclarationsV1RegulatorDeclarationsExportGetFormat | Unset):  Default:
            ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        created_from=created_from,
        created_to=created_to,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    format_: ExportDeclarationsV1RegulatorDeclarationsExportGetFormat
    | Unset = ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV,
) -> Any | Problem | None:
    """Export the declarations of a date range (CSV or NDJSON), streamed

     Oldest first. Default range: the last 30 days.

    Args:
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        format_ (ExportDeclarationsV1RegulatorDeclarationsExportGetFormat | Unset):  Default:
            ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        created_from=created_from,
        created_to=created_to,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    format_: ExportDeclarationsV1RegulatorDeclarationsExportGetFormat
    | Unset = ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV,
) -> Response[Any | Problem]:
    """Export the declarations of a date range (CSV or NDJSON), streamed

     Oldest first. Default range: the last 30 days.

    Args:
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        format_ (ExportDeclarationsV1RegulatorDeclarationsExportGetFormat | Unset):  Default:
            ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        created_from=created_from,
        created_to=created_to,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    format_: ExportDeclarationsV1RegulatorDeclarationsExportGetFormat
    | Unset = ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV,
) -> Any | Problem | None:
    """Export the declarations of a date range (CSV or NDJSON), streamed

     Oldest first. Default range: the last 30 days.

    Args:
        created_from (datetime.datetime | None | Unset): Created at or after (ISO 8601).
        created_to (datetime.datetime | None | Unset): Created before (ISO 8601).
        format_ (ExportDeclarationsV1RegulatorDeclarationsExportGetFormat | Unset):  Default:
            ExportDeclarationsV1RegulatorDeclarationsExportGetFormat.CSV.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            created_from=created_from,
            created_to=created_to,
            format_=format_,
        )
    ).parsed
