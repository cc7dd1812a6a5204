"""The container image and the compose file hold together: the image runs as a user of
its own with a health check and migrates before it serves; the compose file runs every
part, each finds the others where they listen, and every setting it gives is one the
service reads (Docker is not needed: the files are read as Docker would read them)."""

import os
import re
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from app.config import Settings
from app.domain.clearance import Agency

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose.yaml"
ENTRYPOINT = ROOT / "deploy" / "docker-entrypoint.sh"
PROMETHEUS = ROOT / "deploy" / "prometheus.yml"
GUIDE = ROOT / "docs" / "deployment.md"
SETTINGS = {f"SW_{name.upper()}" for name in Settings.model_fields}
AGENCY_PORTS = {"customs": 8101, "inspection": 8102, "tax": 8103, "forex": 8104}
# ${NAME}, ${NAME:-default}, ${NAME:?error}
INTERPOLATION = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions(DOCKERFILE.read_text())
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def services() -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"]
    return found


def resolved(value: Any, given: dict[str, str] | None = None) -> str:
    """A compose value with its ${…} replaced as Compose would, from ``given`` or the
    defaults; a required variable not given gets a placeholder."""
    given = given or {}

    def one(match: re.Match[str]) -> str:
        name, kind, default = match.groups()
        if name in given:
            return given[name]
        return default if kind == "-" else f"<{name}>"

    return INTERPOLATION.sub(one, str(value))


def command_of(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return command if isinstance(command, list) else shlex.split(command)


# -- the image ------------------------------------------------------------------------------


def test_the_image_is_small_and_runs_as_a_user_of_its_own() -> None:
    steps = final_stage()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [argument for keyword, argument in steps if keyword == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    every_step = instructions(DOCKERFILE.read_text())
    installs = [a for k, a in every_step if k == "RUN" and "pip install" in a]
    assert installs
    assert all("--no-cache-dir" in a for a in installs)


def test_the_image_checks_its_health_on_healthz_and_serves_by_default() -> None:
    steps = dict(final_stage())
    assert "/healthz" in steps["HEALTHCHECK"]
    assert steps["ENTRYPOINT"] == '["docker-entrypoint.sh"]'
    assert steps["CMD"] == '["singlewindow", "serve"]'


def test_everything_the_image_copies_is_in_the_build_context() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    copied = [
        argument.split()[:-1]
        for keyword, argument in instructions(DOCKERFILE.read_text())
        if keyword == "COPY" and not argument.startswith("--from")
    ]
    for sources in copied:
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source.split("/")[0] not in ignored, f"{source} is left out of the context"
    assert {".venv", ".git", "*.db", "tests"} <= ignored


@pytest.fixture
def fake_singlewindow(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `singlewindow` that only writes down how it was called."""
    calls = tmp_path / "calls"
    program = tmp_path / "bin" / "singlewindow"
    program.parent.mkdir()
    program.write_text(f'#!/bin/sh\necho "singlewindow $*" >> {calls}\n')
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    env = {"PATH": f"{program.parent}:{os.environ['PATH']}"}
    return env, calls


@pytest.mark.parametrize(
    ("command", "migrate_on_start", "expected"),
    [
        (["singlewindow", "serve"], None, ["singlewindow db upgrade", "singlewindow serve"]),
        (["singlewindow", "worker"], None, ["singlewindow db upgrade", "singlewindow worker"]),
        (["singlewindow", "serve"], "false", ["singlewindow serve"]),
        (["singlewindow", "keys", "create", "--admin"], None, ["singlewindow keys create --admin"]),
    ],
)
def test_the_entrypoint_migrates_before_the_api_and_the_worker_start(
    fake_singlewindow: tuple[dict[str, str], Path],
    command: list[str],
    migrate_on_start: str | None,
    expected: list[str],
) -> None:
    env, calls = fake_singlewindow
    if migrate_on_start is not None:
        env["MIGRATE_ON_START"] = migrate_on_start
    subprocess.run(["sh", str(ENTRYPOINT), *command], env=env, check=True, timeout=10)
    assert calls.read_text().splitlines() == expected


def test_the_entrypoint_stops_when_the_migration_fails(
    fake_singlewindow: tuple[dict[str, str], Path],
) -> None:
    env, calls = fake_singlewindow
    program = Path(env["PATH"].split(":")[0]) / "singlewindow"
    program.write_text(f'#!/bin/sh\necho "singlewindow $*" >> {calls}\nexit 1\n')
    done = subprocess.run(["sh", str(ENTRYPOINT), "singlewindow", "serve"], env=env, timeout=10)
    assert done.returncode != 0
    assert calls.read_text().splitlines() == ["singlewindow db upgrade"]


# -- the compose file -----------------------------------------------------------------------


def test_compose_runs_the_api_the_worker_the_agencies_the_database_and_prometheus() -> None:
    found = services()
    assert {"api", "worker", "postgres", "prometheus", *AGENCY_PORTS} <= set(found)
    assert command_of(found["api"])[:2] == ["singlewindow", "serve"]
    assert command_of(found["worker"]) == ["singlewindow", "worker"]
    # Replicas of the API, each with its processes.
    assert int(resolved(found["api"]["deploy"]["replicas"])) >= 2
    assert "SW_API_WORKERS" in found["api"]["environment"]
    for agency, port in AGENCY_PORTS.items():
        command = command_of(found[agency])
        assert command[:3] == ["python", "-m", "mock_agencies"]
        assert command[command.index("--agency") + 1] == agency
        assert int(command[command.index("--port") + 1]) == port
        assert found[agency]["environment"]["HEALTHCHECK_URL"].endswith(f":{port}/healthz")
    assert found["worker"]["healthcheck"] == {"disable": True}


def test_every_setting_the_compose_file_gives_is_one_the_service_reads() -> None:
    given = {
        name
        for service in services().values()
        for name in (service.get("environment") or {})
        if name.startswith("SW_")
    }
    interpolated = {m.group(1) for m in INTERPOLATION.finditer(COMPOSE.read_text())}
    unknown = (given | {n for n in interpolated if n.startswith("SW_")}) - SETTINGS
    assert not unknown, f"not settings of app/config.py: {sorted(unknown)}"
    assert given >= {"SW_DATABASE_URL", "SW_BOOTSTRAP_ADMIN_KEY", "SW_DISPATCHER_ENABLED"}


def test_the_api_and_the_worker_find_the_agencies_and_the_agencies_the_api() -> None:
    found = services()
    for role in ("api", "worker"):
        env = found[role]["environment"]
        for agency, port in AGENCY_PORTS.items():
            url = urlsplit(env[f"SW_{agency.upper()}_URL"])
            assert (url.hostname, url.port) == (agency, port)
            # The agency signs its receipts with the secret the window checks them with.
            assert (
                found[agency]["environment"]["AGENCY_SECRET"] == env[f"SW_{agency.upper()}_SECRET"]
            )
        assert urlsplit(resolved(env["SW_DATABASE_URL"])).hostname == "postgres"
    for agency in AGENCY_PORTS:
        callback = urlsplit(found[agency]["environment"]["AGENCY_CALLBACK_BASE_URL"])
        assert (callback.hostname, callback.port) == (
            "api",
            int(found["api"]["environment"]["SW_PORT"]),
        )
    # The outbox is the worker's alone: the API runs no dispatcher.
    assert found["api"]["environment"]["SW_DISPATCHER_ENABLED"] == "false"
    assert set(AGENCY_PORTS) == {str(a) for a in Agency}


def test_prometheus_scrapes_each_api_replica_on_the_metrics_port() -> None:
    scrape = yaml.safe_load(PROMETHEUS.read_text())["scrape_configs"]
    [job] = [j for j in scrape if j["job_name"] == "singlewindow"]
    assert job["metrics_path"] == "/metrics"
    [discovery] = job["dns_sd_configs"]
    assert discovery["names"] == ["api"]
    metrics_port = resolved(services()["api"]["environment"]["SW_METRICS_PORT"])
    assert discovery["port"] == int(metrics_port)


def test_the_api_settings_of_the_compose_file_start_and_production_refuses_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = services()["api"]["environment"]
    key = "k3Vq9ZpXw2Lr7TnB4yHs8DcF6gJm1QaE5uWoRi0NbYv"
    settings = {
        name: resolved(value, {"SW_BOOTSTRAP_ADMIN_KEY": key}) for name, value in env.items()
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    started = Settings(_env_file=None)
    assert started.port == 8000
    assert started.agency_url("tax") == "http://tax:8103"
    assert started.metrics_port == int(settings["SW_METRICS_PORT"])

    monkeypatch.setenv("SW_ENVIRONMENT", "production")
    with pytest.raises(ValueError, match="refusing to start in production") as refused:
        Settings(_env_file=None)
    for named in ("SW_CUSTOMS_SECRET", "SW_AUDIT_SIGNING_KEY", "SW_CEB_SIGNING_KEY_FILE"):
        assert named in str(refused.value)


def test_the_deployment_guide_names_every_setting_the_compose_file_gives() -> None:
    guide = GUIDE.read_text()
    named = {m.group(1) for m in INTERPOLATION.finditer(COMPOSE.read_text())}
    for service in services().values():
        named |= set(service.get("environment") or {})
    missing = sorted(n for n in named if n.startswith("SW_") and n not in guide)
    assert not missing, f"docs/deployment.md does not mention {missing}"
