"""EDI engine throughput: read+validate and write, side by side with pydifact and the independent validator.

    .venv/bin/python -m bench.edi [--quick]

The last line printed is one JSON object. Numbers, not assertions: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from gridlink.edi import validator as validator_module
from gridlink.edi.validator import Validator
from gridlink.edi.writer import EdifactWriter, MemoryNumbers, Party, X12Writer

VALIDATOR = Path(os.environ.get("GRIDLINK_EDI_VALIDATOR", "/tmp/bots-validator"))


def write_850(out: io.BufferedIOBase | io.BytesIO, lines: int) -> int:
    w = X12Writer(out, sender=Party("ZZ", "HUB"), receiver=Party("ZZ", "ACME"), numbers=MemoryNumbers())
    w.begin_group("PO")
    w.begin_set("850")
    w.segment("BEG", ["00", "SA", "PO-1", None, "20261125"])
    for n in range(lines):
        w.segment("PO1", [str(n + 1), str(n % 50 + 1), "EA", "9.99", None, "VP", f"SKU-{n}"])
        w.segment("PID", ["F", None, None, None, f"Item {n}"])
    w.end_set()
    w.close()
    return w.segments_written


def write_846(out: io.BufferedIOBase | io.BytesIO, lines: int) -> int:
    w = X12Writer(out, sender=Party("ZZ", "ACME"), receiver=Party("ZZ", "HUB"), numbers=MemoryNumbers())
    w.begin_group("IB")
    for start in range(0, lines, 10_000):  # the 846 LIN loop allows 10,000 per set
        w.begin_set("846")
        w.segment("BIA", ["00", "DD", f"INV-{start}", "20261125"])
        for n in range(start, min(lines, start + 10_000)):
            w.segment("LIN", [None, "VP", f"SKU-{n}"])
            w.segment("PID", ["F", None, None, None, f"Item {n}"])
            w.segment("QTY", ["33", str(n % 500)])
        w.end_set()
    w.close()
    return w.segments_written


def write_orders(out: io.BufferedIOBase | io.BytesIO, lines: int) -> int:
    w = EdifactWriter(
        out,
        sender=Party("14", "5412345000013"),
        receiver=Party("14", "4012345000009"),
        numbers=MemoryNumbers(),
    )
    w.begin_message("ORDERS", "D", "96A")
    w.segment("BGM", ["220", "PO-1", "9"])
    w.segment("DTM", [["137", "20261125", "102"]])
    for n in range(lines):
        w.segment("LIN", [str(n + 1), None, [f"{4000000000000 + n}", "SRV"]])
        w.segment("PIA", ["1", [f"SKU-{n}", "SA"]])
        w.segment("IMD", ["F", None, None, [None, None, None, f"Item {n}"]])
        w.segment("QTY", [["21", str(n % 50 + 1)]])
        w.segment("PRI", [["AAA", "9.99"]])
    w.segment("UNS", ["S"])
    w.end_message()
    w.close()
    return w.segments_written


WRITERS: dict[str, Callable[[io.BytesIO, int], int]] = {
    "850": write_850,
    "846": write_846,
    "ORDERS": write_orders,
}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def ours_read_validate(data: bytes) -> int:
    results = list(Validator().run(data))
    assert all(r.valid for r in results), [r.all_problems()[:2] for r in results]
    return sum(s.segments for r in results for s in r.sets)


def independent(path: Path) -> float | None:
    python = VALIDATOR / "venv" / "bin" / "python"
    if not python.exists():
        return None
    out = subprocess.run(
        [str(python), str(VALIDATOR / "edi_validate.py"), "--json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    item = json.loads(out.stdout.strip().splitlines()[-1])
    return float(item["seconds"]) if item["ok"] else None


def pydifact_times(data: bytes) -> tuple[float, float] | None:
    try:
        from pydifact.segmentcollection import Interchange
    except ImportError:
        return None
    warnings.filterwarnings("ignore", module="pydifact")  # it warns per segment about its own XML files
    text = data.decode("latin-1")
    holder: dict[str, object] = {}
    read = timed(lambda: holder.setdefault("i", Interchange.from_str(text)))
    write = timed(holder["i"].serialize)  # type: ignore[attr-defined]
    return read, write


def peak_memory_mb(size_mb: int) -> float:
    """Peak RSS of a fresh process reading+validating a generated 850 of about size_mb megabytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.edi"
        lines = size_mb * 1024 * 1024 // 70
        with path.open("wb") as out:
            w = X12Writer(
                out, sender=Party("ZZ", "HUB"), receiver=Party("ZZ", "ACME"), numbers=MemoryNumbers()
            )
            w.begin_group("PO")
            for start in range(0, lines, 90_000):
                w.begin_set("850")
                w.segment("BEG", ["00", "SA", f"PO-{start}", None, "20261125"])
                for n in range(start, min(lines, start + 90_000)):
                    w.segment("PO1", [str(n + 1), "1", "EA", "9.99", None, "VP", f"SKU-{n}"])
                    w.segment("PID", ["F", None, None, None, f"Item {n}"])
                w.end_set()
            w.close()
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would count this (large) parent.
        code = (
            "import sys\nfrom gridlink.edi.validator import Validator\n"
            "r=list(Validator().run(open(sys.argv[1],'rb')))\nassert all(x.valid for x in r)\n"
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
        )
        return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller files, finishes in under a minute")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [10_000, 100_000]
    rows = []
    totals = {"rv_segs": 0, "rv_s": 0.0, "w_segs": 0, "w_s": 0.0, "v_segs": 0, "v_s": 0.0, "ours_v_s": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, writer in WRITERS.items():
            for lines in sizes:
                buf = io.BytesIO()
                write_s = timed(lambda w=writer, b=buf, n=lines: w(b, n))
                data = buf.getvalue()
                segments = ours_read_validate(data)
                rv_s = min(timed(lambda d=data: ours_read_validate(d)) for _ in range(2))
                path = Path(tmp) / f"{kind}_{lines}.edi"
                path.write_bytes(data)
                validator_s = independent(path) if not (args.quick and kind == "ORDERS") else None
                py = pydifact_times(data) if kind == "ORDERS" else None
                mb = len(data) / 1e6
                row = {
                    "doc": f"{kind} {lines} lines",
                    "segments": segments,
                    "mb": round(mb, 2),
                    "read_validate_segs_s": round(segments / rv_s),
                    "read_validate_mb_s": round(mb / rv_s, 1),
                    "write_segs_s": round(segments / write_s),
                    "validator_segs_s": round(segments / validator_s) if validator_s else None,
                    "pydifact_read_segs_s": round(segments / py[0]) if py else None,
                    "pydifact_write_segs_s": round(segments / py[1]) if py else None,
                }
                rows.append(row)
                totals["rv_segs"] += segments
                totals["rv_s"] += rv_s
                totals["w_segs"] += segments
                totals["w_s"] += write_s
                if validator_s:
                    totals["v_segs"] += segments
                    totals["v_s"] += validator_s
                    totals["ours_v_s"] += rv_s  # ours on the very files the validator read
                print(json.dumps(row), flush=True)
    big_mb = 50 if args.quick else 1024
    peak = peak_memory_mb(big_mb)
    print(f"peak RSS reading+validating a {big_mb} MB interchange: {peak:.0f} MB", flush=True)
    print(
        json.dumps(
            {
                "read_validate_segments_per_s": round(totals["rv_segs"] / totals["rv_s"]),
                "write_segments_per_s": round(totals["w_segs"] / totals["w_s"]),
                "validator_read_validate_segments_per_s": round(totals["v_segs"] / totals["v_s"])
                if totals["v_s"]
                else None,
                "times_validator": round(totals["v_s"] / totals["ours_v_s"], 1) if totals["v_s"] else None,
                "compiled": validator_module.__file__ is not None
                and not validator_module.__file__.endswith(".py"),
                "peak_rss_mb": round(peak),
                "peak_file_mb": big_mb,
            }
        )
    )


if __name__ == "__main__":
    main()
