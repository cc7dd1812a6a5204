from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.payment_document_app_type_type_0 import PaymentDocumentAppTypeType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentDocument")


@_attrs_define
class PaymentDocument:
    """CEB411 PaymentHead, sent by the payment company.

    Attributes:
        amount_paid (float | str):
        currency (str):
        ebp_code (str):
        ebp_name (str):
        order_no (str):
        pay_code (str):
        pay_name (str):
        pay_time (str):
        pay_transaction_id (str):
        payer_id_number (str):
        payer_id_type (str):
        payer_name (str):
        app_status (Literal['2'] | None | Unset): 2 = declared.
        app_time (None | str | Unset):
        app_type (None | PaymentDocumentAppTypeType0 | Unset): 1 (or absent) = a new document; sent again unchanged, it
            is answered as before. 2 = a change: replaces the document sent before while its order is not declared.
        guid (None | str | Unset):
        note (None | str | Unset):
        telephone (None | str | Unset):
    """

    amount_paid: float | str
    currency: str
    ebp_code: str
    ebp_name: str
    order_no: str
    pay_code: str
    pay_name: str
    pay_time: str
    pay_transaction_id: str
    payer_id_number: str
    payer_id_type: str
    payer_name: str
    app_status: Literal["2"] | None | Unset = UNSET
    app_time: None | str | Unset = UNSET
    app_type: None | PaymentDocumentAppTypeType0 | Unset = UNSET
    guid: None | str | Unset = UNSET
    note: None | str | Unset = UNSET
    telephone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount_paid: float | str
        amount_paid = self.amount_paid

        currency = self.currency

        ebp_code = self.ebp_code

        ebp_name = self.ebp_name

        order_no = self.order_no

        pay_code = self.pay_code

        pay_name = self.pay_name

        pay_time = self.pay_time

        pay_transaction_id = self.pay_transaction_id

        payer_id_number = self.payer_id_number

        payer_id_type = self.payer_id_type

        payer_name = self.payer_name

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
        elif isinstance(self.app_type, PaymentDocumentAppTypeType0):
            app_type = self.app_type.value
        else:
            app_type = self.app_type

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

        telephone: None | str | Unset
        if isinstance(self.telephone, Unset):
            telephone = UNSET
        else:
            telephone = self.telephone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amountPaid": amount_paid,
                "currency": currency,
                "ebpCode": ebp_code,
                "ebpName": ebp_name,
                "orderNo": order_no,
                "payCode": pay_code,
                "payName": pay_name,
                "payTime": pay_time,
                "payTransactionId": pay_transaction_id,
                "payerIdNumber": payer_id_number,
                "payerIdType": payer_id_type,
                "payerName": payer_name,
            }
        )
        if app_status is not UNSET:
            field_dict["appStatus"] = app_status
        if app_time is not UNSET:
            field_dict["appTime"] = app_time
        if app_type is not UNSET:
            field_dict["appType"] = app_type
        if guid is not UNSET:
            field_dict["guid"] = guid
        if note is not UNSET:
            field_dict["note"] = note
        if telephone is not UNSET:
            field_dict["telephone"] = telephone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_amount_paid(data: object) -> float | str:
            return cast(float | str, data)

        amount_paid = _parse_amount_paid(d.pop("amountPaid"))

        currency = d.pop("currency")

        ebp_code = d.pop("ebpCode")

        ebp_name = d.pop("ebpName")

        order_no = d.pop("orderNo")

        pay_code = d.pop("payCode")

        pay_name = d.pop("payName")

        pay_time = d.pop("payTime")

        pay_transaction_id = d.pop("payTransactionId")

        payer_id_number = d.pop("payerIdNumber")

        payer_id_type = d.pop("payerIdType")

        payer_name = d.pop("payerName")

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

        def _parse_app_type(data: object) -> None | PaymentDocumentAppTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                app_type_type_0 = PaymentDocumentAppTypeType0(data)

                return app_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentDocumentAppTypeType0 | Unset, data)

        app_type = _parse_app_type(d.pop("appType", UNSET))

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

        def _parse_telephone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        telephone = _parse_telephone(d.pop("telephone", UNSET))

        payment_document = cls(
            amount_paid=amount_paid,
            currency=currency,
            ebp_code=ebp_code,
            ebp_name=ebp_name,
            order_no=order_no,
            pay_code=pay_code,
            pay_name=pay_name,
            pay_time=pay_time,
            pay_transaction_id=pay_transaction_id,
            payer_id_number=payer_id_number,
            payer_id_type=payer_id_type,
            payer_name=payer_name,
            app_status=app_status,
            app_time=app_time,
            app_type=app_type,
            guid=guid,
            note=note,
            telephone=telephone,
        )

        return payment_document
