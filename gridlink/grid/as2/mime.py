"""MIME entities as bytes: what AS2 signs and hashes must stay byte for byte as sent.

The standard library's `email` package re-folds headers and rewrites line endings when it serialises,
which breaks signatures and MICs; here an entity is its raw header block and body, and only header
parameters are interpreted.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from email.message import Message


class MimeError(ValueError):
    """Bytes that are not the MIME entity they claim to be."""


@dataclass(frozen=True)
class Entity:
    """A MIME entity: its header block (as sent) and its body."""

    headers: bytes
    body: bytes

    @property
    def raw(self) -> bytes:
        """The entity as it travels: headers, a blank line, the body."""
        return self.headers + b"\r\n\r\n" + self.body

    def header(self, name: str) -> str | None:
        """A header's unfolded value (case-insensitive name), or None."""
        return parse_headers(self.headers).get(name.lower())

    @property
    def content_type(self) -> str:
        """The media type in lower case, without parameters ("text/plain" when absent)."""
        return _params(self.header("content-type") or "text/plain").get_content_type()

    def param(self, name: str, header: str = "content-type") -> str | None:
        """A parameter of a header (``boundary``, ``smime-type``, ``micalg``…)."""
        value = self.header(header)
        if value is None:
            return None
        found = _params(value, header).get_param(name, header=header)
        return found if isinstance(found, str) else None

    def decoded_body(self) -> bytes:
        """The body with its Content-Transfer-Encoding undone (base64; binary, 7bit and 8bit as they are)."""
        encoding = (self.header("content-transfer-encoding") or "binary").strip().lower()
        if encoding == "base64":
            try:
                return base64.b64decode(b"".join(self.body.split()), validate=True)
            except binascii.Error as exc:
                raise MimeError(f"bad base64 body: {exc}") from exc
        if encoding in ("binary", "7bit", "8bit"):
            return self.body
        raise MimeError(f"unsupported Content-Transfer-Encoding {encoding}")


def _params(value: str, header: str = "content-type") -> Message:
    holder = Message()
    holder[header] = value
    return holder


def parse_headers(block: bytes) -> dict[str, str]:
    """Header names (lower case) to unfolded values; later repeats of a name are ignored."""
    headers: dict[str, str] = {}
    current: list[str] = []

    def flush() -> None:
        if current:
            name, _, value = " ".join(current).partition(":")
            headers.setdefault(name.strip().lower(), value.strip())

    for line in block.decode("latin-1").replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and current:
            current.append(line.strip())
            continue
        flush()
        current = [line] if line.strip() else []
    flush()
    return headers


def parse(raw: bytes) -> Entity:
    """Split an entity at the first blank line (CRLF CRLF, or LF LF from lenient peers)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(separator)
        if found:
            return Entity(head, body)
    raise MimeError("no blank line between the MIME headers and the body")


def entity(content_type: str, body: bytes, *, base64_body: bool = False, **extra: str) -> Entity:
    """An entity with ``content_type`` and any extra headers (keyword names use _ for -); binary, or
    base64 in 76-character lines."""
    encoding = "base64" if base64_body else "binary"
    lines = [f"Content-Type: {content_type}", f"Content-Transfer-Encoding: {encoding}"]
    lines += [f"{name.replace('_', '-').title()}: {value}" for name, value in extra.items()]
    if base64_body:
        body = base64.encodebytes(body).replace(b"\n", b"\r\n")
    return Entity("\r\n".join(lines).encode("latin-1"), body)


def new_boundary() -> str:
    """A boundary no payload will contain by chance."""
    return f"----=_gridlink_{secrets.token_hex(16)}"


def multipart(content_type: str, parts: list[bytes], boundary: str) -> Entity:
    """A multipart entity of raw parts (each already headers + body)."""
    delimiter = f"--{boundary}".encode()
    body = b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts) + delimiter + b"--\r\n"
    return Entity(f'Content-Type: {content_type}; boundary="{boundary}"'.encode("latin-1"), body)


def split_multipart(container: Entity) -> list[bytes]:
    """The raw parts of a multipart entity, exactly the bytes between the delimiters."""
    boundary = container.param("boundary")
    if not boundary:
        raise MimeError(f"{container.content_type} without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    body = container.body
    start = body.find(delimiter)
    if start < 0:
        raise MimeError("the multipart body holds no boundary")
    parts: list[bytes] = []
    position = start + len(delimiter)
    while True:
        if body[position : position + 2] == b"--":
            return parts
        position = _skip_line_end(body, position)
        end = body.find(b"\n" + delimiter, position)
        if end < 0:
            raise MimeError("a multipart part is not closed by its boundary")
        part_end = end - 1 if end > 0 and body[end - 1 : end] == b"\r" else end
        parts.append(body[position:part_end])
        position = end + 1 + len(delimiter)


def _skip_line_end(body: bytes, position: int) -> int:
    # Transport padding (spaces) may follow a delimiter before its line end.
    while body[position : position + 1] in (b" ", b"\t"):
        position += 1
    if body[position : position + 2] == b"\r\n":
        return position + 2
    if body[position : position + 1] == b"\n":
        return position + 1
    raise MimeError("a boundary is not followed by a line end")
