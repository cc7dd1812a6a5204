from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clearance_status import ClearanceStatus

if TYPE_CHECKING:
    from ..models.agency_result import AgencyResult
    from ..models.declaration_action_out import DeclarationActionOut
    from ..models.declaration_set import DeclarationSet
    from ..models.tax_assessed import TaxAssessed


T = TypeVar("T", bound="DeclarationDetail")


@_attrs_define
class DeclarationDetail:
    """
    Attributes:
        agencies (list[AgencyResult]):
        cancellations (list[DeclarationActionOut]):
        ceb_status (int):
        created_at (datetime.datetime):
        documents (DeclarationSet): One retail-import declaration: the three documents for one order.
        dutiable_value (str):
        ebc_code (str):
        ebp_code (str):
        id (str):
        logistics_code (str):
        logistics_no (str):
        order_no (str):
        released_at (datetime.datetime | None): When customs released the goods.
        returns (list[DeclarationActionOut]):
        status (ClearanceStatus):
        tax (None | TaxAssessed): The tax agency's assessment, once made.
        trade_mode (str):
        updated_at (datetime.datetime):
        version (int): Goes up with each amendment; the ETag header quotes it.
    """

    agencies: list[AgencyResult]
    cancellations: list[DeclarationActionOut]
    ceb_status: int
    created_at: datetime.datetime
    documents: DeclarationSet
    dutiable_value: str
    ebc_code: str
    ebp_code: str
    id: str
    logistics_code: str
    logistics_no: str
    order_no: str
    released_at: datetime.datetime | None
    returns: list[DeclarationActionOut]
    status: ClearanceStatus
    tax: None | TaxAssessed
    trade_mode: str
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tax_assessed import TaxAssessed  # noqa: PLC0415

        agencies = []
        for agencies_item_data in self.agencies:
            agencies_item = agencies_item_data.to_dict()
            agencies.append(agencies_item)

        cancellations = []
        for cancellations_item_data in self.cancellations:
            cancellations_item = cancellations_item_data.to_dict()
            cancellations.append(cancellations_item)

        ceb_status = self.ceb_status

        created_at = self.created_at.isoformat()

        documents = self.documents.to_dict()

        dutiable_value = self.dutiable_value

        ebc_code = self.ebc_code

        ebp_code = self.ebp_code

        id = self.id

        logistics_code = self.logistics_code

        logistics_no = self.logistics_no

        order_no = self.order_no

        released_at: None | str
        if isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        returns = []
        for returns_item_data in self.returns:
            returns_item = returns_item_data.to_dict()
            returns.append(returns_item)

        status = self.status.value

        tax: dict[str, Any] | None
        if isinstance(self.tax, TaxAssessed):
            tax = self.tax.to_dict()
        else:
            tax = self.tax

        trade_mode = self.trade_mode

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agencies": agencies,
                "cancellations": cancellations,
                "cebStatus": ceb_status,
                "createdAt": created_at,
                "documents": documents,
                "dutiableValue": dutiable_value,
                "ebcCode": ebc_code,
                "ebpCode": ebp_code,
                "id": id,
                "logisticsCode": logistics_code,
                "logisticsNo": logistics_no,
                "orderNo": order_no,
                "releasedAt": released_at,
                "returns": returns,
                "status": status,
                "tax": tax,
                "tradeMode": trade_mode,
                "updatedAt": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agency_result import AgencyResult  # noqa: PLC0415
        from ..models.declaration_action_out import DeclarationActionOut  # noqa: PLC0415
        from ..models.declaration_set import DeclarationSet  # noqa: PLC0415
        from ..models.tax_assessed import TaxAssessed  # noqa: PLC0415

        d = dict(src_dict)
        agencies = []
        _agencies = d.pop("agencies")
        for agencies_item_data in _agencies:
            agencies_item = AgencyResult.from_dict(agencies_item_data)

            agencies.append(agencies_item)

        cancellations = []
        _cancellations = d.pop("cancellations")
        for cancellations_item_data in _cancellations:
            cancellations_item = DeclarationActionOut.from_dict(cancellations_item_data)

            cancellations.append(cancellations_item)

        ceb_status = d.pop("cebStatus")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        documents = DeclarationSet.from_dict(d.pop("documents"))

        dutiable_value = d.pop("dutiableValue")

        ebc_code = d.pop("ebcCode")

        ebp_code = d.pop("ebpCode")

        id = d.pop("id")

        logistics_code = d.pop("logisticsCode")

        logistics_no = d.pop("logisticsNo")

        order_no = d.pop("orderNo")

        def _parse_released_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        released_at = _parse_released_at(d.pop("releasedAt"))

        returns = []
        _returns = d.pop("returns")
        for returns_item_data in _returns:
            returns_item = DeclarationActionOut.from_dict(returns_item_data)

            returns.append(returns_item)

        status = ClearanceStatus(d.pop("status"))

        def _parse_tax(data: object) -> None | TaxAssessed:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tax_type_0 = TaxAssessed.from_dict(data)

                return tax_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaxAssessed, data)

        tax = _parse_tax(d.pop("tax"))

        trade_mode = d.pop("tradeMode")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        version = d.pop("version")

        declaration_detail = cls(
            agencies=agencies,
            cancellations=cancellations,
            ceb_status=ceb_status,
            created_at=created_at,
            documents=documents,
            dutiable_value=dutiable_value,
            ebc_code=ebc_code,
            ebp_code=ebp_code,
            id=id,
            logistics_code=logistics_code,
            logistics_no=logistics_no,
            order_no=order_no,
            released_at=released_at,
            returns=returns,
            status=status,
            tax=tax,
            trade_mode=trade_mode,
            updated_at=updated_at,
            version=version,
        )

        declaration_detail.additional_properties = d
        return declaration_detail

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
