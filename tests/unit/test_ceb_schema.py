"""The documents use the CEB 202205 tag names verbatim: checked against the official XSD."""

import xml.etree.ElementTree as ET

import pytest
from pydantic import BaseModel

from app.schemas.declaration import Logistics, Order, OrderItem, Payment
from tests.support.environment import need_shared

XS = "{http://www.w3.org/2001/XMLSchema}"
# Carried by this service on each order line; in CEB it travels on the CEB621 list.
NOT_IN_CEB311 = {"gcode"}


def xsd_fields(element: str) -> set[str]:
    xsd = need_shared() / "ceb" / "xsd" / "ceb-import-202205.xsd"
    root = ET.parse(xsd).getroot()
    for node in root.iter(f"{XS}element"):
        if node.get("name") == element:
            sequence = node.find(f"{XS}complexType/{XS}sequence")
            assert sequence is not None
            return {child.get("name", "") for child in sequence.findall(f"{XS}element")}
    raise AssertionError(f"{element} not in the XSD")


@pytest.mark.parametrize(
    ("model", "element", "extra"),
    [
        (Order, "OrderHead", {"items"}),
        (OrderItem, "OrderList", NOT_IN_CEB311),
        (Payment, "PaymentHead", set()),
        (Logistics, "LogisticsHead", set()),
    ],
)
def test_field_names_are_the_xsd_tags(
    model: type[BaseModel], element: str, extra: set[str]
) -> None:
    ours = set(model.model_fields) - extra
    assert ours == xsd_fields(element)
