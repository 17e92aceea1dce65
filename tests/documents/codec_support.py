"""Writing a codec's output into an interchange and reading it back, for the codec tests."""

from __future__ import annotations

import io

from gridlink.documents.codecs import CodecProfile
from gridlink.edi.compose import Body
from gridlink.edi.navigate import set_bodies
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from tests.edi import samples

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
