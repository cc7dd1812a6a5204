"""The clearance state machine: any order of receipts, duplicates included, ends in the
same status as the receipts in the order the agencies sent them."""

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.clearance import (
    CEB_STATUS,
    Agency,
    AgencyStatus,
    ClearanceStatus,
    advances,
    fold,
    next_status,
)

A, S, C = Agency, AgencyStatus, ClearanceStatus
Receipt = tuple[Agency, AgencyStatus]

# What each agency may say about one declaration, in the order it says it.
STORIES: dict[Agency, list[list[AgencyStatus]]] = {
    A.CUSTOMS: [
        [S.ACKNOWLEDGED, S.RELEASED],
        [S.ACKNOWLEDGED, S.INSPECTION, S.RELEASED],
        [S.ACKNOWLEDGED, S.INSPECTION, S.DETAINED],
        [S.ACKNOWLEDGED, S.REJECTED],
    ],
    A.INSPECTION: [
        [S.ACKNOWLEDGED, S.PASSED],
        [S.ACKNOWLEDGED, S.INSPECTION, S.PASSED],
        [S.ACKNOWLEDGED, S.REJECTED],
    ],
    A.TAX: [[S.ACKNOWLEDGED, S.ASSESSED], [S.ACKNOWLEDGED, S.REJECTED]],
    A.FOREX: [[S.ACKNOWLEDGED, S.RECORDED], [S.ACKNOWLEDGED, S.REJECTED]],
}


def replay(receipts: Sequence[Receipt]) -> tuple[ClearanceStatus, list[ClearanceStatus]]:
    """Apply receipts as the service does; answer the end status and the path to it."""
    statuses = {agency: S.PENDING for agency in Agency}
    current = C.ACCEPTED
    path = [current]
    for agency, status in receipts:
        if advances(statuses[agency], status):
            statuses[agency] = status
            current = next_status(current, fold(statuses))
            if current != path[-1]:
                path.append(current)
    return current, path


@st.composite
def told_and_delivered(draw: st.DrawFn) -> tuple[list[Receipt], list[Receipt]]:
    """The receipts in the order sent, and as delivered: shuffled, some twice."""
    sent = [
        (agency, status)
        for agency, stories in STORIES.items()
        for status in draw(st.sampled_from(stories))
    ]
    duplicates = draw(st.lists(st.sampled_from(sent), max_size=6))
    delivered = draw(st.permutations(sent + duplicates))
    return sent, list(delivered)


@given(told_and_delivered())
def test_any_order_of_receipts_ends_in_the_same_status(
    receipts: tuple[list[Receipt], list[Receipt]],
) -> None:
    sent, delivered = receipts
    assert replay(delivered)[0] == replay(sent)[0]


# The order a declaration may pass through; a final outcome is only replaced by a graver one.
FORWARD = [C.ACCEPTED, C.IN_REVIEW, C.INSPECTION, C.CLEARED, C.REJECTED, C.DETAINED]


@given(told_and_delivered())
def test_the_status_never_moves_backwards(
    receipts: tuple[list[Receipt], list[Receipt]],
) -> None:
    _, path = replay(receipts[1])
    positions = [FORWARD.index(status) for status in path]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)


def test_every_agency_clearing_clears_the_declaration() -> None:
    cleared = {
        A.CUSTOMS: S.RELEASED,
        A.INSPECTION: S.PASSED,
        A.TAX: S.ASSESSED,
        A.FOREX: S.RECORDED,
    }
    assert fold(cleared) == C.CLEARED


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({}, C.ACCEPTED),
        ({A.CUSTOMS: S.ACKNOWLEDGED}, C.IN_REVIEW),
        ({A.CUSTOMS: S.RELEASED, A.TAX: S.ASSESSED}, C.IN_REVIEW),
        ({A.CUSTOMS: S.INSPECTION, A.TAX: S.ASSESSED}, C.INSPECTION),
        ({A.INSPECTION: S.INSPECTION}, C.INSPECTION),
        ({A.TAX: S.REJECTED, A.CUSTOMS: S.RELEASED}, C.REJECTED),
        ({A.FOREX: S.REJECTED, A.CUSTOMS: S.DETAINED}, C.DETAINED),
    ],
)
def test_fold(statuses: dict[Agency, AgencyStatus], expected: ClearanceStatus) -> None:
    everyone = {agency: S.PENDING for agency in Agency} | statuses
    assert fold(everyone) == expected


def test_an_inspection_holds_until_it_ends() -> None:
    assert next_status(C.INSPECTION, C.IN_REVIEW) == C.INSPECTION
    assert next_status(C.INSPECTION, C.CLEARED) == C.CLEARED
    assert next_status(C.INSPECTION, C.DETAINED) == C.DETAINED


def test_a_decision_stands_against_later_contradictions() -> None:
    assert not advances(S.RELEASED, S.REJECTED)
    assert not advances(S.INSPECTION, S.ACKNOWLEDGED)
    assert advances(S.INSPECTION, S.RELEASED)


def test_every_status_has_a_ceb_code() -> None:
    assert set(CEB_STATUS) == set(ClearanceStatus)
    assert CEB_STATUS[C.ACCEPTED] == 120
    assert CEB_STATUS[C.CLEARED] == 800
    assert CEB_STATUS[C.INSPECTION] == 500
    assert CEB_STATUS[C.REJECTED] == 100
