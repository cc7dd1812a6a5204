"""`singlewindow ceb validate | to-json | from-json`: a valid message passes, an invalid
one exits with status 1 and every violation on stderr; to-json and from-json undo each
other."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.ceb import xml
from app.ceb.messages import read_message
from app.cli import cli
from app.config import get_settings
from tests.support.ceb import sample, xsd_dir


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SW_CEB_XSD_DIR", str(xsd_dir()))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def write(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_validate_a_valid_message(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "order.xml", sample("CEB311"))
    result = runner.invoke(cli, ["ceb", "validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "valid CEB311Message" in result.stdout


def test_validate_names_every_violation_on_stderr(runner: CliRunner, tmp_path: Path) -> None:
    body = sample("CEB511").replace(
        b"<ceb:weight>4000</ceb:weight>", b"<ceb:weight>heavy</ceb:weight>"
    )
    path = write(tmp_path, "waybill.xml", body)
    result = runner.invoke(cli, ["ceb", "validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 6  # one per waybill
    assert all(line.startswith(f"{path}:") for line in lines)
    assert all(" weight: " in line and "[xml_schema_violation]" in line for line in lines)
    assert f"{path}:18: weight:" in lines[0]


def test_validate_refuses_a_hostile_body(runner: CliRunner, tmp_path: Path) -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><m>&x;</m>'
    )
    path = write(tmp_path, "evil.xml", body)
    result = runner.invoke(cli, ["ceb", "validate", str(path)])
    assert result.exit_code == 1
    assert f"[{xml.FORBIDDEN}]" in result.stderr
    assert "root:" not in result.stderr


def test_a_missing_schema_directory_is_named(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SW_CEB_XSD_DIR", str(tmp_path / "nowhere"))
    get_settings.cache_clear()
    path = write(tmp_path, "order.xml", sample("CEB311"))
    result = runner.invoke(cli, ["ceb", "validate", str(path)])
    assert result.exit_code == 1
    assert "SW_CEB_XSD_DIR" in result.stderr


@pytest.mark.parametrize("message_type", ["CEB311", "CEB411", "CEB511"])
def test_to_json_then_from_json_gives_the_message_back(
    runner: CliRunner, tmp_path: Path, message_type: str
) -> None:
    path = write(tmp_path, "message.xml", sample(message_type))
    as_json = runner.invoke(cli, ["ceb", "to-json", str(path)])
    assert as_json.exit_code == 0, as_json.stderr
    parsed = json.loads(as_json.stdout)
    assert parsed["messageType"] == message_type
    json_path = write(tmp_path, "message.json", as_json.stdout.encode())
    as_xml = runner.invoke(cli, ["ceb", "from-json", str(json_path), "--type", message_type])
    assert as_xml.exit_code == 0, as_xml.stderr
    again = read_message(as_xml.stdout.encode(), xsd_dir())
    original = read_message(sample(message_type), xsd_dir())
    assert again.documents == original.documents
    assert (again.guid, again.baseTransfer) == (original.guid, original.baseTransfer)


def test_from_json_takes_one_document_of_the_json_api(runner: CliRunner, tmp_path: Path) -> None:
    payment = read_message(sample("CEB411"), xsd_dir()).documents[0]
    path = write(tmp_path, "payment.json", json.dumps(payment).encode())
    result = runner.invoke(cli, ["ceb", "from-json", str(path), "--type", "CEB411"])
    assert result.exit_code == 0, result.stderr
    message = read_message(result.stdout.encode(), xsd_dir())
    assert message.documents == [payment]
    # Sent, when nothing says otherwise, by the payment company.
    assert message.baseTransfer is not None
    assert (message.baseTransfer.copCode, message.baseTransfer.copName) == (
        payment["payCode"],
        payment["payName"],
    )


def test_from_json_names_every_violation(runner: CliRunner, tmp_path: Path) -> None:
    waybill = read_message(sample("CEB511"), xsd_dir()).documents[0]
    del waybill["logisticsNo"]
    waybill["weight"] = "-"
    path = write(tmp_path, "waybill.json", json.dumps(waybill).encode())
    result = runner.invoke(cli, ["ceb", "from-json", str(path), "--type", "CEB511"])
    assert result.exit_code == 1
    assert "weight must be a decimal number" in result.stderr


def test_from_json_refuses_what_the_schema_refuses(runner: CliRunner, tmp_path: Path) -> None:
    first, second, *_ = read_message(sample("CEB511"), xsd_dir()).documents
    del first["logisticsNo"]
    second["currency"] = "502"
    path = write(tmp_path, "waybills.json", json.dumps([first, second]).encode())
    result = runner.invoke(cli, ["ceb", "from-json", str(path), "--type", "CEB511"])
    assert result.exit_code == 1
    assert result.stdout == ""
    problems = [line for line in result.stderr.splitlines() if "[xml_schema_violation]" in line]
    assert [p.split(": ")[1] for p in problems] == ["billNo", "currency"]


def test_from_json_with_an_unknown_type(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "x.json", b"{}")
    result = runner.invoke(cli, ["ceb", "from-json", str(path), "--type", "CEB999"])
    assert result.exit_code == 2
