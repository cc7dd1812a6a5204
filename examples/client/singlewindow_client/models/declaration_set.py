from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.declaration_set_trademode import DeclarationSetTrademode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.logistics import Logistics
    from ..models.order import Order
    from ..models.payment import Payment


T = TypeVar("T", bound="DeclarationSet")


@_attrs_define
class DeclarationSet:
    """One retail-import declaration: the three documents for one order.

    Attributes:
        logistics (Logistics): CEB511 LogisticsHead (the waybill).
        order (Order): CEB311 OrderHead and its lines.
        payment (Payment): CEB411 PaymentHead.
        customs_code (None | str | Unset):
        port_code (None | str | Unset):
        trade_mode (DeclarationSetTrademode | Unset): 9610 direct purchase, 1210 bonded. Default:
            DeclarationSetTrademode.VALUE_0.
    """

    logistics: Logistics
    order: Order
    payment: Payment
    customs_code: None | str | Unset = UNSET
    port_code: None | str | Unset = UNSET
    trade_mode: DeclarationSetTrademode | Unset = DeclarationSetTrademode.VALUE_0

    def to_dict(self) -> dict[str, Any]:
        logistics = self.logistics.to_dict()

        order = self.order.to_dict()

        payment = self.payment.to_dict()

        customs_code: None | str | Unset
        if isinstance(self.customs_code, Unset):
            customs_code = UNSET
        else:
            customs_code = self.customs_code

        port_code: None | str | Unset
        if isinstance(self.port_code, Unset):
            port_code = UNSET
        else:
            port_code = self.port_code

        trade_mode: str | Unset = UNSET
        if not isinstance(self.trade_mode, Unset):
            trade_mode = self.trade_mode.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "logistics": logistics,
                "order": order,
                "payment": payment,
            }
        )
        if customs_code is not UNSET:
            field_dict["customsCode"] = customs_code
        if port_code is not UNSET:
            field_dict["portCode"] = port_code
        if trade_mode is not UNSET:
            field_dict["tradeMode"] = trade_mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.logistics import Logistics  # noqa: PLC0415
        from ..models.order import Order  # noqa: PLC0415
        from ..models.payment import Payment  # noqa: PLC0415

        d = dict(src_dict)
        logistics = Logistics.from_dict(d.pop("logistics"))

        order = Order.from_dict(d.pop("order"))

        payment = Payment.from_dict(d.pop("payment"))

        def _parse_customs_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customs_code = _parse_customs_code(d.pop("customsCode", UNSET))

        def _parse_port_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        port_code = _parse_port_code(d.pop("portCode", UNSET))

        _trade_mode = d.pop("tradeMode", UNSET)
        trade_mode: DeclarationSetTrademode | Unset
        if isinstance(_trade_mode, Unset):
            trade_mode = UNSET
        else:
            trade_mode = DeclarationSetTrademode(_trade_mode)

        declaration_set = cls(
            logistics=logistics,
            order=order,
            payment=payment,
            customs_code=customs_code,
            port_code=port_code,
            trade_mode=trade_mode,
        )

        return declaration_set
