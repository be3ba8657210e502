"""Server logs as text for people or as one JSON object per line for log collectors.

``--log-format json`` (or ``COMPANION_SERVER_LOG_FORMAT=json``) applies to the server's own
messages and to uvicorn's, access lines included, so Loki, Elasticsearch or journald's JSON
output can index every field without parsing text.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

# Fields of uvicorn's access records, in the order of its message arguments.
_ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == len(_ACCESS_FIELDS):
            entry.update(zip(_ACCESS_FIELDS, record.args))
            entry["message"] = "{method} {path} {status}".format(**entry)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server and uvicorn (also used by uvicorn's workers)."""
    formatter = ({"()": "sync.server.logs.JsonFormatter"} if log_format == "json"
                 else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"})
    handler = {"class": "logging.StreamHandler", "formatter": "server", "stream": "ext://sys.stderr"}
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"server": formatter},
        "handlers": {"server": handler},
        "loggers": {
            name: {"handlers": ["server"], "level": level, "propagate": False}
            for name in ("companion", "uvicorn", "uvicorn.error", "uvicorn.access", "alembic")
        },
        "root": {"handlers": ["server"], "level": "WARNING"},
    }
