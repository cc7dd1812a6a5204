"""Key look-ups: remembered for a while, and made once for callers arriving together."""

import asyncio
import time
from typing import Any

import pytest

from app import auth
from app.store import keys
from app.store.models import ApiKey
from tests.support.service import quiet_settings


def test_callers_arriving_together_share_one_look_up(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def find_active(_engine: Any, key_hash: str) -> keys.KeyHolder:
        calls.append(key_hash)
        time.sleep(0.05)  # a slow database
        key = ApiKey(
            id="k1", prefix="sw_r_x", key_hash=key_hash, kind="regulator", agency="tax",
            created_by="test",
        )  # fmt: skip
        return keys.KeyHolder(key, None)

    monkeypatch.setattr(keys, "find_active", find_active)
    authenticator = auth.Authenticator(None, quiet_settings("sqlite://"))  # type: ignore[arg-type]

    async def many() -> list[auth.Principal]:
        return await asyncio.gather(
            *(authenticator.authenticate("Bearer sw_r_secret") for _ in range(20))
        )

    principals = asyncio.run(many())
    assert len(calls) == 1
    assert {p.actor for p in principals} == {"regulator:tax:k1"}
    asyncio.run(many())
    assert len(calls) == 1, "remembered for SW_KEY_CACHE_SECONDS"
    authenticator.forget("k1")
    asyncio.run(many())
    assert len(calls) == 2, "forgotten at once when revoked here"
