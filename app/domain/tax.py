"""The cross-border retail import tax (跨境电商综合税) a declaration owes, per line, in
Decimal: what an order declares as ``taxTotal`` so that the tax agency's assessment finds
nothing short.

Within the limits the tariff is 0 and VAT and consumption tax are charged at 70%:
per line, with v the line's share of the dutiable value,
    consumption tax = v × ct / (1 − ct) × 0.7
    VAT             = v × vat / (1 − ct) × 0.7
Above the single-transaction limit (a single indivisible item may come in there) the line
is taxed in full, as general trade:
    tariff = v × t;  consumption tax = (v + tariff) × ct / (1 − ct);
    VAT = (v + tariff + consumption tax) × vat.
Each component is summed over the lines, then rounded half-up to the fen; the total is the
sum of the rounded components.

The simulated tax agency (``mock_agencies``) keeps its own rate table, as a real agency
would; a test holds the two to the same answers."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domain.rules import SINGLE_LIMIT

PREFERENTIAL = Decimal("0.7")
FEN = Decimal("0.01")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Rates:
    general_tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal


# By HS prefix (a heading or a longer prefix of the 10-digit code); the longest matching
# prefix wins. Consumption tax is ad valorem only: compound duties are not modelled.
DEFAULT_RATES = Rates(Decimal("0.10"), _ZERO, Decimal("0.13"))  # everything else: VAT 13%
RATES_BY_PREFIX: dict[str, Rates] = {
    "2204": Rates(Decimal("0.14"), Decimal("0.10"), Decimal("0.13")),  # wine
    "3303": Rates(Decimal("0.03"), Decimal("0.15"), Decimal("0.13")),  # perfumes
    "3304": Rates(Decimal("0.05"), Decimal("0.15"), Decimal("0.13")),  # beauty, make-up
    "4901": Rates(_ZERO, _ZERO, Decimal("0.09")),  # printed books
    "4903": Rates(_ZERO, _ZERO, Decimal("0.09")),  # children's picture books
    "9102": Rates(Decimal("0.08"), _ZERO, Decimal("0.13")),  # wrist-watches
}
_PREFIX_LENGTHS = sorted({len(prefix) for prefix in RATES_BY_PREFIX}, reverse=True)


def rates_for(gcode: str) -> Rates:
    for n in _PREFIX_LENGTHS:
        found = RATES_BY_PREFIX.get(gcode[:n])
        if found is not None:
            return found
    return DEFAULT_RATES


@dataclass(frozen=True, slots=True)
class TaxableLine:
    gcode: str
    value: Decimal  # the line's totalPrice


@dataclass(frozen=True, slots=True)
class TaxAssessment:
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.customs_tax + self.value_added_tax + self.consumption_tax


def assess(
    lines: Sequence[TaxableLine],
    *,
    goods_value: Decimal,
    freight: Decimal,
    insured_fee: Decimal = _ZERO,
) -> TaxAssessment:
    """The tax on one declaration. Freight and insurance are shared out to the lines in
    proportion to their value (equally when every line is free)."""
    dutiable = goods_value + freight + insured_fee
    in_full = dutiable > SINGLE_LIMIT
    tariff = consumption = vat = _ZERO
    for share, line in zip(_shares(dutiable, lines), lines, strict=True):
        line_rates = rates_for(line.gcode)
        ct_factor = line_rates.consumption_tax / (1 - line_rates.consumption_tax)
        if in_full:
            line_tariff = share * line_rates.general_tariff
            line_consumption = (share + line_tariff) * ct_factor
            tariff += line_tariff
            consumption += line_consumption
            vat += (share + line_tariff + line_consumption) * line_rates.vat
        else:
            consumption += share * ct_factor * PREFERENTIAL
            vat += share * line_rates.vat / (1 - line_rates.consumption_tax) * PREFERENTIAL
    customs_tax, consumption_tax, value_added_tax = (
        amount.quantize(FEN, rounding=ROUND_HALF_UP) for amount in (tariff, consumption, vat)
    )
    return TaxAssessment(customs_tax, value_added_tax, consumption_tax)


def _shares(dutiable: Decimal, lines: Sequence[TaxableLine]) -> Iterable[Decimal]:
    total = sum((line.value for line in lines), _ZERO)
    if total == 0:
        return (dutiable / len(lines) for _ in lines)
    return (dutiable * line.value / total for line in lines)
