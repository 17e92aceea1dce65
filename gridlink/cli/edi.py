"""``gridlink edi``: look at, validate and acknowledge X12 and EDIFACT files, no hub needed."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from gridlink.cli.console import console, fail
from gridlink.edi.ack import acknowledge
from gridlink.edi.errors import EdiError
from gridlink.edi.results import PROBLEM_LIMIT
from gridlink.edi.segment import Segment
from gridlink.edi.spec import Dictionary, dictionary
from gridlink.edi.tokenizer import SegmentReader
from gridlink.edi.validator import EDIFACT_DEFAULT_DIRECTORY, X12_VERSIONS, Validator, x12_version
from gridlink.edi.writer import MemoryNumbers

app = typer.Typer(help="Show, validate and acknowledge X12 and EDIFACT files.", no_args_is_help=True)
FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="an X12 or EDIFACT file")


def _dictionary_for(seg: Segment, current: Dictionary) -> Dictionary:
    """The dictionary that names the segments after this envelope segment."""
    try:
        if seg.tag == "ISA":
            return dictionary("x12", X12_VERSIONS.get(seg.get(12), "004010"))
        if seg.tag == "GS":
            return dictionary("x12", x12_version(seg.get(8)) or "004010")
        if seg.tag in ("UNB", "UNA"):
            return dictionary("edifact", EDIFACT_DEFAULT_DIRECTORY)
        if seg.tag == "UNH":
            s009 = seg.components(2)
            return dictionary("edifact", "".join(s009[1:3]))
    except EdiError:
        return current
    return current


@app.command()
def show(path: Path = FILE) -> None:
    """Print every segment with its name and the names of its elements."""
    dic = dictionary("x12", "004010")
    try:
        with path.open("rb") as stream:
            for seg in SegmentReader(stream):
                dic = _dictionary_for(seg, dic)
                spec = dic.segments.get(seg.tag)
                console.print(f"[bold]{seg.tag}[/bold] {spec.name if spec else '(not in the dictionary)'}")
                for number, _ in enumerate(seg.elements, start=1):
                    value = seg.get(number) if seg.tag != "UNA" else seg.raw(number)
                    if not value:
                        continue
                    name = spec.uses[number - 1].name if spec and number <= len(spec.uses) else "?"
                    console.print(f"  {seg.tag}{number:02d} {name}: {value!r}", highlight=False)
    except EdiError as exc:
        fail(str(exc), code=2)


@app.command()
def validate(path: Path = FILE) -> None:
    """Validate every interchange; exit status 0 when all are clean, 1 when any has a problem."""
    clean = True
    try:
        with path.open("rb") as stream:
            for result in Validator().run(stream):
                problems = result.all_problems()
                clean = clean and not problems
                label = f"{result.standard.upper()} interchange {result.control} from {result.sender}"
                console.print(f"{label}: {len(result.sets)} set(s), {len(problems)} problem(s)")
                for notice in result.notices:
                    console.print(f"  tolerated: {notice.message} (x{notice.count})")
                if problems:
                    table = Table("where", "problem", "kind")
                    for where, problem in problems:
                        table.add_row(where, str(problem), problem.kind.value)
                    console.print(table)
                dropped = sum(s.dropped for s in result.sets)
                if dropped:
                    console.print(
                        f"  and {dropped} more problem(s), not listed: at most {PROBLEM_LIMIT} per set"
                    )
    except EdiError as exc:
        fail(str(exc), code=2)
    raise typer.Exit(0 if clean else 1)


@app.command()
def ack(
    path: Path = FILE,
    flavour: str = typer.Option(None, help="997 or 999 for X12 (default: 999 for 005010 groups, else 997)"),
) -> None:
    """Print the acknowledgment (997, 999, TA1 or CONTRL) the hub would send for this file."""
    if flavour not in (None, "997", "999"):
        fail("--flavour must be 997 or 999", code=2)
    try:
        with path.open("rb") as stream:
            for result in Validator().run(stream):
                data = acknowledge(
                    result,
                    numbers=MemoryNumbers(),
                    flavour=flavour,
                    delimiters=result.delimiters.with_suffix("\n"),
                )
                if data is None:
                    console.print(f"interchange {result.control}: acknowledgments are not acknowledged")
                    continue
                sys.stdout.write(data.decode("utf-8", "replace"))
    except EdiError as exc:
        fail(str(exc), code=2)
