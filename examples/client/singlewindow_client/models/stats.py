from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.after_release import AfterRelease
    from ..models.clearance_times import ClearanceTimes
    from ..models.day_count import DayCount
    from ..models.ranked import Ranked
    from ..models.stats_byagency import StatsByagency
    from ..models.stats_bystatus import StatsBystatus
    from ..models.stats_refusalsbycode import StatsRefusalsbycode


T = TypeVar("T", bound="Stats")


@_attrs_define
class Stats:
    """
    Attributes:
        after_release (AfterRelease): Cancellations and returns finished in the period (by when they finished, not when
            their declarations were created), what they refunded and gave back to buyers'
            annual quotas.
        by_agency (StatsByagency):
        by_day (list[DayCount]):
        by_status (StatsBystatus):
        clearance_seconds (ClearanceTimes): Seconds from acceptance to release, over the cleared declarations;
            continuous
            percentiles (interpolated between neighbouring values, as ``percentile_cont``).
        created_from (datetime.datetime):
        created_to (datetime.datetime):
        declarations (int):
        declared_value (str):
        refusals_by_code (StatsRefusalsbycode):
        tax_total (str):
        top_countries_by_lines (list[Ranked]):
        top_countries_by_value (list[Ranked]):
        top_hs_chapters_by_lines (list[Ranked]):
        top_hs_chapters_by_value (list[Ranked]):
    """

    after_release: AfterRelease
    by_agency: StatsByagency
    by_day: list[DayCount]
    by_status: StatsBystatus
    clearance_seconds: ClearanceTimes
    created_from: datetime.datetime
    created_to: datetime.datetime
    declarations: int
    declared_value: str
    refusals_by_code: StatsRefusalsbycode
    tax_total: str
    top_countries_by_lines: list[Ranked]
    top_countries_by_value: list[Ranked]
    top_hs_chapters_by_lines: list[Ranked]
    top_hs_chapters_by_value: list[Ranked]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        after_release = self.after_release.to_dict()

        by_agency = self.by_agency.to_dict()

        by_day = []
        for by_day_item_data in self.by_day:
            by_day_item = by_day_item_data.to_dict()
            by_day.append(by_day_item)

        by_status = self.by_status.to_dict()

        clearance_seconds = self.clearance_seconds.to_dict()

        created_from = self.created_from.isoformat()

        created_to = self.created_to.isoformat()

        declarations = self.declarations

        declared_value = self.declared_value

        refusals_by_code = self.refusals_by_code.to_dict()

        tax_total = self.tax_total

        top_countries_by_lines = []
        for top_countries_by_lines_item_data in self.top_countries_by_lines:
            top_countries_by_lines_item = top_countries_by_lines_item_data.to_dict()
            top_countries_by_lines.append(top_countries_by_lines_item)

        top_countries_by_value = []
        for top_countries_by_value_item_data in self.top_countries_by_value:
            top_countries_by_value_item = top_countries_by_value_item_data.to_dict()
            top_countries_by_value.append(top_countries_by_value_item)

        top_hs_chapters_by_lines = []
        for top_hs_chapters_by_lines_item_data in self.top_hs_chapters_by_lines:
            top_hs_chapters_by_lines_item = top_hs_chapters_by_lines_item_data.to_dict()
            top_hs_chapters_by_lines.append(top_hs_chapters_by_lines_item)

        top_hs_chapters_by_value = []
        for top_hs_chapters_by_value_item_data in self.top_hs_chapters_by_value:
            top_hs_chapters_by_value_item = top_hs_chapters_by_value_item_data.to_dict()
            top_hs_chapters_by_value.append(top_hs_chapters_by_value_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "afterRelease": after_release,
                "byAgency": by_agency,
                "byDay": by_day,
                "byStatus": by_status,
                "clearanceSeconds": clearance_seconds,
                "createdFrom": created_from,
                "createdTo": created_to,
                "declarations": declarations,
                "declaredValue": declared_value,
                "refusalsByCode": refusals_by_code,
                "taxTotal": tax_total,
                "topCountriesByLines": top_countries_by_lines,
                "topCountriesByValue": top_countries_by_value,
                "topHsChaptersByLines": top_hs_chapters_by_lines,
                "topHsChaptersByValue": top_hs_chapters_by_value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.after_release import AfterRelease  # noqa: PLC0415
        from ..models.clearance_times import ClearanceTimes  # noqa: PLC0415
        from ..models.day_count import DayCount  # noqa: PLC0415
        from ..models.ranked import Ranked  # noqa: PLC0415
        from ..models.stats_byagency import StatsByagency  # noqa: PLC0415
        from ..models.stats_bystatus import StatsBystatus  # noqa: PLC0415
        from ..models.stats_refusalsbycode import StatsRefusalsbycode  # noqa: PLC0415

        d = dict(src_dict)
        after_release = AfterRelease.from_dict(d.pop("afterRelease"))

        by_agency = StatsByagency.from_dict(d.pop("byAgency"))

        by_day = []
        _by_day = d.pop("byDay")
        for by_day_item_data in _by_day:
            by_day_item = DayCount.from_dict(by_day_item_data)

            by_day.append(by_day_item)

        by_status = StatsBystatus.from_dict(d.pop("byStatus"))

        clearance_seconds = ClearanceTimes.from_dict(d.pop("clearanceSeconds"))

        created_from = datetime.datetime.fromisoformat(d.pop("createdFrom"))

        created_to = datetime.datetime.fromisoformat(d.pop("createdTo"))

        declarations = d.pop("declarations")

        declared_value = d.pop("declaredValue")

        refusals_by_code = StatsRefusalsbycode.from_dict(d.pop("refusalsByCode"))

        tax_total = d.pop("taxTotal")

        top_countries_by_lines = []
        _top_countries_by_lines = d.pop("topCountriesByLines")
        for top_countries_by_lines_item_data in _top_countries_by_lines:
            top_countries_by_lines_item = Ranked.from_dict(top_countries_by_lines_item_data)

            top_countries_by_lines.append(top_countries_by_lines_item)

        top_countries_by_value = []
        _top_countries_by_value = d.pop("topCountriesByValue")
        for top_countries_by_value_item_data in _top_countries_by_value:
            top_countries_by_value_item = Ranked.from_dict(top_countries_by_value_item_data)

            top_countries_by_value.append(top_countries_by_value_item)

        top_hs_chapters_by_lines = []
        _top_hs_chapters_by_lines = d.pop("topHsChaptersByLines")
        for top_hs_chapters_by_lines_item_data in _top_hs_chapters_by_lines:
            top_hs_chapters_by_lines_item = Ranked.from_dict(top_hs_chapters_by_lines_item_data)

            top_hs_chapters_by_lines.append(top_hs_chapters_by_lines_item)

        top_hs_chapters_by_value = []
        _top_hs_chapters_by_value = d.pop("topHsChaptersByValue")
        for top_hs_chapters_by_value_item_data in _top_hs_chapters_by_value:
            top_hs_chapters_by_value_item = Ranked.from_dict(top_hs_chapters_by_value_item_data)

            top_hs_chapters_by_value.append(top_hs_chapters_by_value_item)

        stats = cls(
            after_release=after_release,
            by_agency=by_agency,
            by_day=by_day,
            by_status=by_status,
            clearance_seconds=clearance_seconds,
            created_from=created_from,
            created_to=created_to,
            declarations=declarations,
            declared_value=declared_value,
            refusals_by_code=refusals_by_code,
            tax_total=tax_total,
            top_countries_by_lines=top_countries_by_lines,
            top_countries_by_value=top_countries_by_value,
            top_hs_chapters_by_lines=top_hs_chapters_by_lines,
            top_hs_chapters_by_value=top_hs_chapters_by_value,
        )

        stats.additional_properties = d
        return stats

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
