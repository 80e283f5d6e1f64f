"""Application logging: one format for uvicorn's and the server's own (`vr_server.*`) lines,
text or JSON (`VR_LOG_FORMAT`), at `VR_LOG_LEVEL`, with secrets taken out of every line.

`vr-server serve` hands `log_config(settings)` to uvicorn, which applies it before the app
starts. Nothing here runs at import time.

Secrets that travel in URLs and would otherwise reach the access log verbatim:
- headset enrollment codes, `/headset/?enroll=CODE` (any `enroll`, `code` or `token` query
  parameter is redacted);
- the dashboard's "Add headsets" link, `/p/CODE`;
- visitors' result tokens, `/api/results/TOKEN` and the result page `/results/TOKEN`.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from vr_server.settings import Settings

REDACTED = "[redacted]"
_SECRET_QUERY = re.compile(r"(?i)([?&](?:enroll|code|token)=)[^&#\s\"]*")
_SECRET_PATH = re.compile(r"""((?<![^\s"'])/(?:(?:api/)?results|p)/)[^/?#\s"]+""")  # path's start
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """`text` with enrollment codes and result tokens replaced by `[redacted]`."""
    if "results/" not in text and "=" not in text and "/p/" not in text:
        return text  # most lines: nothing to do
    text = _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", text)
    return _SECRET_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Redacts the secrets above from a record's message and string arguments (uvicorn's
    access line passes the path as an argument). On the handler, so every logger's lines
    pass through it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the
    traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` document for uvicorn's `log_config`."""
    level = settings.log_level.upper()
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if settings.log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "default",
        "filters": ["redact"],
    }
    one = {"handlers": ["default"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": f"{__name__}.RedactSecrets"}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": one,
            "uvicorn.error": {"level": level},  # propagates to "uvicorn"
            "uvicorn.access": one,
            "vr_server": one,
        },
    }
