"""The archive's object store: one fsspec filesystem and a root, from `ARCHIVE_URL`.

`file://var/archive` (the default, a local folder) or `s3://bucket/prefix` (s3fs; endpoint from
`ARCHIVE_S3_ENDPOINT_URL` or botocore's own `AWS_ENDPOINT_URL*`, credentials from the usual
`AWS_*` environment or instance profile). Tests pass any fsspec filesystem, faulty ones included.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

import fsspec
from fsspec.spec import AbstractFileSystem

CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class ObjectStore:
    fs: AbstractFileSystem
    root: str
    url: str

    @classmethod
    def from_url(cls, url: str, *, endpoint_url: str | None = None, **options: Any) -> ObjectStore:
        if url.startswith("s3://"):
            if endpoint_url:
                options.setdefault("client_kwargs", {})["endpoint_url"] = endpoint_url
            # Fail within seconds when the store is down, instead of botocore's long retry ladder.
            # (standard mode: 3 attempts, or AWS_MAX_ATTEMPTS; about 10 s to give up on a dead endpoint)
            options.setdefault("config_kwargs", {"connect_timeout": 5, "read_timeout": 60,
                                                 "retries": {"mode": "standard"}})
        if url.startswith("file://") and not url.startswith("file:///"):
            # file://var/archive: a folder relative to the working directory, made absolute once.
            import os

            url = "file://" + os.path.abspath(url[len("file://"):])
        fs, root = fsspec.core.url_to_fs(url, **options)
        if url.startswith("s3://"):
            fs.retries = 2  # s3fs's own retry loop, on top of botocore's
        return cls(fs=fs, root=root.rstrip("/"), url=url.rstrip("/"))

    def path(self, key: str) -> str:
        return f"{self.root}/{key}"

    def uri(self, key: str) -> str:
        return f"{self.url}/{key}"

    def open(self, key: str, mode: str) -> IO[bytes]:
        if "w" in mode:
            parent = self.path(key).rsplit("/", 1)[0]
            self.fs.makedirs(parent, exist_ok=True)
        return self.fs.open(self.path(key), mode)  # type: ignore[no-any-return]

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self.path(key)))

    def read_bytes(self, key: str) -> bytes:
        with self.open(key, "rb") as f:
            return f.read()

    def write_bytes(self, key: str, data: bytes) -> None:
        with self.open(key, "wb") as f:
            f.write(data)

    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix` (relative to the root); empty when the folder does not exist."""
        base = self.path(prefix).rstrip("/")
        try:
            found = self.fs.find(base)
        except FileNotFoundError:
            return []
        root = self.root.lstrip("/")
        return sorted(p.lstrip("/")[len(root):].lstrip("/") for p in found)

    def remove(self, key: str) -> None:
        if self.fs.exists(self.path(key)):
            self.fs.rm(self.path(key))

    def sha256(self, key: str) -> tuple[str, int]:
        """SHA-256 and size of the stored object, read back in chunks (memory stays flat)."""
        h, size = hashlib.sha256(), 0
        with self.open(key, "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
                size += len(chunk)
        return h.hexdigest(), size


class HashingReader:
    """A seekable read-only view of a stored object that hashes its bytes, in order, as they are read.

    What the archive's read-back hands to the Parquet reader, so that one read of the object both
    checks its SHA-256 and decodes its rows. The Parquet reader reads the footer first, then the row
    groups front to back: every read that continues the hashed prefix extends the hash (a small gap
    before it, such as the 4-byte magic, is read here to close it), other reads are served unhashed.
    `finish()` then reads and hashes whatever was not read in order (the footer), so the result is
    the SHA-256 of the whole object whatever the reader's access pattern; memory stays flat.
    """

    GAP = 64 * 1024  # a skipped range this small is read to keep the hash going; larger ones wait for finish()

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.hash, self.hashed, self.pos, self.closed = inner, hashlib.sha256(), 0, 0, False
        self.size = inner.seek(0, 2)

    def read(self, n: int = -1) -> bytes:
        self.inner.seek(self.pos)
        data = self.inner.read(n if n is not None and n >= 0 else max(0, self.size - self.pos))
        start, self.pos = self.pos, self.pos + len(data)
        if self.hashed < start <= self.hashed + self.GAP:
            self._hash_to(start)
            self.inner.seek(self.pos)
        if start <= self.hashed < self.pos:
            self.hash.update(memoryview(data)[self.hashed - start:])
            self.hashed = self.pos
        return data

    def _hash_to(self, end: int) -> None:
        self.inner.seek(self.hashed)
        while self.hashed < end and (chunk := self.inner.read(min(CHUNK, end - self.hashed))):
            self.hash.update(chunk)
            self.hashed += len(chunk)

    def finish(self) -> tuple[str, int]:
        """SHA-256 and size of the whole object (the part not yet hashed is read now, in order)."""
        self.inner.seek(self.hashed)
        while chunk := self.inner.read(CHUNK):
            self.hash.update(chunk)
            self.hashed += len(chunk)
        return self.hash.hexdigest(), self.hashed

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = offset if whence == 0 else self.pos + offset if whence == 1 else self.size + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


class HashingWriter:
    """A write-only file that hashes and counts what passes through it to the real file."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.hash, self.size, self.closed = inner, hashlib.sha256(), 0, False

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.hash.update(view)
        self.size += len(view)
        self.inner.write(view)
        return len(view)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.inner.flush()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True
