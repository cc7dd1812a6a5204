"""Tax (税务): the cross-border retail import tax (跨境电商综合税), per line, in Decimal.

Within the limits the tariff is 0 and VAT and consumption tax are charged at 70%:
per line, with v the line's share of the dutiable value,
    consumption tax = v × ct / (1 − ct) × 0.7
    VAT             = v × vat / (1 − ct) × 0.7
(together v × (ct + vat) / (1 − ct) × 0.7). Above the single-transaction limit (a single
indivisible item may come in there) the line is taxed in full, as general trade:
    tariff = v × t;  consumption tax = (v + tariff) × ct / (1 − ct);
    VAT = (v + tariff + consumption tax) × vat.
Each component is summed over the lines, then rounded half-up to the fen; the total is the
sum of the rounded components. A return refunds the tax of the part returned, computed
the same way (``assess_portion``, ``refund_for_return``)."""

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

from app.agencies.wire import Reason, ReceiptStatus, TaxAssessment
from mock_agencies.documents import DeclarationDocuments
from mock_agencies.rules.decision import Decision, rejected
from mock_agencies.rules.limits import SINGLE_LIMIT

PREFERENTIAL = Decimal("0.7")
FEN = Decimal("0.01")
# A declared tax may fall short of the assessment by at most one fen (rounding).
TOLERANCE = Decimal("0.01")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Rates:
    general_tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal


class RateTable:
    """Rates by HS prefix; the longest prefix of a code that has a row wins."""

    def __init__(self, default: Rates, by_prefix: dict[str, Rates]) -> None:
        self.default = default
        self._by_prefix = by_prefix
        self._lengths = sorted({len(prefix) for prefix in by_prefix}, reverse=True)

    def rates_for(self, gcode: str) -> Rates:
        for n in self._lengths:
            found = self._by_prefix.get(gcode[:n])
            if found is not None:
                return found
        return self.default


@cache
def load_rate_table() -> RateTable:
    source = resources.files("mock_agencies") / "data" / "tax_rates.csv"
    with source.open(encoding="utf-8") as rows:
        records = list(csv.DictReader(row for row in rows if not row.startswith("#")))
    table = {
        record["prefix"]: Rates(
            general_tariff=Decimal(record["generalTariff"]),
            consumption_tax=Decimal(record["consumptionTax"]),
            vat=Decimal(record["vat"]),
        )
        for record in records
    }
    return RateTable(table.pop("*"), table)


@dataclass(frozen=True, slots=True)
class TaxableLine:
    gcode: str
    value: Decimal  # the line's totalPrice


def assess(
    lines: Sequence[TaxableLine],
    *,
    goods_value: Decimal,
    freight: Decimal,
    insured_fee: Decimal = _ZERO,
    rates: RateTable | None = None,
) -> TaxAssessment:
    """The tax on one declaration. Freight and insurance are shared out to the lines in
    proportion to their value (equally when every line is free)."""
    dutiable = goods_value + freight + insured_fee
    shares = zip(_shares(dutiable, lines), lines, strict=True)
    return _taxed(((share, line.gcode) for share, line in shares), dutiable > SINGLE_LIMIT, rates)


def _taxed(
    values: Iterable[tuple[Decimal, str]], in_full: bool, rates: RateTable | None
) -> TaxAssessment:
    """The tax on the lines' dutiable values (value, HS code), each component summed over
    the lines and then rounded; ``in_full``: the declaration is above the single limit."""
    table = rates or load_rate_table()
    tariff = consumption = vat = _ZERO
    for share, gcode in values:
        line_rates = table.rates_for(gcode)
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
    return TaxAssessment(
        customsTax=customs_tax,
        valueAddedTax=value_added_tax,
        consumptionTax=consumption_tax,
        total=customs_tax + value_added_tax + consumption_tax,
    )


def _shares(dutiable: Decimal, lines: Sequence[TaxableLine]) -> Iterable[Decimal]:
    total = sum((line.value for line in lines), _ZERO)
    if total == 0:
        return (dutiable / len(lines) for _ in lines)
    return (dutiable * line.value / total for line in lines)


def assess_documents(
    documents: DeclarationDocuments, rates: RateTable | None = None
) -> TaxAssessment:
    order = documents.order
    return assess(
        [TaxableLine(item.gcode, item.totalPrice) for item in order.items],
        goods_value=order.goodsValue,
        freight=order.freight,
        insured_fee=documents.logistics.insuredFee or _ZERO,
        rates=rates,
    )


def assess_portion(
    documents: DeclarationDocuments,
    returned: Mapping[int, Decimal],
    rates: RateTable | None = None,
) -> TaxAssessment:
    """The tax on part of a declaration: ``returned`` quantities of its lines, by line
    number (gnum). What a return refunds is the difference between this for everything
    returned so far and for what was returned before (``refund_for_return``).

    Each line is taxed exactly as ``assess`` taxes it, on its share of the whole
    declaration's dutiable value (freight and insurance included) scaled by the part
    returned (returned qty / qty), and under the whole declaration's "in full" decision:
    returning part of a declaration above the single-transaction limit does not make it
    preferential. Rounding once per component over the portion, rather than refunding
    each return's own rounded tax, is what makes the refunds of returns that add up to
    the whole declaration add up to its tax to the fen: they telescope to
    ``assess_portion(everything) − assess_portion(nothing)``, and everything returned is
    taxed exactly as ``assess_documents`` taxes the declaration.

    ``ValueError`` for a line number the order does not have, or more returned than
    declared: the caller checks the lines first (``rules.actions.line_problems``)."""
    lines = documents.lines_by_gnum
    unknown = sorted(set(returned) - set(lines))
    if unknown:
        raise ValueError(f"no line {unknown[0]} in the order")
    items = documents.order.items
    dutiable = documents.dutiable_value
    shares = _shares(dutiable, [TaxableLine(item.gcode, item.totalPrice) for item in items])
    by_item = {id(item): gnum for gnum, item in lines.items()}
    values = []
    for share, item in zip(shares, items, strict=True):
        quantity = returned.get(by_item.get(id(item), 0), _ZERO)
        if quantity > item.qty:
            raise ValueError(f"{quantity} returned of line {item.gnum}'s {item.qty}")
        # The whole line keeps its share exactly, so that everything returned is taxed
        # to the digit as the declaration was.
        portion = share if quantity == item.qty else share * quantity / item.qty
        values.append((portion, item.gcode))
    return _taxed(values, dutiable > SINGLE_LIMIT, rates)


def refund_for_return(
    documents: DeclarationDocuments,
    returned_before: Mapping[int, Decimal],
    returned_now: Mapping[int, Decimal],
    rates: RateTable | None = None,
) -> TaxAssessment:
    """What one return refunds, component by component: the tax on everything returned
    so far (before and now) less the tax on what was returned before."""
    so_far = {
        gnum: returned_before.get(gnum, _ZERO) + returned_now.get(gnum, _ZERO)
        for gnum in {*returned_before, *returned_now}
    }
    after = assess_portion(documents, so_far, rates)
    before = assess_portion(documents, returned_before, rates)
    return TaxAssessment(
        customsTax=after.customsTax - before.customsTax,
        valueAddedTax=after.valueAddedTax - before.valueAddedTax,
        consumptionTax=after.consumptionTax - before.consumptionTax,
        total=after.total - before.total,
    )


def decide(documents: DeclarationDocuments, rates: RateTable | None = None) -> Decision:
    assessment = assess_documents(documents, rates)
    declared = documents.order.taxTotal
    if assessment.total - declared > TOLERANCE:
        return rejected(
            Reason(
                code="tax_underdeclared",
                message=f"declared taxTotal {declared} is below the assessed tax "
                f"{assessment.total}",
                messageZh=f"申报代扣税款 {declared} 低于核定税款 {assessment.total}",
            ),
            tax=assessment,
        )
    return Decision(ReceiptStatus.ASSESSED, tax=assessment)
