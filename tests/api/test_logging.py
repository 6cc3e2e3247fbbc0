"""Every log line is one JSON object, stdlib records included (quotes, tracebacks); no token in any line."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from meallog.logging_setup import configure


def test_stdlib_and_structlog_lines_are_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO")
    logging.getLogger("apscheduler.executors.default").info('Job "cleanup (trigger: cron[hour=\'2\'])" executed')
    try:
        raise ValueError('a "quoted"\nmulti-line error')
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    structlog.get_logger("meallog.test").warning("shadow", detail='he said "hi"')
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 3
    parsed = [json.loads(line) for line in lines]
    assert parsed[0]["logger"].startswith("apscheduler") and "cron[hour='2']" in parsed[0]["event"]
    assert "multi-line error" in parsed[1]["exception"] and parsed[1]["level"] == "error"
    assert parsed[2]["detail"] == 'he said "hi"'
