"""Mapping API: build a set from a nested structure, read one back by path."""

from __future__ import annotations

import io

import pytest

from gridlink.edi.compose import compose
from gridlink.edi.errors import EdiWriteError
from gridlink.edi.navigate import Loop, PathError, parse_set, set_bodies
from gridlink.edi.spec import load_set
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import validate
from tests.edi import samples
from tests.support import edi_validator

PURCHASE_ORDER = {
    "BEG": ["00", "SA", "PO-1001", None, "20261125"],
    "REF": [["IA", "VEND42"], ["DP", "042"]],
    "DTM": [["002", "20261201"]],
    "N1": [
        {"N1": ["BT", "Demo Retail HQ", "92", "HQ"]},
        {"N1": ["ST", "Demo Retail DC", "92", "DC01"], "N3": [["100 Main Street"]], "N4": [["Austin", "TX"]]},
    ],
    "PO1": [
        {
            "PO1": [str(n), "2", "EA", "19.99", None, "VP", f"SKU-{n}"],
            "PID": [{"PID": ["F", None, None, None, f"Widget {n}"]}],
        }
        for n in (1, 2)
    ],
    "CTT": {"CTT": ["2"]},
}

ORDERS = {
    "BGM": ["220", "PO-1001", "9"],
    "DTM": [[["137", "20261125", "102"]], [["2", "20261201", "102"]]],
    "SG2": [
        {"NAD": ["BY", ["5412345000013", None, "9"]]},
        {"NAD": ["SU", ["4012345000009", None, "9"]]},
    ],
    "SG25": [
        {
            "LIN": [str(n), None, [f"400000000{n:04d}", "SRV"]],
            "QTY": [[["21", str(n * 2)]]],
        }
        for n in (1, 2)
    ],
    "UNS": ["S"],
    "CNT": [[["2", "2"]]],
}


def write_x12(set_id: str, version: str, body: list[tuple[str, object]]) -> bytes:
    out = io.BytesIO()
    writer = samples.x12_writer(out, version)
    writer.begin_group("PO", version)
    writer.write_set(set_id, body, version if version == "005010" else None)  # type: ignore[arg-type]
    writer.close()
    return out.getvalue()


def read_back(data: bytes, standard: str, version: str, set_id: str) -> Loop:
    (body,) = set_bodies(read_segments(data))
    return parse_set(body, load_set(standard, version, set_id))


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_an_850_built_from_a_nested_structure_is_valid_and_reads_back_by_path(version: str) -> None:
    data = write_x12("850", version, compose(load_set("x12", version, "850"), PURCHASE_ORDER))
    (result,) = validate(data)
    assert result.all_problems() == []
    assert edi_validator.check({"850": data}) == {"850": []}

    po = read_back(data, "x12", version, "850")

    assert po.value("BEG03") == "PO-1001"
    assert po.value("REF[DP]02") == "042"
    assert po.value("N1[ST]/N104") == "DC01"
    assert po.value("N1[ST]/N401") == "Austin"
    assert po.value("N1[BT]/N401") == ""  # the bill-to party has no address
    assert po.find_all("PO1/PO107") == ["SKU-1", "SKU-2"]
    assert po.find_all("PO1/PID/PID05") == ["Widget 1", "Widget 2"]
    assert len(po.find_all("PO1")) == 2
    line = po.loops("PO1")[1]
    assert line.value("PO101") == "2" and line.value("PID/PID05") == "Widget 2"
    assert po.value("CTT/CTT01") == "2"


def test_orders_built_from_a_nested_structure_is_valid_and_reads_back_by_path() -> None:
    out = io.BytesIO()
    writer = samples.edifact_writer(out)
    writer.write_message("ORDERS", "D", "96A", compose(load_set("edifact", "D96A", "ORDERS"), ORDERS))
    writer.close()
    data = out.getvalue()
    (result,) = validate(data)
    assert result.all_problems() == []
    assert edi_validator.check({"orders": data}) == {"orders": []}

    order = read_back(data, "edifact", "D96A", "ORDERS")

    assert order.value("BGM02") == "PO-1001"
    assert order.value("DTM[137]01-2") == "20261125"
    assert order.value("DTM[2]01-2") == "20261201"
    assert order.value("SG2[SU]/NAD02-1") == "4012345000009"
    assert order.find_all("SG25/LIN03-1") == ["4000000000001", "4000000000002"]
    assert order.find_all("SG25/QTY[21]01-2") == ["2", "4"]


def test_segments_that_fit_nowhere_stay_readable_in_the_loop_they_came_in() -> None:
    data = samples.x12("850", "004010", samples.x12_850(), "PO").replace(b"CTT*2~", b"ZZZ*1~CTT*2~")
    po = read_back(data, "x12", "004010", "850")
    # It came after the last line's PID loop, the innermost loop open at that point.
    assert po.find_all("PO1/PID/ZZZ01") == ["1"]
    assert po.value("CTT/CTT01") == "2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"XYZ": ["1"]}, "XYZ not part of this loop"),
        ({"BEG": None}, "mandatory BEG is missing"),
        ({"PO1": []}, "mandatory PO1 is missing"),
        ({"REF": ["IA", "VEND42"]}, "REF may repeat: give a list of occurrences"),
        ({"BEG": "00"}, "give the segment as a list of element values"),
        ({"N1": [{"N1": ["ST", "x"], "PO1": ["1"]}]}, "850/N1[1]: PO1 not part of this loop"),
        ({"CTT": {"CTT": ["2"]}, "DTM": [["002", "20261201"]] * 11}, "11 occurrences, at most 10"),
    ],
)
def test_a_structure_the_specification_does_not_allow_is_refused_with_where_and_why(
    change: dict[str, object], message: str
) -> None:
    structure = {k: v for k, v in (PURCHASE_ORDER | change).items() if v is not None}
    with pytest.raises(EdiWriteError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compose(load_set("x12", "004010", "850"), structure)


@pytest.mark.parametrize("path", ["BEG03-x", "beg03", "BEG[", "", "BEG"])
def test_a_malformed_path_is_refused(path: str) -> None:
    po = read_back(samples.x12("850", "004010", samples.x12_850(), "PO"), "x12", "004010", "850")
    with pytest.raises(PathError):
        po.value(path)
