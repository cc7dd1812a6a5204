"""`singlewindow keys create`: keys issued straight in the database, printed once."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.main import create_app
from tests.support.factories import Declarations
from tests.support.service import quiet_settings


@pytest.fixture
def runner(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SW_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def key_printed(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_keys_made_on_the_command_line_work_over_http(
    runner: CliRunner, sqlite_url: str, declarations: Declarations
) -> None:
    admin = runner.invoke(cli, ["keys", "create", "--admin", "--label", "ops"])
    assert admin.exit_code == 0, admin.output
    customs = runner.invoke(cli, ["keys", "create", "--regulator", "customs"])
    assert customs.exit_code == 0, customs.output
    with TestClient(create_app(quiet_settings(sqlite_url))) as client:
        as_admin = {"Authorization": f"Bearer {key_printed(admin.output)}"}
        body = declarations.filings()[0]
        assert client.post("/v1/enterprises", json=body, headers=as_admin).status_code == 201
        as_customs = {"Authorization": f"Bearer {key_printed(customs.output)}"}
        assert client.get("/v1/regulator/enterprises", headers=as_customs).status_code == 200
        assert client.post("/v1/enterprises", json=body, headers=as_customs).status_code == 403

    enterprise = runner.invoke(cli, ["keys", "create", "--enterprise", body["customsCode"]])
    assert enterprise.exit_code == 0, enterprise.output
    assert key_printed(enterprise.output).startswith("sw_e_")


def test_keys_create_refuses_what_it_cannot_issue(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["keys", "create"]).exit_code != 0
    assert runner.invoke(cli, ["keys", "create", "--admin", "--regulator", "tax"]).exit_code != 0
    assert runner.invoke(cli, ["keys", "create", "--regulator", "police"]).exit_code != 0
    unfiled = runner.invoke(cli, ["keys", "create", "--enterprise", "9999999999"])
    assert unfiled.exit_code == 1
    assert "No enterprise is filed" in unfiled.output
