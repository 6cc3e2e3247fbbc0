"""fsspec filesystems that fail the way object stores do: corrupt, truncate, or die mid-upload."""

from __future__ import annotations

import os
import signal
from typing import Any

from fsspec.implementations.local import LocalFileSystem


class _Sink:
    def __init__(self, inner: Any, mode: str) -> None:
        self.inner, self.mode, self.written = inner, mode, 0

    def write(self, data: Any) -> int:
        data = bytes(data)
        n = len(data)
        if self.mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.mode == "corrupt" and self.written <= 10 < self.written + n:
            i = 10 - self.written
            data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
        if self.mode == "truncate":
            data = data[: max(0, 64 - self.written)]
        self.written += n
        self.inner.write(data)
        return n

    def flush(self) -> None:
        self.inner.flush()

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class FaultyFS(LocalFileSystem):
    """A local folder whose Parquet uploads are corrupted, truncated, or SIGKILL the process."""

    cachable = False

    def __init__(self, fault: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.fault = fault

    def _open(self, path: str, mode: str = "rb", **kw: Any) -> Any:
        f = super()._open(path, mode, **kw)
        if "w" in mode and str(path).endswith(".parquet"):
            return _Sink(f, self.fault)
        return f
