"""``gridlink edi show / validate / ack`` as an operator runs them on a file."""

from __future__ import annotations

from pathlib import Path

from gridlink.edi.tokenizer import read_segments
from tests.edi import samples
from tests.support.processes import run_gridlink


def test_validate_exit_status_and_listing(tmp_path: Path) -> None:
    good = tmp_path / "good.edi"
    good.write_bytes(samples.edifact("ORDERS", "D96A", samples.orders()))
    bad = tmp_path / "bad.edi"
    bad.write_bytes(
        samples.x12("850", "004010", samples.x12_850(), "PO").replace(b"PO1*1*2*EA", b"PO1*1*2O*EA")
    )
    ok = run_gridlink(["edi", "validate", str(good)])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 problem(s)" in ok.stdout
    failed = run_gridlink(["edi", "validate", str(bad)])
    assert failed.returncode == 1
    assert "Quantity Ordered must be numeric" in failed.stdout


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.edi"
    junk.write_bytes(b"this is not EDI")
    result = run_gridlink(["edi", "validate", str(junk)])
    assert result.returncode == 2
    assert "no ISA, UNA or UNB header" in result.stdout + result.stderr


def test_ack_prints_the_997_it_would_send(tmp_path: Path) -> None:
    bad = tmp_path / "bad.edi"
    bad.write_bytes(
        samples.x12("850", "004010", samples.x12_850(), "PO").replace(b"PO1*1*2*EA", b"PO1*1*2O*EA")
    )
    result = run_gridlink(["edi", "ack", str(bad)])
    assert result.returncode == 0, result.stderr
    tags = [s.text() for s in read_segments(result.stdout.encode())]
    assert "AK4*2*330*6*2O" in tags and "AK5*R*5" in tags


def test_show_names_segments_and_elements(tmp_path: Path) -> None:
    doc = tmp_path / "po.edi"
    doc.write_bytes(samples.x12("850", "004010", samples.x12_850(), "PO"))
    result = run_gridlink(["edi", "show", str(doc)])
    assert result.returncode == 0, result.stderr
    assert "BEG Beginning Segment for Purchase Order" in result.stdout
    assert "BEG03 Purchase Order Number: 'PO-1001'" in result.stdout


def test_a_flood_of_problems_is_capped_and_counted(tmp_path: Path) -> None:
    lines = 1100
    body = [("BEG", ["00", "SA", "PO-1", None, "20261125"])]
    body += [("PO1", [str(n), "2O", "EA", "1.00", None, "VP", f"SKU-{n}"]) for n in range(1, lines + 1)]
    doc = tmp_path / "flood.edi"
    doc.write_bytes(samples.x12("850", "004010", body, "PO"))
    result = run_gridlink(["edi", "validate", str(doc)])
    assert result.returncode == 1
    assert "and 100 more problem(s), not listed: at most 1000 per set" in result.stdout
