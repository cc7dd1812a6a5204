from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderDocumentItem")


@_attrs_define
class OrderDocumentItem:
    """A CEB311 line: its HS code may be left out, as a CEB311 has no place for it.

    Attributes:
        country (str):
        currency (str):
        gmodel (str):
        gnum (int): Line number: 1, 2, 3 … in order.
        item_name (str):
        price (float | str):
        qty (float | str):
        total_price (float | str):
        unit (str):
        bar_code (None | str | Unset):
        gcode (None | str | Unset): 10-digit HS code. A CEB311 carries none: an order whose lines lack it waits for the
            CEB621 inventory, whose lines carry it, before it is declared.
        item_describe (None | str | Unset):
        item_no (None | str | Unset):
        note (None | str | Unset):
    """

    country: str
    currency: str
    gmodel: str
    gnum: int
    item_name: str
    price: float | str
    qty: float | str
    total_price: float | str
    unit: str
    bar_code: None | str | Unset = UNSET
    gcode: None | str | Unset = UNSET
    item_describe: None | str | Unset = UNSET
    item_no: None | str | Unset = UNSET
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        country = self.country

        currency = self.currency

        gmodel = self.gmodel

        gnum = self.gnum

        item_name = self.item_name

        price: float | str
        price = self.price

        qty: float | str
        qty = self.qty

        total_price: float | str
        total_price = self.total_price

        unit = self.unit

        bar_code: None | str | Unset
        if isinstance(self.bar_code, Unset):
            bar_code = UNSET
        else:
            bar_code = self.bar_code

        gcode: None | str | Unset
        if isinstance(self.gcode, Unset):
            gcode = UNSET
        else:
            gcode = self.gcode

        item_describe: None | str | Unset
        if isinstance(self.item_describe, Unset):
            item_describe = UNSET
        else:
            item_describe = self.item_describe

        item_no: None | str | Unset
        if isinstance(self.item_no, Unset):
            item_no = UNSET
        else:
            item_no = self.item_no

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "country": country,
                "currency": currency,
                "gmodel": gmodel,
                "gnum": gnum,
                "itemName": item_name,
                "price": price,
                "qty": qty,
                "totalPrice": total_price,
                "unit": unit,
            }
        )
        if bar_code is not UNSET:
            field_dict["barCode"] = bar_code
        if gcode is not UNSET:
            field_dict["gcode"] = gcode
        if item_describe is not UNSET:
            field_dict["itemDescribe"] = item_describe
        if item_no is not UNSET:
            field_dict["itemNo"] = item_no
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        country = d.pop("country")

        currency = d.pop("currency")

        gmodel = d.pop("gmodel")

        gnum = d.pop("gnum")

        item_name = d.pop("itemName")

        def _parse_price(data: object) -> float | str:
            return cast(float | str, data)

        price = _parse_price(d.pop("price"))

        def _parse_qty(data: object) -> float | str:
            return cast(float | str, data)

        qty = _parse_qty(d.pop("qty"))

        def _parse_total_price(data: object) -> float | str:
            return cast(float | str, data)

        total_price = _parse_total_price(d.pop("totalPrice"))

        unit = d.pop("unit")

        def _parse_bar_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bar_code = _parse_bar_code(d.pop("barCode", UNSET))

        def _parse_gcode(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gcode = _parse_gcode(d.pop("gcode", UNSET))

        def _parse_item_describe(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        item_describe = _parse_item_describe(d.pop("itemDescribe", UNSET))

        def _parse_item_no(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        item_no = _parse_item_no(d.pop("itemNo", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        order_document_item = cls(
            country=country,
            currency=currency,
            gmodel=gmodel,
            gnum=gnum,
            item_name=item_name,
            price=price,
            qty=qty,
            total_price=total_price,
            unit=unit,
            bar_code=bar_code,
            gcode=gcode,
            item_describe=item_describe,
            item_no=item_no,
            note=note,
        )

        return order_document_item
