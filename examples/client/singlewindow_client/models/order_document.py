from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.order_document_app_type_type_0 import OrderDocumentAppTypeType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_document_item import OrderDocumentItem


T = TypeVar("T", bound="OrderDocument")


@_attrs_define
class OrderDocument:
    """CEB311 OrderHead and its lines, sent by the platform or the e-commerce company.

    Attributes:
        actural_paid (float | str): goodsValue + freight + taxTotal − discount.
        buyer_id_number (str):
        buyer_id_type (str):
        buyer_name (str):
        buyer_reg_no (str):
        buyer_telephone (str):
        consignee (str):
        consignee_address (str):
        consignee_telephone (str):
        currency (str):
        discount (float | str):
        ebc_code (str):
        ebc_name (str):
        ebp_code (str):
        ebp_name (str):
        freight (float | str):
        goods_value (float | str):
        items (list[OrderDocumentItem]):
        order_no (str):
        tax_total (float | str):
        app_status (Literal['2'] | None | Unset): 2 = declared.
        app_time (None | str | Unset):
        app_type (None | OrderDocumentAppTypeType0 | Unset): 1 (or absent) = a new document; sent again unchanged, it is
            answered as before. 2 = a change: replaces the document sent before while its order is not declared.
        batch_numbers (None | str | Unset):
        consignee_district (None | str | Unset):
        guid (None | str | Unset):
        note (None | str | Unset):
        order_type (Literal['I'] | Unset):  Default: 'I'.
        pay_code (None | str | Unset):
        pay_name (None | str | Unset):
        pay_transaction_id (None | str | Unset):
    """

    actural_paid: float | str
    buyer_id_number: str
    buyer_id_type: str
    buyer_name: str
    buyer_reg_no: str
    buyer_telephone: str
    consignee: str
    consignee_address: str
    consignee_telephone: str
    currency: str
    discount: float | str
    ebc_code: str
    ebc_name: str
    ebp_code: str
    ebp_name: str
    freight: float | str
    goods_value: float | str
    items: list[OrderDocumentItem]
    order_no: str
    tax_total: float | str
    app_status: Literal["2"] | None | Unset = UNSET
    app_time: None | str | Unset = UNSET
    app_type: None | OrderDocumentAppTypeType0 | Unset = UNSET
    batch_numbers: None | str | Unset = UNSET
    consignee_district: None | str | Unset = UNSET
    guid: None | str | Unset = UNSET
    note: None | str | Unset = UNSET
    order_type: Literal["I"] | Unset = "I"
    pay_code: None | str | Unset = UNSET
    pay_name: None | str | Unset = UNSET
    pay_transaction_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        actural_paid: float | str
        actural_paid = self.actural_paid

        buyer_id_number = self.buyer_id_number

        buyer_id_type = self.buyer_id_type

        buyer_name = self.buyer_name

        buyer_reg_no = self.buyer_reg_no

        buyer_telephone = self.buyer_telephone

        consignee = self.consignee

        consignee_address = self.consignee_address

        consignee_telephone = self.consignee_telephone

        currency = self.currency

        discount: float | str
        discount = self.discount

        ebc_code = self.ebc_code

        ebc_name = self.ebc_name

        ebp_code = self.ebp_code

        ebp_name = self.ebp_name

        freight: float | str
        freight = self.freight

        goods_value: float | str
        goods_value = self.goods_value

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        order_no = self.order_no

        tax_total: float | str
        tax_total = self.tax_total

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

        app_type: None | str | Unset
        if isinstance(self.app_type, Unset):
            app_type = UNSET
        elif isinstance(self.app_type, OrderDocumentAppTypeType0):
            app_type = self.app_type.value
        else:
            app_type = self.app_type

        batch_numbers: None | str | Unset
        if isinstance(self.batch_numbers, Unset):
            batch_numbers = UNSET
        else:
            batch_numbers = self.batch_numbers

        consignee_district: None | str | Unset
        if isinstance(self.consignee_district, Unset):
            consignee_district = UNSET
        else:
            consignee_district = self.consignee_district

        guid: None | str | Unset
        if isinstance(self.guid, Unset):
            guid = UNSET
        else:
            guid = self.guid

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        order_type = self.order_type

        pay_code: None | str | Unset
        if isinstance(self.pay_code, Unset):
            pay_code = UNSET
        else:
            pay_code = self.pay_code

        pay_name: None | str | Unset
        if isinstance(self.pay_name, Unset):
            pay_name = UNSET
        else:
            pay_name = self.pay_name

        pay_transaction_id: None | str | Unset
        if isinstance(self.pay_transaction_id, Unset):
            pay_transaction_id = UNSET
        else:
            pay_transaction_id = self.pay_transaction_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "acturalPaid": actural_paid,
                "buyerIdNumber": buyer_id_number,
                "buyerIdType": buyer_id_type,
                "buyerName": buyer_name,
                "buyerRegNo": buyer_reg_no,
                "buyerTelephone": buyer_telephone,
                "consignee": consignee,
                "consigneeAddress": consignee_address,
                "consigneeTelephone": consignee_telephone,
                "currency": currency,
                "discount": discount,
                "ebcCode": ebc_code,
                "ebcName": ebc_name,
                "ebpCode": ebp_code,
                "ebpName": ebp_name,
                "freight": freight,
                "goodsValue": goods_value,
                "items": items,
                "orderNo": order_no,
                "taxTotal": tax_total,
            }
        )
        if app_status is not UNSET:
            field_dict["appStatus"] = app_status
        if app_time is not UNSET:
            field_dict["appTime"] = app_time
        if app_type is not UNSET:
            field_dict["appType"] = app_type
        if batch_numbers is not UNSET:
            field_dict["batchNumbers"] = batch_numbers
        if consignee_district is not UNSET:
            field_dict["consigneeDistrict"] = consignee_district
        if guid is not UNSET:
            field_dict["guid"] = guid
        if note is not UNSET:
            field_dict["note"] = note
        if order_type is not UNSET:
            field_dict["orderType"] = order_type
        if pay_code is not UNSET:
            field_dict["payCode"] = pay_code
        if pay_name is not UNSET:
            field_dict["payName"] = pay_name
        if pay_transaction_id is not UNSET:
            field_dict["payTransactionId"] = pay_transaction_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_document_item import OrderDocumentItem  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actural_paid(data: object) -> float | str:
            return cast(float | str, data)

        actural_paid = _parse_actural_paid(d.pop("acturalPaid"))

        buyer_id_number = d.pop("buyerIdNumber")

        buyer_id_type = d.pop("buyerIdType")

        buyer_name = d.pop("buyerName")

        buyer_reg_no = d.pop("buyerRegNo")

        buyer_telephone = d.pop("buyerTelephone")

        consignee = d.pop("consignee")

        consignee_address = d.pop("consigneeAddress")

        consignee_telephone = d.pop("consigneeTelephone")

        currency = d.pop("currency")

        def _parse_discount(data: object) -> float | str:
            return cast(float | str, data)

        discount = _parse_discount(d.pop("discount"))

        ebc_code = d.pop("ebcCode")

        ebc_name = d.pop("ebcName")

        ebp_code = d.pop("ebpCode")

        ebp_name = d.pop("ebpName")

        def _parse_freight(data: object) -> float | str:
            return cast(float | str, data)

        freight = _parse_freight(d.pop("freight"))

        def _parse_goods_value(data: object) -> float | str:
            return cast(float | str, data)

        goods_value = _parse_goods_value(d.pop("goodsValue"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = OrderDocumentItem.from_dict(items_item_data)

            items.append(items_item)

        order_no = d.pop("orderNo")

        def _parse_tax_total(data: object) -> float | str:
            return cast(float | str, data)

        tax_total = _parse_tax_total(d.pop("taxTotal"))

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

        def _parse_app_type(data: object) -> None | OrderDocumentAppTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                app_type_type_0 = OrderDocumentAppTypeType0(data)

                return app_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderDocumentAppTypeType0 | Unset, data)

        app_type = _parse_app_type(d.pop("appType", UNSET))

        def _parse_batch_numbers(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        batch_numbers = _parse_batch_numbers(d.pop("batchNumbers", UNSET))

        def _parse_consignee_district(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        consignee_district = _parse_consignee_district(d.pop("consigneeDistrict", UNSET))

        def _parse_guid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        guid = _parse_guid(d.pop("guid", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        order_type = cast(Literal["I"] | Unset, d.pop("orderType", UNSET))
        if order_type != "I" and not isinstance(order_type, Unset):
            raise ValueError(f"orderType must match const 'I', got '{order_type}'")

        def _parse_pay_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pay_code = _parse_pay_code(d.pop("payCode", UNSET))

        def _parse_pay_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pay_name = _parse_pay_name(d.pop("payName", UNSET))

        def _parse_pay_transaction_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pay_transaction_id = _parse_pay_transaction_id(d.pop("payTransactionId", UNSET))

        order_document = cls(
            actural_paid=actural_paid,
            buyer_id_number=buyer_id_number,
            buyer_id_type=buyer_id_type,
            buyer_name=buyer_name,
            buyer_reg_no=buyer_reg_no,
            buyer_telephone=buyer_telephone,
            consignee=consignee,
            consignee_address=consignee_address,
            consignee_telephone=consignee_telephone,
            currency=currency,
            discount=discount,
            ebc_code=ebc_code,
            ebc_name=ebc_name,
            ebp_code=ebp_code,
            ebp_name=ebp_name,
            freight=freight,
            goods_value=goods_value,
            items=items,
            order_no=order_no,
            tax_total=tax_total,
            app_status=app_status,
            app_time=app_time,
            app_type=app_type,
            batch_numbers=batch_numbers,
            consignee_district=consignee_district,
            guid=guid,
            note=note,
            order_type=order_type,
            pay_code=pay_code,
            pay_name=pay_name,
            pay_transaction_id=pay_transaction_id,
        )

        return order_document
