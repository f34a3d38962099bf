"""Structured logs: one JSON object per line on stderr, with the event's fields as keys.

>>> import io, json, logging
>>> stream = io.StringIO()
>>> logger = setup_logging("test", stream=stream)
>>> log(logger, "job.done", job_id="abc", seconds=0.5)
>>> record = json.loads(stream.getvalue())
>>> record["event"], record["job_id"], record["component"]
('job.done', 'abc', 'test')
"""

from __future__ import annotations

import json
import logging
import sys
import time


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, component, event and the record's ``fields``."""

    def __init__(self, component: str):
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": round(time.time(), 6), "level": record.levelname.lower(), "component": self.component,
                 "event": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(component: str, level: str = "info", stream=None) -> logging.Logger:
    """The ``qfusion.service.<component>`` logger, writing JSON lines to ``stream`` (stderr)."""
    logger = logging.getLogger(f"qfusion.service.{component}")
    logger.handlers.clear()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(component))
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
    return logger


def log(logger: logging.Logger, event: str, level: int = logging.INFO, **fields) -> None:
    """Log ``event`` with ``fields`` as JSON keys."""
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={"fields": fields})
