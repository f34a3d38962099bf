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
    """Formats a record as JSON: time, level, component, event and the record's ``fields``.

    >>> import json, logging
    >>> record = logging.LogRecord("qfusion", logging.WARNING, __file__, 1, "lease.lost", None, None)
    >>> record.fields = {"job_id": "j1"}
    >>> entry = json.loads(JsonFormatter("worker").format(record))
    >>> entry["level"], entry["component"], entry["event"], entry["job_id"]
    ('warning', 'worker', 'lease.lost', 'j1')
    """

    def __init__(self, component: str):
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON: time, level, component, event, the record's ``fields``, any exception.

        >>> import json, logging
        >>> record = logging.LogRecord("qfusion", logging.INFO, __file__, 1, "job.started", None, None)
        >>> sorted(json.loads(JsonFormatter("server").format(record)))        # no fields: the fixed keys only
        ['component', 'event', 'level', 'time']
        """
        entry = {"time": round(time.time(), 6), "level": record.levelname.lower(), "component": self.component,
                 "event": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(component: str, level: str = "info", stream=None) -> logging.Logger:
    """The ``qfusion.service.<component>`` logger, writing JSON lines to ``stream`` (stderr).

    >>> import io
    >>> stream = io.StringIO()
    >>> logger = setup_logging("example", level="warning", stream=stream)
    >>> logger.name, logger.propagate
    ('qfusion.service.example', False)
    >>> log(logger, "quiet")                                # below warning: not written
    >>> stream.getvalue()
    ''
    """
    logger = logging.getLogger(f"qfusion.service.{component}")
    logger.handlers.clear()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(component))
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
    return logger


def log(logger: logging.Logger, event: str, level: int = logging.INFO, **fields) -> None:
    """Log ``event`` with ``fields`` as JSON keys.

    >>> import io, json, logging
    >>> stream = io.StringIO()
    >>> logger = setup_logging("example", stream=stream)
    >>> log(logger, "job.failed", level=logging.ERROR, job_id="j2", attempt=3)
    >>> entry = json.loads(stream.getvalue())
    >>> entry["level"], entry["event"], entry["attempt"]
    ('error', 'job.failed', 3)
    """
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={"fields": fields})
