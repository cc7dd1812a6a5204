"""Production refuses to start with a weak admin key, with SQLite, or with the rate limits
off, and names every such problem at once; `singlewindow serve` says so in a few lines and
exits non-zero, without a traceback and without echoing the values given."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.config import Settings

PROJECT = Path(__file__).resolve().parents[2]
AGENCIES = ("customs", "inspection", "tax", "forex")
POSTGRES = "postgresql+psycopg://singlewindow@db.internal/singlewindow"
# Made once with `singlewindow keys create --admin`-style randomness, kept fixed here.
STRONG_KEYS = (
    "sw_a_Jq3vX9pLm2Rt7YwKc4Nz8HbGf1DsUeVo6TiA5kMxQyE",
    "Zr8kQw2LxN5vB7mT3cYp9HsJ4fGd6aRe1UoKiWz0XnM=",  # openssl rand -base64 32
    "9f2c4e7a1b8d3f6e0a5c2b7d4e9f1a3c6b8d0e2f4a7c9b1d3e5f7a0c2e4b6d8f",  # -hex 32
)
WEAK_KEYS = {
    "development": "sw_dev_admin_" + "Jq3vX9pLm2Rt7YwKc4Nz8HbGf1DsUeVo6TiA5kM",
    "short": "Jq3vX9pLm2Rt7YwK",
    "one letter": "a" * 40,
    "counting": "0123456789abcdefghijklmnopqrstuvwxyz",
    "a word": "changeme-changeme-changeme-changeme",
    "a pattern": "abcabcabcabcabcabcabcabcabcabcabcabc",
    "the test suite's": "sw_a_test-admin-key-0123456789abcdefghijklmnop",
}


def production(**overrides: Any) -> dict[str, Any]:
    """Settings production accepts, with ``overrides``."""
    good: dict[str, Any] = {
        "environment": "production",
        "database_url": POSTGRES,
        "bootstrap_admin_key": STRONG_KEYS[0],
        "audit_signing_key": "audit-" + "k" * 40,
        "ceb_signing_key_file": "/etc/singlewindow/ceb-key.pem",
        "ceb_certificate_file": "/etc/singlewindow/ceb-certificate.pem",
        **{f"{agency}_secret": f"{agency}-" + "s" * 40 for agency in AGENCIES},
    }
    return good | overrides


def refusal(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        Settings.model_validate(production(**overrides))
    message = str(refused.value)
    assert "refusing to start in production" in message
    return message


@pytest.mark.parametrize("key", STRONG_KEYS)
def test_production_starts_with_postgresql_rate_limits_and_a_random_admin_key(key: str) -> None:
    settings = Settings.model_validate(production(bootstrap_admin_key=key))
    assert settings.environment == "production"
    # Or with no admin key at all (keys made with `singlewindow keys create`).
    assert Settings.model_validate(production(bootstrap_admin_key=None))


@pytest.mark.parametrize("key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_a_weak_admin_key_is_refused(key: str) -> None:
    assert "SW_BOOTSTRAP_ADMIN_KEY" in refusal(bootstrap_admin_key=key)


def test_sqlite_is_refused() -> None:
    assert "SW_DATABASE_URL is SQLite" in refusal(database_url="sqlite:///./singlewindow.db")


def test_rate_limits_off_are_refused() -> None:
    assert "SW_RATE_LIMIT_ENABLED" in refusal(rate_limit_enabled=False)


def test_every_problem_is_named_at_once() -> None:
    message = refusal(
        bootstrap_admin_key="short",  # under the length a key needs, too
        database_url="sqlite:///./singlewindow.db",
        rate_limit_enabled=False,
        open_filing=True,
        customs_secret="dev-customs-secret",
    )
    for named in (
        "SW_BOOTSTRAP_ADMIN_KEY is under 32 characters",
        "SW_DATABASE_URL",
        "SW_RATE_LIMIT_ENABLED",
        "SW_OPEN_FILING",
        "SW_CUSTOMS_SECRET",
    ):
        assert named in message
    assert "SW_TAX_SECRET" not in message


def test_development_still_refuses_a_short_admin_key_and_allows_the_rest() -> None:
    with pytest.raises(ValidationError, match="under 32 characters"):
        Settings(bootstrap_admin_key="short")
    assert Settings(database_url="sqlite://", rate_limit_enabled=False)


def test_serve_exits_non_zero_naming_each_problem(tmp_path: Path) -> None:
    weak_key = WEAK_KEYS["one letter"]
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("SW_")
    } | {
        "PYTHONPATH": str(PROJECT),
        "SW_ENVIRONMENT": "production",
        "SW_BOOTSTRAP_ADMIN_KEY": weak_key,
        "SW_DATABASE_URL": f"sqlite:///{tmp_path}/singlewindow.db",
        "SW_RATE_LIMIT_ENABLED": "false",
    }
    started = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", "1"],
        cwd=tmp_path,  # no .env file here
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode == 2, started.stdout + started.stderr
    said = started.stderr
    assert "refusing to start in production" in said
    for named in ("SW_BOOTSTRAP_ADMIN_KEY", "SW_DATABASE_URL", "SW_RATE_LIMIT_ENABLED"):
        assert named in said
    assert "Traceback" not in said
    assert weak_key not in said + started.stdout
    assert len(said.splitlines()) < 20
