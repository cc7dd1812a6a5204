"""Amounts of money as people read them: CNY in yuan with two decimals (``339.00``),
whatever scale they were computed or kept at (the database keeps five: ``339.00000``; a
product of decimals may carry more, or come out as ``1.072E+4``)."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def yuan(amount: Decimal) -> str:
    """Two decimals, rounded half up to the fen, never in exponent notation: for totals,
    taxes and limits."""
    return f"{amount.quantize(FEN, rounding=ROUND_HALF_UP):f}"


def amount_text(amount: Decimal) -> str:
    """At least two decimals, and more only when the amount has them (a unit price of
    0.12345 stays so): for amounts a rule compares exactly, never rounded away."""
    if amount == amount.quantize(FEN):
        return yuan(amount)
    return f"{amount.normalize():f}"
