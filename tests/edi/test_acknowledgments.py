"""Each error class yields the right standard code at the right place in the 997, 999, TA1 and CONTRL."""

from __future__ import annotations

import pytest

from gridlink.edi.ack import acknowledge
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import validate
from gridlink.edi.writer import MemoryNumbers, dump
from tests.edi import samples
from tests.support import edi_validator


def ack_of(data: bytes, **options: object) -> list[Segment]:
    (result,) = validate(data)
    ack = acknowledge(result, numbers=MemoryNumbers(), now=samples.NOW, **options)  # type: ignore[arg-type]
    assert ack is not None
    (ack_result,) = validate(ack)
    assert ack_result.all_problems() == [], "the acknowledgment itself must be valid"
    return read_segments(ack)


def recount(data: bytes) -> bytes:
    """Make the SE/UNT count right again after a mutation added or removed segments."""
    segments = read_segments(data)
    count = 0
    for seg in segments:
        if seg.tag in ("ST", "UNH"):
            count = 0
        count += 1
        if seg.tag in ("SE", "UNT"):
            seg.elements[0] = str(count)
    return dump(segments)


def texts(segments: list[Segment], *tags: str) -> list[str]:
    return [s.text() for s in segments if s.tag in tags]


def x12_850(version: str) -> bytes:
    return samples.x12("850", version, samples.x12_850(), "PO")


# (mutation of the valid 850, expected AK3/IK3 and AK4/IK4 lines with "K" for A or I, expected AK5 line)
X12_CASES = {
    "missing mandatory segment": (b"BEG*00*SA*PO-1001**20261125~", b"", ["K3*BEG*2**3"], "K5*R*5"),
    "segment out of order": (b"CTT*2~", b"CTT*2~DTM*002*20261201~", ["K3*DTM*15*CTT*7"], "K5*R*5"),
    "too many repeats": (b"CUR*BY*USD~", b"CUR*BY*USD~CUR*BY*USD~", ["K3*CUR*4**5"], "K5*R*5"),
    "unknown segment": (b"CTT*2~", b"ZZZ*1~CTT*2~", ["K3*ZZZ*14*PID*1"], "K5*R*5"),
    "element too long": (
        b"PO-1001",
        b"PO-1001-THIS-IS-FAR-TOO-LONG",
        ["K3*BEG*2**8", "K4*3*324*5*PO-1001-THIS-IS-FAR-TOO-LONG"],
        "K5*R*5",
    ),
    "element too short": (b"*92*DC01~", b"*92*D~", ["K3*N1*7*N1*8", "K4*4*67*4*D"], "K5*R*5"),
    "bad number": (b"PO1*1*2*EA", b"PO1*1*2O*EA", ["K3*PO1*10*PO1*8", "K4*2*330*6*2O"], "K5*R*5"),
    "bad date": (b"DTM*002*20261201", b"DTM*002*20261399", ["K3*DTM*6**8", "K4*2*373*8*20261399"], "K5*R*5"),
    "bad time": (b"DTM*002*20261201", b"DTM*002*20261201*2561", ["K3*DTM*6**8", "K4*3*337*9*2561"], "K5*R*5"),
    "code not in the list": (b"BEG*00*SA", b"BEG*99*SA", ["K3*BEG*2**8", "K4*1*353*7*99"], "K5*E"),
    "syntax note broken": (
        b"PER*BD*Buyer Desk*TE*5551234567~",
        b"PER*BD*Buyer Desk*TE~",
        ["K3*PER*5**8", "K4*4*364*2"],
        "K5*R*5",
    ),
    "wrong SE count": (b"SE*15*", b"SE*14*", [], "K5*R*4"),
    "SE control number mismatch": (b"SE*15*0001", b"SE*15*0002", [], "K5*R*3"),
}


@pytest.mark.parametrize("case", sorted(X12_CASES))
@pytest.mark.parametrize("version", ["004010", "005010"])
def test_x12_error_classes(case: str, version: str) -> None:
    old, new, notes, trailer = X12_CASES[case]
    valid = x12_850(version)
    assert old in valid
    mutated = valid.replace(old, new, 1)
    ack = ack_of(mutated if "SE" in case else recount(mutated))
    prefix = "I" if version == "005010" else "A"
    assert texts(ack, "AK3", "AK4", "IK3", "IK4") == [prefix + n for n in notes]
    assert texts(ack, "AK5", "IK5") == [prefix + trailer]
    ak9 = texts(ack, "AK9")[0]
    assert ak9.startswith("AK9*E" if trailer == "K5*E" else "AK9*R")
    assert texts(ack, "ST")[0].startswith("ST*999" if version == "005010" else "ST*997")


def test_group_count_and_control_mismatch_in_ak9() -> None:
    valid = x12_850("004010")
    ack = ack_of(valid.replace(b"GE*1*1~", b"GE*2*7~"))
    assert texts(ack, "AK9") == ["AK9*R*1*1*1*5*4"]


def test_partially_accepted_group() -> None:
    out = samples.x12("850", "004010", samples.x12_850(), "PO")
    two = out.replace(b"GE*1*1~", b"ST*850*0002~BEG*00*SA~SE*3*0002~GE*2*1~")
    ack = ack_of(two)
    assert texts(ack, "AK5") == ["AK5*A", "AK5*R*5"]
    assert texts(ack, "AK9") == ["AK9*P*2*2*1"]


def test_accepted_group() -> None:
    ack = ack_of(x12_850("004010"))
    assert texts(ack, "AK1", "AK2", "AK5", "AK9") == ["AK1*PO*1", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1"]
    assert texts(ack, "TA1") == []


@pytest.mark.parametrize(
    ("old", "new", "ta1"),
    [
        (b"IEA*1*000000001", b"IEA*2*000000001", "TA1*000000001*261125*0930*E*021"),
        (b"IEA*1*000000001", b"IEA*1*000000009", "TA1*000000001*261125*0930*E*001"),
        (b"*261125*0930*U*00401", b"*261125*0930*U*00999", "TA1*000000001*261125*0930*R*017"),
        (b"*0*P*>~", b"*1*P*>~", "TA1*000000001*261125*0930*A*000"),
    ],
)
def test_ta1_for_interchange_problems_or_when_asked(old: bytes, new: bytes, ta1: str) -> None:
    valid = x12_850("004010")
    assert old in valid
    ack = ack_of(valid.replace(old, new))
    assert texts(ack, "TA1") == [ta1]


def orders() -> bytes:
    return samples.edifact("ORDERS", "D96A", samples.orders())


CONTRL_CASES = {
    "missing mandatory segment": (b"BGM+220+PO-1001+9'", b"", ["UCS+2+13"]),
    "segment out of order": (b"CNT+2:2'", b"CNT+2:2'DTM+137:20261125:102'", ["UCS+19+15"]),
    "too many repeats": (b"BGM+220+PO-1001+9'", b"BGM+220+PO-1001+9'BGM+220+PO-1001+9'", ["UCS+3+35"]),
    "unknown segment": (b"UNS+S'", b"ZZZ+1'UNS+S'", ["UCS+17+15"]),
    "element too long": (b"PO-1001", b"PO-1001" + b"X" * 40, ["UCS+2", "UCD+39+2"]),
    "bad number": (b"QTY+21:2'", b"QTY+21:2O'", ["UCS+10", "UCD+37+1:2"]),
    "wrong UNT count": (b"UNT+19+1'", b"UNT+18+1'", []),
    "UNT reference mismatch": (b"UNT+19+1'", b"UNT+19+9'", []),
}


@pytest.mark.parametrize("case", sorted(CONTRL_CASES))
def test_contrl_error_classes(case: str) -> None:
    old, new, details = CONTRL_CASES[case]
    valid = orders()
    assert old in valid, case
    mutated = valid.replace(old, new, 1)
    ack = ack_of(mutated if "UNT" in case else recount(mutated))
    assert texts(ack, "UCI") == ["UCI+1+DEMORETAILER:ZZ+ACMESUPPLY:ZZ+8"]
    ucm = texts(ack, "UCM")
    expected_ucm = {
        "wrong UNT count": "UCM+1+ORDERS:D:96A:UN+4+29",
        "UNT reference mismatch": "UCM+1+ORDERS:D:96A:UN+4+28",
    }.get(case, "UCM+1+ORDERS:D:96A:UN+4")
    assert ucm == [expected_ucm]
    assert texts(ack, "UCS", "UCD") == details


@pytest.mark.parametrize(
    ("old", "new", "uci"),
    [
        (b"UNZ+1+1'", b"UNZ+2+1'", "UCI+1+DEMORETAILER:ZZ+ACMESUPPLY:ZZ+4+29"),
        (b"UNZ+1+1'", b"UNZ+1+5'", "UCI+1+DEMORETAILER:ZZ+ACMESUPPLY:ZZ+4+28"),
        (b"UNZ+1+1'", b"UNZ+1+1'", "UCI+1+DEMORETAILER:ZZ+ACMESUPPLY:ZZ+7"),
    ],
)
def test_contrl_interchange_level(old: bytes, new: bytes, uci: str) -> None:
    ack = ack_of(orders().replace(old, new))
    assert texts(ack, "UCI") == [uci]
    assert texts(ack, "UNH")[0].endswith("CONTRL:D:3:UN")


def test_acknowledgments_are_not_acknowledged() -> None:
    (r997,) = validate(samples.x12("997", "004010", samples.x12_997(), "FA"))
    assert acknowledge(r997, numbers=MemoryNumbers()) is None
    (contrl,) = validate(samples.edifact("CONTRL", "D96A", samples.contrl()))
    assert acknowledge(contrl, numbers=MemoryNumbers()) is None


def test_written_acknowledgments_pass_the_independent_validator() -> None:
    acks = {}
    for version in ("004010", "005010"):
        (result,) = validate(x12_850(version).replace(b"PO1*1*2*EA", b"PO1*1*2O*EA"))
        ack = acknowledge(result, numbers=MemoryNumbers(), now=samples.NOW)
        assert ack is not None
        acks[version] = ack
    verdicts = edi_validator.check(acks)
    assert verdicts == {"004010": [], "005010": []}
