"""Properties: valid documents round-trip byte for byte; mutated files raise only the engine's errors;
memory stays flat however large the interchange."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridlink.edi.ack import acknowledge
from gridlink.edi.errors import EdiError
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import Validator
from gridlink.edi.writer import EdifactWriter, MemoryNumbers, Party, X12Writer, dump
from tests.edi import samples

X12_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,/#&", min_size=1, max_size=20).map(
    str.strip
)
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), min_size=1, max_size=30)
LINES = st.lists(
    st.tuples(X12_TEXT.filter(bool), st.integers(1, 9999), st.decimals("0.01", "99999.99", places=2)),
    min_size=1,
    max_size=15,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(lines=LINES, po=X12_TEXT.filter(bool), version=st.sampled_from(["004010", "005010"]))
def test_x12_round_trips_byte_identically(
    lines: list[tuple[str, int, object]], po: str, version: str
) -> None:
    body = [("BEG", ["00", "SA", po, None, "20261125"])]
    for n, (sku, qty, price) in enumerate(lines, start=1):
        body += [("PO1", [str(n), str(qty), "EA", str(price), None, "VP", sku])]
    data = samples.x12("850", version, body, "PO")
    assert dump(read_segments(data)) == data
    (result,) = Validator().run(data)
    assert result.all_problems() == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(names=st.lists(ANY_TEXT, min_size=1, max_size=10), una=st.booleans())
def test_edifact_with_release_characters_round_trips(names: list[str], una: bool) -> None:
    out = io.BytesIO()
    writer = EdifactWriter(
        out, sender=Party("ZZ", "A"), receiver=Party("ZZ", "B"), numbers=MemoryNumbers(), una=una
    )
    body = [("BGM", ["220", "PO1", "9"]), ("DTM", [["137", "20261125", "102"]])]
    for n, name in enumerate(names, start=1):
        body += [("LIN", [str(n)]), ("IMD", ["F", None, None, [None, None, None, name[:35]]])]
    body += [("UNS", ["S"])]
    writer.write_message("ORDERS", "D", "96A", body)
    writer.close()
    data = out.getvalue()
    segments = read_segments(data)
    assert dump(segments, encoding="latin-1") == data
    imds = [s.components(4)[3] for s in segments if s.tag == "IMD"]
    assert imds == [n[:35] for n in names]


VALID = [
    samples.x12("850", "004010", samples.x12_850(), "PO"),
    samples.x12("856", "005010", samples.x12_856(), "SH"),
    samples.edifact("ORDERS", "D96A", samples.orders()),
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    which=st.integers(0, len(VALID) - 1),
    edits=st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.sampled_from(["delete", "insert", "replace"]),
            st.binary(min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_mutations_raise_only_the_engines_errors(which: int, edits: list[tuple[int, str, bytes]]) -> None:
    data = bytearray(VALID[which])
    for at, how, chunk in edits:
        i = at % (len(data) + 1)
        if how == "delete":
            del data[i : i + len(chunk)]
        elif how == "insert":
            data[i:i] = chunk
        else:
            data[i : i + len(chunk)] = chunk
    try:
        for result in Validator().run(bytes(data)):
            acknowledge(result, numbers=MemoryNumbers())
    except EdiError:
        pass


def _write_850(path: Path, lines: int) -> None:
    with path.open("wb") as out:
        writer = X12Writer(
            out, sender=Party("ZZ", "ACME"), receiver=Party("ZZ", "HUB"), numbers=MemoryNumbers()
        )
        writer.begin_group("PO")
        writer.begin_set("850")
        writer.segment("BEG", ["00", "SA", "PO-1", None, "20261125"])
        for n in range(lines):
            writer.segment("PO1", [str(n + 1), str(n % 50 + 1), "EA", "9.99", None, "VP", f"SKU-{n}"])
            writer.segment("PID", ["F", None, None, None, f"Item {n}"])
        writer.end_set()
        writer.close()


def _peak(path: Path) -> int:
    tracemalloc.start()
    with path.open("rb") as stream:
        (result,) = Validator().run(stream)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.all_problems() == [], result.all_problems()[:3]
    return peak


def test_peak_memory_does_not_grow_with_the_interchange(tmp_path: Path) -> None:
    small, large = tmp_path / "small.edi", tmp_path / "large.edi"
    _write_850(small, 5_000)
    _write_850(large, 50_000)
    assert large.stat().st_size > 9 * small.stat().st_size
    small_peak, large_peak = _peak(small), _peak(large)
    # Ten times the data: the peak may differ by noise (caches, chunk buffers), never by the data size.
    assert large_peak < small_peak * 1.5 + 512 * 1024, (small_peak, large_peak)
