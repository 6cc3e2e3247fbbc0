"""Find a real PostgreSQL for the suite: MEALLOG_TEST_PG_URL, else 127.0.0.1:5432 (trust auth), else a
throwaway cluster started from the installed binaries. In CI (CI=true) a missing server is a failure."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _throwaway_cluster() -> Iterator[str | None]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not bins:
        yield None
        return
    bindir = os.path.dirname(bins[-1])
    root = tempfile.mkdtemp(prefix="meallog-pg-")
    data = os.path.join(root, "data")
    port = _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    subprocess.run([*as_postgres, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run([*as_postgres, f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "log"),
                    "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def server_url() -> Iterator[str | None]:
    """The admin URL of a running server, or None when there is none to be had."""
    explicit = os.environ.get("MEALLOG_TEST_PG_URL")
    if explicit:
        yield explicit
        return
    if _answers(DEFAULT_URL):
        yield DEFAULT_URL
        return
    with _throwaway_cluster() as url:
        if url is not None:
            for _ in range(50):
                if _answers(url):
                    break
                time.sleep(0.1)
        yield url


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """Create a uniquely named database for this test session and drop it afterwards."""
    name = f"meallog_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
