"""Writing a codec's output into an interchange and reading it back, for the codec tests."""

from __future__ import annotations

import io
from typing import TypeVar

from gridlink.documents.codecs import CodecProfile
from gridlink.documents.codecs.set_codec import SetCodec
from gridlink.edi.compose import Body
from gridlink.edi.navigate import set_bodies
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import validate
from tests.edi import samples
from tests.support import edi_validator

D = TypeVar("D")

PROFILES = {
    "x12-004010": CodecProfile(standard="x12", version="004010"),
    "x12-005010": CodecProfile(standard="x12", version="005010"),
    "edifact-D96A": CodecProfile(standard="edifact", version="D96A", units={"EA": "PCE", "LB": "LBR"}),
    "edifact-D01B": CodecProfile(standard="edifact", version="D01B", units={"EA": "PCE", "LB": "LBR"}),
}


def interchange(set_id: str, body: Body, profile: CodecProfile, functional_id: str) -> bytes:
    """One interchange holding the set, in the profile's standard and version."""
    out = io.BytesIO()
    if profile.standard == "x12":
        writer = samples.x12_writer(out, profile.version)
        writer.begin_group(functional_id, profile.version)
        writer.write_set(set_id, body, profile.version if profile.version == "005010" else None)
        writer.close()
    else:
        edifact = samples.edifact_writer(out)
        edifact.write_message(set_id, profile.version[0], profile.version[1:], body)
        edifact.close()
    return out.getvalue()


def only_set(data: bytes) -> list[Segment]:
    """The segments of the interchange's one set."""
    (body,) = set_bodies(read_segments(data))
    return body


def round_trip(codec: SetCodec[D], document: D, profile_name: str, functional_id: str) -> D:
    """Encode, write, check with both validators, read and decode again."""
    profile = PROFILES[profile_name]
    set_id, body = codec.encode(document, profile)
    data = interchange(set_id, body, profile, functional_id)
    (result,) = validate(data)
    assert result.all_problems() == []
    assert edi_validator.check({profile_name: data}) == {profile_name: []}
    return codec.decode(only_set(data), profile)
