"""Amounts of money in the API's answers: in JSON always with two decimals (``339.00``),
as every amount a person reads, although the database keeps five (``339.00000``)."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

from app.domain.money import yuan

# Read as any decimal; written to JSON as a string of yuan with two decimals.
Money = Annotated[Decimal, PlainSerializer(yuan, return_type=str, when_used="json")]
