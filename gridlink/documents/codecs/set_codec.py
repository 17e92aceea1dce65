"""One canonical document type and its X12 and EDIFACT sets: the encode/decode both directions share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.values import DecodeError, EncodeError
from gridlink.edi.compose import Body, compose
from gridlink.edi.delimiters import EDIFACT_DEFAULT, X12_DEFAULT
from gridlink.edi.navigate import Loop, parse_set
from gridlink.edi.segment import Segment, build
from gridlink.edi.spec import SetSpec, load_set

D = TypeVar("D")


@dataclass(frozen=True)
class SetCodec(Generic[D]):
    """Maps documents of one type to their set (``x12_set`` / ``edifact_set``) and back."""

    what: str
    x12_set: str
    edifact_set: str
    to_x12: Callable[[D, CodecProfile], dict[str, Any]]
    to_edifact: Callable[[D, CodecProfile], dict[str, Any]]
    from_x12: Callable[[Loop, CodecProfile], D]
    from_edifact: Callable[[Loop, CodecProfile], D]

    def encode(self, document: D, profile: CodecProfile) -> tuple[str, Body]:
        """The set id and body segments of ``document`` for the partner's standard and version.

        EncodeError when the partner requires a segment (``profile.require``) the document has no data
        for: better held here, with the reason, than sent and rejected by the partner.
        """
        set_id = self.x12_set if profile.standard == "x12" else self.edifact_set
        build = self.to_x12 if profile.standard == "x12" else self.to_edifact
        spec = load_set(profile.standard, profile.version, set_id)
        body = compose(spec, build(document, profile))
        missing = [path for path in profile.require if not _present(body, spec, profile.standard, path)]
        if missing:
            required = ", ".join(missing)
            raise EncodeError(f"the partner requires {required} in its {set_id}; this {self.what} has none")
        return set_id, body

    def decode(self, segments: Iterable[Segment], profile: CodecProfile) -> D:
        """The document in one set's segments (ST..SE or UNH..UNT); DecodeError says what is wrong."""
        set_id = self.x12_set if profile.standard == "x12" else self.edifact_set
        read = self.from_x12 if profile.standard == "x12" else self.from_edifact
        try:
            return read(parse_set(segments, load_set(profile.standard, profile.version, set_id)), profile)
        except ValidationError as exc:
            raise DecodeError(f"not a usable {self.what}: {exc.errors()[0]['msg']}") from None


def _present(body: Body, spec: SetSpec, standard: str, path: str) -> bool:
    """Whether ``path`` names something non-empty in the set ``body`` makes."""
    delims = X12_DEFAULT if standard == "x12" else EDIFACT_DEFAULT
    segments = [build(tag, values, delims) for tag, values in body]
    return any(found != "" for found in parse_set(segments, spec).find_all(path))
