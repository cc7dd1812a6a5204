"""Field types of the CEB 202205 message standard, as pydantic annotations."""

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError


def text(max_length: int, min_length: int = 1) -> object:
    """CEB ``C..n``: a string of ``min_length`` to ``max_length`` characters."""
    return StringConstraints(min_length=min_length, max_length=max_length)


# What the OpenAPI document says an amount is: a decimal string in its plain form (what
# the service writes), or a JSON number. The service reads other ways of writing a
# decimal too (an exponent, a sign, spaces); generated clients keep to the plain form.
AMOUNT_PATTERN = r"^[0-9]{1,14}(\.[0-9]{1,5})?$"
_AMOUNT_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": AMOUNT_PATTERN},
        {"type": "number", "minimum": 0},
    ],
    "description": (
        "An amount in yuan (CEB N19,5): a decimal string with at most 14 digits before the "
        'point and 5 after, e.g. `"129.00"`, or a JSON number read as the same decimal '
        "(never as a binary float)."
    ),
    "examples": ["129.00"],
}

# A quantity: an amount's form, more than 0.
QUANTITY_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": AMOUNT_PATTERN},
        {"type": "number", "exclusiveMinimum": 0},
    ],
    "description": "A quantity greater than 0, in the line's unit: a decimal string with "
    "at most 14 digits before the point and 5 after, or a JSON number.",
    "examples": ["2"],
}

# CEB N19,5: at most 19 digits, 5 of them after the point. JSON numbers or strings.
Amount = Annotated[
    Decimal, Field(max_digits=19, decimal_places=5, ge=0), WithJsonSchema(_AMOUNT_SCHEMA)
]

# Code fields whose allowed values are business rules (currency 142, ID type 1, the
# 10-digit HS code): the schema only bounds their length so that a wrong value is
# reported by the rule that names it.
RuleCode = Annotated[str, StringConstraints(min_length=1, max_length=20)]

C3 = Annotated[str, StringConstraints(min_length=3, max_length=3)]
C4 = Annotated[str, StringConstraints(min_length=4, max_length=4)]
C6 = Annotated[str, StringConstraints(min_length=6, max_length=6)]
C10 = Annotated[str, text(10)]
C18 = Annotated[str, text(18)]
C30 = Annotated[str, text(30)]
C36 = Annotated[str, StringConstraints(min_length=36, max_length=36)]
C37 = Annotated[str, text(37)]
C50 = Annotated[str, text(50)]
C60 = Annotated[str, text(60)]
C100 = Annotated[str, text(100)]
C200 = Annotated[str, text(200)]
C250 = Annotated[str, text(250)]
C510 = Annotated[str, text(510)]
C1000 = Annotated[str, text(1000, min_length=0)]


def _ceb_time(value: str) -> str:
    try:
        if not (value.isascii() and value.isdigit()):
            raise ValueError(value)
        datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            int(value[12:14]),
        )
    except ValueError:
        raise PydanticCustomError(
            "ceb_time_invalid", "must be a time in the form YYYYMMDDhhmmss (China time)"
        ) from None
    return value


# The form of a CEB time, as a pattern: year 0001-9999, month 01-12, day 01-31, hour
# 00-23, minutes and seconds 00-59 (that the day exists in its month is checked, not
# stated).
CEB_TIME_PATTERN = (
    r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    r"(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$"
)

# CEB C14 time, YYYYMMDDhhmmss in China time (UTC+8).
CebTime = Annotated[
    str,
    StringConstraints(min_length=14, max_length=14),
    AfterValidator(_ceb_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": CEB_TIME_PATTERN,
            "description": "A time as YYYYMMDDhhmmss, in China time (UTC+8).",
            "examples": ["20261127103000"],
        }
    ),
]


# Characters that show nothing yet make two identifiers differ: Unicode's
# Default_Ignorable_Code_Point. Most are format characters, which ``isprintable`` refuses
# already; these ranges also hold marks and letters it lets through (the Hangul fillers,
# variation selectors, the combining grapheme joiner).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def _identifier(value: object) -> object:
    """An identifier as it is stored and compared: in Unicode NFKC, so that a full-width
    ``ＯＲＤＥＲ1`` is ``ORDER1``; refused when it holds a control character or one that
    shows nothing (a zero-width space), which would make ``ORDER\\u200b1`` another order
    than ``ORDER1`` while looking the same. Runs before the length is checked, as NFKC
    may lengthen text (the ligature ``ﬁ`` is ``fi``)."""
    # Nearly every identifier is printable ASCII, which NFKC leaves as it is: this runs
    # on every declaration, a score of times.
    if not isinstance(value, str) or (value.isascii() and value.isprintable()):
        return value
    value = unicodedata.normalize("NFKC", value)
    if not value.isprintable() or _INVISIBLE.search(value):
        raise PydanticCustomError(
            "identifier_invalid",
            "must not contain control characters or characters that show nothing "
            "(zero-width spaces, direction marks)",
        )
    return value


T = TypeVar("T")
# An identifier field: order, waybill and payment numbers, enterprise codes…, whose
# uniqueness the service checks. ``Identifier[C60]``: a C60 identifier.
Identifier = Annotated[T, BeforeValidator(_identifier)]
