"""Parsing request bodies exactly (amounts as Decimal, never float) and turning schema
errors into violations with stable codes, in English and Chinese."""

import json
import re
from collections.abc import Iterable, Iterator, Sequence, Set
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from app.domain.violations import RuleViolation
from app.errors import InvalidRequest, UnsupportedMediaType

# pydantic error type → (stable code, Chinese message template).
_SCHEMA_ERRORS: dict[str, tuple[str, str]] = {
    "missing": ("required", "必填字段缺失"),
    "extra_forbidden": ("unknown_field", "未知字段：字段名须与 CEB 报文标签一致"),
    "string_too_long": ("too_long", "长度不能超过 {max_length} 个字符"),
    "string_too_short": ("too_short", "长度不能少于 {min_length} 个字符"),
    "string_type": ("not_a_string", "应为字符串"),
    "int_type": ("not_an_integer", "应为整数"),
    "int_parsing": ("not_an_integer", "应为整数"),
    "int_from_float": ("not_an_integer", "应为整数"),
    "decimal_type": ("not_a_number", "应为数字（数值或字符串）"),
    "decimal_parsing": ("not_a_number", "应为数字（数值或字符串）"),
    "finite_number": ("not_a_number", "应为有限数字"),
    "decimal_max_digits": ("too_many_digits", "数字位数不能超过 {max_digits} 位"),
    "decimal_max_places": ("too_many_digits", "小数位数不能超过 {decimal_places} 位"),
    "decimal_whole_digits": ("too_many_digits", "整数位数过多"),
    "greater_than": ("out_of_range", "应大于 {gt}"),
    "greater_than_equal": ("out_of_range", "应大于或等于 {ge}"),
    "less_than_equal": ("out_of_range", "应小于或等于 {le}"),
    "literal_error": ("value_not_allowed", "取值应为 {expected}"),
    "enum": ("value_not_allowed", "取值应为 {expected}"),
    "model_type": ("wrong_type", "应为 JSON 对象"),
    "model_attributes_type": ("wrong_type", "应为 JSON 对象"),
    "dict_type": ("wrong_type", "应为 JSON 对象"),
    "list_type": ("wrong_type", "应为 JSON 数组"),
    "too_short": ("too_few_items", "至少需要 {min_length} 项"),
    "too_long": ("too_many_items", "最多允许 {max_length} 项"),
    "bool_type": ("wrong_type", "应为布尔值"),
    "bool_parsing": ("wrong_type", "应为布尔值"),
    "datetime_type": ("invalid_datetime", "应为 ISO 8601 时间"),
    "datetime_parsing": ("invalid_datetime", "应为 ISO 8601 时间"),
    "datetime_from_date_parsing": ("invalid_datetime", "应为 ISO 8601 时间"),
    "ceb_time_invalid": ("ceb_time_invalid", "应为 YYYYMMDDhhmmss 格式的时间（北京时间）"),
    "uscc_invalid": ("uscc_invalid", "应为18位统一社会信用代码，且校验码正确"),
    "customs_code_invalid": ("customs_code_invalid", "应为10位字母或数字的海关编码"),
    "identifier_invalid": ("identifier_invalid", "不能包含控制字符或零宽空格等不可见字符"),
}


def json_pointer(path: Iterable[str | int]) -> str:
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in path)


def violation_from_error(error: ErrorDetails) -> RuleViolation:
    """A violation for one pydantic error. Errors of a body parsed by ``parse_body`` have
    locations relative to the body; FastAPI's start with "body", "query", "path"…"""
    code, chinese = _SCHEMA_ERRORS.get(error["type"], ("invalid_value", "取值无效"))
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    try:
        message_zh = chinese.format(**context)
    except (KeyError, IndexError):
        message_zh = chinese
    location = list(error["loc"])
    in_body = not location or location[0] not in ("query", "path", "header", "cookie")
    if in_body:
        if location and location[0] == "body":
            location = location[1:]
        return RuleViolation(code, json_pointer(location), error["msg"], message_zh)
    # Query, path and header parameters: ("query", "limit") → parameter "limit".
    parameter = ".".join(str(p) for p in location[1:]) or str(location[0])
    return RuleViolation(code, None, error["msg"], message_zh, parameter=parameter)


def violations_from(errors: Sequence[ErrorDetails]) -> list[RuleViolation]:
    return [violation_from_error(e) for e in errors]


class BodyFormat(StrEnum):
    """The formats a request body may come in."""

    JSON = "json"
    XML = "xml"


JSON_ONLY: Set[BodyFormat] = frozenset({BodyFormat.JSON})
XML_ONLY: Set[BodyFormat] = frozenset({BodyFormat.XML})
# The media type to name for each format in a refusal.
_MEDIA_TYPES = {BodyFormat.JSON: "application/json", BodyFormat.XML: "application/xml"}

# A body sent without a Content-Type is read as JSON when it starts as every body of ours
# does (an object, or a batch's array), or is empty (then refused as malformed JSON).
_LOOKS_LIKE_JSON = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(?:[{\[]|\Z)")


def body_format(
    content_type: str | None, body: bytes, accepted: Set[BodyFormat] = JSON_ONLY
) -> BodyFormat:
    """The format of a request body, by its Content-Type, parameters such as ``charset``
    aside: JSON is ``application/json`` or any ``application/…+json``. 415
    ``unsupported_media_type`` for a format the route does not take."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        found: BodyFormat | None = BodyFormat.JSON
    elif media_type in ("application/xml", "text/xml") or (
        media_type.startswith("application/") and media_type.endswith("+xml")
    ):
        found = BodyFormat.XML
    elif not media_type:
        # Callers that send no Content-Type have always been read as JSON; a body that
        # plainly is not is refused as of unknown format rather than as broken JSON.
        found = BodyFormat.JSON if _LOOKS_LIKE_JSON.match(body) else None
    else:
        found = None
    if found is None or found not in accepted:
        raise _unsupported(media_type[:100], [_MEDIA_TYPES[f] for f in sorted(accepted)])
    return found


def _unsupported(media_type: str, takes: list[str]) -> UnsupportedMediaType:
    listed = ", ".join(takes)
    if media_type:
        detail = f"This request takes a body of type {listed}, not {media_type}."
        detail_zh = f"该请求只接受 {listed} 格式的请求体，不接受 {media_type}。"
    else:
        detail = (
            f"This request takes a body of type {listed}; this one has no Content-Type "
            "and does not look like JSON."
        )
        detail_zh = (
            f"该请求只接受 {listed} 格式的请求体；此请求体未声明 Content-Type，且不像 JSON。"
        )
    error = UnsupportedMediaType(detail, detail_zh, accepted=takes)
    # RFC 9110 §15.5.16: Accept names the media types the request could have used.
    error.headers["Accept"] = listed
    return error


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


# No object of ours has more fields than this (an order has 36): an object with more is
# refused while it is parsed, before each unknown field costs a schema error.
MAX_FIELDS = 64
# Values (counted as the commas, ``[`` and ``{`` outside strings) one declaration can
# hold: 99 goods lines of 16 fields and the heads come to about 1,800.
VALUES_PER_DECLARATION = 2_000
# Every byte but the quotes and the separators counted.
_NOT_COUNTED = bytes(c for c in range(256) if c not in b'",[{')
_STRING = re.compile(rb'"[^"]*"')


class _TooManyFields(ValueError):
    pass


def _bounded_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_FIELDS:
        raise _TooManyFields(f"an object has {len(pairs)} fields, more than {MAX_FIELDS}")
    return dict(pairs)


def _value_count(raw: bytes) -> int:
    return raw.count(b",") + raw.count(b"[") + raw.count(b"{")


def check_value_count(raw: bytes, limit: int) -> None:
    """Refuse a body holding more than ``limit`` values before any is built: parsed, each
    number would become a ``Decimal`` and each object a dict, some twenty to sixty times
    the bytes it takes in the body (an 8 MiB body of ``0.1,`` grew the process by
    240 MB). Counted in C over the bytes; strings are set aside only when the plain
    count, commas in text included, is over."""
    if len(raw) <= limit or _value_count(raw) <= limit:
        return
    # Escapes out (a backslash pair, then an escaped quote), then every byte but quotes and
    # separators, then the strings left empty: what is left is the structure, and the
    # strings that hold separators (two quotes taken away together keep every other
    # byte's side, in or out of a string).
    structure = (
        raw.replace(b"\\\\", b"")
        .replace(b'\\"', b"")
        .translate(None, _NOT_COUNTED)
        .replace(b'""', b"")
    )
    found = _value_count(structure)
    if found > limit:
        strings = structure.count(b'"') // 2
        # Each string is a value too: past the limit, no need to look into them.
        if strings <= limit:
            found -= sum(len(text) - 2 for text in _STRING.findall(structure))
        else:
            found = strings
    if found > limit:
        raise InvalidRequest(
            [
                RuleViolation(
                    "too_many_values",
                    "",
                    f"The body holds about {found:,} values; at most {limit:,} are taken.",
                    f"请求体包含约 {found:,} 个数值或元素，最多允许 {limit:,} 个。",
                )
            ]
        )


def load_json(raw: bytes, *, storable: bool = True) -> Any:
    """JSON with every non-integer number as an exact ``Decimal``, and (unless
    ``storable`` is false: the caller checks parts with ``unstorable_text``) no text that
    could not be stored (NUL characters, unpaired surrogates). An object with more than
    ``MAX_FIELDS`` fields is refused."""
    try:
        document = json.loads(
            raw,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_bounded_object,
        )
    except _TooManyFields as exc:
        raise InvalidRequest(
            [
                RuleViolation(
                    "too_many_fields",
                    "",
                    f"The body is refused: {exc}.",
                    f"请求体中有对象的字段超过 {MAX_FIELDS} 个，已拒收。",
                )
            ]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidRequest(
            [
                RuleViolation(
                    "malformed_json",
                    "",
                    f"The body is not valid JSON: {exc}",
                    "请求体不是有效的 JSON",
                )
            ]
        ) from None
    # Such text can only arrive as \\u escapes: look closer only when the raw body has one.
    if storable and _SUSPECT_ESCAPE.search(raw):
        unstorable = unstorable_text(document, [])
        if unstorable:
            raise InvalidRequest(unstorable)
    return document


_SUSPECT_ESCAPE = re.compile(rb"\\u(0000|[dD][89a-fA-F])")


def unstorable_text(value: Any, path: list[str | int]) -> list[RuleViolation]:
    return list(_unstorable_text(value, path))


def _unstorable_text(value: Any, path: list[str | int]) -> Iterator[RuleViolation]:
    if isinstance(value, str):
        if "\x00" in value or (not value.isascii() and _has_lone_surrogate(value)):
            yield RuleViolation(
                "invalid_character",
                json_pointer(path),
                "Text may not contain NUL characters or unpaired surrogates.",
                "文本不能包含空字符或不成对的代理字符。",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable_text(key, path)
            yield from _unstorable_text(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable_text(item, [*path, index])


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate(load_json(raw))
    except ValidationError as exc:
        raise InvalidRequest(violations_from(exc.errors(include_url=False))) from None


MAX_BATCH_ITEMS = 100
# Schema problems listed per item: past this, one more violation says how many more.
MAX_ITEM_VIOLATIONS = 50


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declarations: list[Any] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


def parse_batch(model: type[M], raw: bytes) -> list[M | list[RuleViolation]]:
    """A batch body ``{"declarations": [...]}``: each item parsed on its own, so that one
    malformed item is reported (pointers into the whole body) without sinking the rest.

    Sizes are checked before anything is built: no more values than 100 declarations can
    hold, no object with more fields than any of ours, then no more than 100 items, then
    each item, listing at most ``MAX_ITEM_VIOLATIONS`` of its problems."""
    check_value_count(raw, MAX_BATCH_ITEMS * VALUES_PER_DECLARATION)
    try:
        envelope = _Envelope.model_validate(load_json(raw, storable=False))
    except ValidationError as exc:
        raise InvalidRequest(violations_from(exc.errors(include_url=False))) from None
    suspect = _SUSPECT_ESCAPE.search(raw) is not None
    parsed: list[M | list[RuleViolation]] = []
    for index, item in enumerate(envelope.declarations):
        # Text that cannot be stored refuses its own item only, like any other problem.
        unstorable = unstorable_text(item, ["declarations", index]) if suspect else []
        if unstorable:
            parsed.append(unstorable)
            continue
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as exc:
            errors = exc.errors(include_url=False)[:MAX_ITEM_VIOLATIONS]
            for error in errors:
                error["loc"] = ("declarations", index, *error["loc"])
            found = violations_from(errors)
            if exc.error_count() > MAX_ITEM_VIOLATIONS:
                found.append(_more_violations(index, exc.error_count() - MAX_ITEM_VIOLATIONS))
            parsed.append(found)
    return parsed


def _more_violations(index: int, more: int) -> RuleViolation:
    return RuleViolation(
        "too_many_violations",
        json_pointer(["declarations", index]),
        f"{more} more problems in this item are not listed.",
        f"该项还有 {more} 个问题未列出。",
    )
