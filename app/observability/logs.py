"""Log lines as JSON objects (``SW_LOG_FORMAT=json``), one per line, for a log pipeline
to read without patterns: the time (UTC, ISO 8601), level, logger, message, the request
id the caller got in ``X-Request-ID``, and, while OpenTelemetry traces the request, its
trace and span ids, so that a line leads to its trace and a trace to its lines."""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from app.request_context import current_request_id

# What a LogRecord carries of its own; anything else was given in ``extra`` and is kept.
_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}


def _trace_ids() -> tuple[str, str] | None:
    """The current span's trace and span ids in hex, when a tracer records one (the
    ``otel`` extra installed and configured); None otherwise, at the cost of a look-up."""
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - FastAPI brings the API along
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def _request_id(record: logging.LogRecord) -> str | None:
    given = getattr(record, "request_id", None)  # set by app.middleware.RequestIdFilter
    return given if given not in (None, "-") else current_request_id()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(record),
        }
        ids = _trace_ids()
        if ids is not None:
            line["trace_id"], line["span_id"] = ids
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
