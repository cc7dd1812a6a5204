"""Test data: valid declarations for the demo parties, and their registrations."""

import random
from typing import Any

from app import demo
from app.domain.clearance import Agency
from app.store import enterprises


def register_everywhere(engine: Any, customs_codes: list[str]) -> None:
    """Record every agency's registration of these filings, as their answers would."""
    for agency in Agency:
        enterprises.record_registrations(
            engine, agency, {code: f"{agency.upper()[:3]}{code}" for code in customs_codes}
        )


class Declarations:
    """Valid declarations for the filed demo parties; tests break them on purpose."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.serial = 0

    def filings(self) -> list[dict[str, Any]]:
        return [filing.body(self.rng) for filing in demo.DEMO_PARTIES.filings()]

    def buyer(self) -> demo.Buyer:
        return demo.make_buyer(self.rng)

    def valid(self, **options: Any) -> dict[str, Any]:
        self.serial += 1
        return demo.make_declaration(
            self.rng,
            order_no=f"ORD{self.serial:08d}",
            logistics_no=f"SF{self.serial:010d}",
            **options,
        )
