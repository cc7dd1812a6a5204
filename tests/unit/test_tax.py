"""The tax the single window has an order declare is the tax the tax agency assesses: the
two keep their own rate tables, and these tests hold them to the same answers."""

from decimal import Decimal

import pytest

from app.domain import tax
from mock_agencies.rules import tax as agency_tax

PREFIXES = sorted(agency_tax.load_rate_table()._by_prefix)


def test_the_rate_tables_agree() -> None:
    table = agency_tax.load_rate_table()
    assert sorted(tax.RATES_BY_PREFIX) == PREFIXES
    for gcode in [*PREFIXES, "0000000000"]:
        ours, theirs = tax.rates_for(gcode), table.rates_for(gcode)
        assert (ours.general_tariff, ours.consumption_tax, ours.vat) == (
            theirs.general_tariff,
            theirs.consumption_tax,
            theirs.vat,
        )


@pytest.mark.parametrize("goods", [Decimal("0"), Decimal("199.90"), Decimal("4999"), Decimal(6000)])
@pytest.mark.parametrize("gcode", [*PREFIXES, "6403990090"])
def test_the_assessments_agree(goods: Decimal, gcode: str) -> None:
    lines = [(gcode + "000000")[:10], "6109100021"]
    values = [goods * Decimal("0.6"), goods * Decimal("0.4")]
    ours = tax.assess(
        [tax.TaxableLine(g, v) for g, v in zip(lines, values, strict=True)],
        goods_value=goods,
        freight=Decimal("12.50"),
        insured_fee=Decimal("1.20"),
    )
    theirs = agency_tax.assess(
        [agency_tax.TaxableLine(g, v) for g, v in zip(lines, values, strict=True)],
        goods_value=goods,
        freight=Decimal("12.50"),
        insured_fee=Decimal("1.20"),
    )
    assert (ours.customs_tax, ours.value_added_tax, ours.consumption_tax, ours.total) == (
        theirs.customsTax,
        theirs.valueAddedTax,
        theirs.consumptionTax,
        theirs.total,
    )
