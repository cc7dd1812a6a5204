from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Logistics")


@_attrs_define
class Logistics:
    """CEB511 LogisticsHead (the waybill).

    Attributes:
        consignee (str):
        consignee_address (str):
        consignee_telephone (str):
        currency (str):
        logistics_code (str):
        logistics_name (str):
        logistics_no (str):
        order_no (str):
        pack_no (int):
        weight (str):
        app_status (Literal['2'] | None | Unset): 2 = declared.
        app_time (None | str | Unset):
        app_type (Literal['1'] | None | Unset): 1 = add. Changes and deletions are not yet supported.
        bill_no (None | str | Unset):
        freight (None | str | Unset):
        goods_info (None | str | Unset):
        guid (None | str | Unset):
        insured_fee (None | str | Unset):
        note (None | str | Unset):
    """

    consignee: str
    consignee_address: str
    consignee_telephone: str
    currency: str
    logistics_code: str
    logistics_name: str
    logistics_no: str
    order_no: str
    pack_no: int
    weight: str
    app_status: Literal["2"] | None | Unset = UNSET
    app_time: None | str | Unset = UNSET
    app_type: Literal["1"] | None | Unset = UNSET
    bill_no: None | str | Unset = UNSET
    freight: None | str | Unset = UNSET
    goods_info: None | str | Unset = UNSET
    guid: None | str | Unset = UNSET
    insured_fee: None | str | Unset = UNSET
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        consignee = self.consignee

        consignee_address = self.consignee_address

        consignee_telephone = self.consignee_telephone

        currency = self.currency

        logistics_code = self.logistics_code

        logistics_name = self.logistics_name

        logistics_no = self.logistics_no

        order_no = self.order_no

        pack_no = self.pack_no

        weight = self.weight

        app_status: Literal["2"] | None | Unset
        if isinstance(self.app_status, Unset):
            app_status = UNSET
        else:
            app_status = self.app_status

        app_time: None | str | Unset
        if isinstance(self.app_time, Unset):
            app_time = UNSET
        else:
            app_time = self.app_time

        app_type: Literal["1"] | None | Unset
        if isinstance(self.app_type, Unset):
            app_type = UNSET
        else:
            app_type = self.app_type

        bill_no: None | str | Unset
        if isinstance(self.bill_no, Unset):
            bill_no = UNSET
        else:
            bill_no = self.bill_no

        freight: None | str | Unset
        if isinstance(self.freight, Unset):
            freight = UNSET
        else:
            freight = self.freight

        goods_info: None | str | Unset
        if isinstance(self.goods_info, Unset):
            goods_info = UNSET
        else:
            goods_info = self.goods_info

        guid: None | str | Unset
        if isinstance(self.guid, Unset):
            guid = UNSET
        else:
            guid = self.guid

        insured_fee: None | str | Unset
        if isinstance(self.insured_fee, Unset):
            insured_fee = UNSET
        else:
            insured_fee = self.insured_fee

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "consignee": consignee,
                "consigneeAddress": consignee_address,
                "consigneeTelephone": consignee_telephone,
                "currency": currency,
                "logisticsCode": logistics_code,
                "logisticsName": logistics_name,
                "logisticsNo": logistics_no,
                "orderNo": order_no,
                "packNo": pack_no,
                "weight": weight,
            }
        )
        if app_status is not UNSET:
            field_dict["appStatus"] = app_status
        if app_time is not UNSET:
            field_dict["appTime"] = app_time
        if app_type is not UNSET:
            field_dict["appType"] = app_type
        if bill_no is not UNSET:
            field_dict["billNo"] = bill_no
        if freight is not UNSET:
            field_dict["freight"] = freight
        if goods_info is not UNSET:
            field_dict["goodsInfo"] = goods_info
        if guid is not UNSET:
            field_dict["guid"] = guid
        if insured_fee is not UNSET:
            field_dict["insuredFee"] = insured_fee
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consignee = d.pop("consignee")

        consignee_address = d.pop("consigneeAddress")

        consignee_telephone = d.pop("consigneeTelephone")

        currency = d.pop("currency")

        logistics_code = d.pop("logisticsCode")

        logistics_name = d.pop("logisticsName")

        logistics_no = d.pop("logisticsNo")

        order_no = d.pop("orderNo")

        pack_no = d.pop("packNo")

        weight = d.pop("weight")

        def _parse_app_status(data: object) -> Literal["2"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            app_status_type_0 = cast(Literal["2"], data)
            if app_status_type_0 != "2":
                raise ValueError(f"appStatus_type_0 must match const '2', got '{app_status_type_0}'")
            return app_status_type_0
            return cast(Literal["2"] | None | Unset, data)

        app_status = _parse_app_status(d.pop("appStatus", UNSET))

        def _parse_app_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        app_time = _parse_app_time(d.pop("appTime", UNSET))

        def _parse_app_type(data: object) -> Literal["1"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            app_type_type_0 = cast(Literal["1"], data)
            if app_type_type_0 != "1":
                raise ValueError(f"appType_type_0 must match const '1', got '{app_type_type_0}'")
            return app_type_type_0
            return cast(Literal["1"] | None | Unset, data)

        app_type = _parse_app_type(d.pop("appType", UNSET))

        def _parse_bill_no(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bill_no = _parse_bill_no(d.pop("billNo", UNSET))

        def _parse_freight(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        freight = _parse_freight(d.pop("freight", UNSET))

        def _parse_goods_info(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        goods_info = _parse_goods_info(d.pop("goodsInfo", UNSET))

        def _parse_guid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        guid = _parse_guid(d.pop("guid", UNSET))

        def _parse_insured_fee(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        insured_fee = _parse_insured_fee(d.pop("insuredFee", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        logistics = cls(
            consignee=consignee,
            consignee_address=consignee_address,
            consignee_telephone=consignee_telephone,
            currency=currency,
            logistics_code=logistics_code,
            logistics_name=logistics_name,
            logistics_no=logistics_no,
            order_no=order_no,
            pack_no=pack_no,
            weight=weight,
            app_status=app_status,
            app_time=app_time,
            app_type=app_type,
            bill_no=bill_no,
            freight=freight,
            goods_info=goods_info,
            guid=guid,
            insured_fee=insured_fee,
            note=note,
        )

        return logistics
