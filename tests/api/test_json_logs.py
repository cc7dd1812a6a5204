"""Log lines as JSON (SW_LOG_FORMAT=json): each line one object, with the request's id."""

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from app.config import Settings
from app.main import configure_logging, create_app
from app.observability.logs import JsonFormatter
from tests.support.service import ADMIN

LOGGERS = ("app", "uvicorn", "uvicorn.error")


@pytest.fixture
def restored_loggers() -> Iterator[None]:
    """configure_logging changes the process's loggers: put them back afterwards."""
    kept = {
        name: (list(logger.handlers), logger.level, logger.propagate)
        for name in LOGGERS
        for logger in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, level, propagate) in kept.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.mark.usefixtures("restored_loggers")
def test_a_requests_log_lines_are_json_with_its_request_id(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info", as_json=True)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        answer = client.get("/v1/enterprises", headers={"X-Request-ID": "req-json-0001"})
        assert answer.status_code == 200
        assert answer.headers["x-request-id"] == "req-json-0001"
        logging.getLogger("app.test").info("outside any request")
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    for record in records:
        assert {"time", "level", "logger", "message", "request_id"} <= set(record)
    mine = [r for r in records if r["request_id"] == "req-json-0001"]
    assert any(
        r["logger"] == "app.access" and "GET /v1/enterprises 200" in r["message"] for r in mine
    )
    outside = next(r for r in records if r["message"] == "outside any request")
    assert outside["request_id"] is None
    assert outside["level"] == "INFO"
    assert outside["time"].endswith("+00:00")


def test_settings_choose_text_in_development_and_json_in_production(settings: Settings) -> None:
    assert not settings.logs_as_json()
    assert settings.model_copy(update={"log_format": "json"}).logs_as_json()
    assert not settings.model_copy(
        update={"environment": "production", "log_format": "text"}
    ).logs_as_json()


def test_a_line_written_in_a_traced_span_carries_its_trace_and_span_ids() -> None:
    context = SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    record = logging.LogRecord("app.x", logging.WARNING, __file__, 1, "traced %s", ("line",), None)
    with trace.use_span(NonRecordingSpan(context)):
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "traced line"
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert line["span_id"] == "b7ad6b7169203331"
    untraced = json.loads(JsonFormatter().format(record))
    assert "trace_id" not in untraced


def test_an_exception_is_kept_in_its_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "app.x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"]
