"""Content-addressed blob storage: bytes are stored once under their SHA-256 and never change."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol, runtime_checkable

CHUNK = 1 << 20
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class BlobNotFound(KeyError):
    """No blob is stored under that digest."""


@runtime_checkable
class BlobStore(Protocol):
    """What the hub needs of blob storage; a local directory or, later, an S3-compatible bucket."""

    async def put(self, data: bytes) -> str:
        """Store ``data`` durably and return its SHA-256 hex digest."""
        ...

    async def put_stream(self, chunks: AsyncIterator[bytes]) -> tuple[str, int]:
        """Store a stream durably without holding it in memory; return (digest, size)."""
        ...

    async def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; raises BlobNotFound."""
        ...

    def stream(self, digest: str) -> AsyncIterator[bytes]:
        """The bytes stored under ``digest`` in chunks; raises BlobNotFound."""
        ...

    async def exists(self, digest: str) -> bool:
        """Whether a blob is stored under ``digest``."""
        ...


def sha256_hex(data: bytes) -> str:
    """The SHA-256 hex digest used as a blob's address."""
    return hashlib.sha256(data).hexdigest()


class LocalBlobStore:
    """Blobs as files ``ab/abcd…`` under a directory, written to a temporary name, fsynced, renamed.

    One level of 256 directories, as git keeps its loose objects: each is made once, where a second level
    (``ab/cd/``, which earlier versions wrote and which are still read) made a directory for nearly every
    blob of an archive under some hundred thousand, and a directory costs the filesystem what a file does.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, digest: str) -> Path:
        """Where the blob with ``digest`` lives (it may not exist)."""
        if not _DIGEST.match(digest):
            raise BlobNotFound(digest)
        path = self.root / digest[:2] / digest
        if not path.is_file():
            earlier = self.root / digest[:2] / digest[2:4] / digest
            if earlier.is_file():
                return earlier
        return path

    async def put(self, data: bytes) -> str:
        """Store ``data`` durably and return its SHA-256 hex digest."""
        digest = sha256_hex(data)
        await asyncio.to_thread(self._write, digest, [data])
        return digest

    async def put_stream(self, chunks: AsyncIterator[bytes]) -> tuple[str, int]:
        """Store a stream durably without holding it in memory; return (digest, size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        hasher = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                async for chunk in chunks:
                    hasher.update(chunk)
                    size += len(chunk)
                    await asyncio.to_thread(fh.write, chunk)
                await asyncio.to_thread(os.fsync, fh.fileno())
            digest = hasher.hexdigest()
            await asyncio.to_thread(self._install, Path(tmp), digest)
        finally:
            await asyncio.to_thread(Path(tmp).unlink, missing_ok=True)
        return digest, size

    async def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; raises BlobNotFound."""
        path = self.path_of(digest)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise BlobNotFound(digest) from None

    async def stream(self, digest: str) -> AsyncIterator[bytes]:
        """The bytes stored under ``digest`` in chunks; raises BlobNotFound."""
        path = self.path_of(digest)
        try:
            fh = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobNotFound(digest) from None
        try:
            while chunk := await asyncio.to_thread(fh.read, CHUNK):
                yield chunk
        finally:
            fh.close()

    async def exists(self, digest: str) -> bool:
        """Whether a blob is stored under ``digest``."""
        try:
            return self.path_of(digest).is_file()
        except BlobNotFound:
            return False

    def _write(self, digest: str, parts: list[bytes]) -> None:
        if self.path_of(digest).is_file():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for part in parts:
                    fh.write(part)
                os.fsync(fh.fileno())
            self._install(Path(tmp), digest)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _install(self, tmp: Path, digest: str) -> None:
        target = self.path_of(digest)
        if target.is_file():  # identical content is already there
            return
        try:
            target.parent.mkdir()
        except FileExistsError:
            pass
        else:
            _sync_dir(self.root)  # the new directory's entry is as durable as the blob in it
        os.replace(tmp, target)
        _sync_dir(target.parent)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
