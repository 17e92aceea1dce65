"""Build a transaction set's segments from a nested structure, in the order its specification gives.

The structure is a dict keyed by segment tags and loop ids, shaped by the specification:

    {"BEG": ["00", "SA", "PO-1001", None, "20261125"],
     "REF": [["IA", "VEND42"], ["DP", "042"]],           # REF may repeat: a list of occurrences
     "N1": [{"N1": ["ST", "Store 7", "92", "0007"], "N4": [["Austin", "TX", "78701"]]}],
     "PO1": [{"PO1": ["1", "2", "EA", "19.99"], "PID": [{"PID": ["F", None, None, None, "Widget"]}]}],
     "CTT": {"CTT": ["1"]}}

A segment used at most once is one list of element values (a component list for a composite); a
segment that may repeat is a list of such lists; a loop is a dict, or a list of dicts when it may
repeat. A loop iteration may also be given as a list of (tag, values) pairs, in order, when it holds
segments only: the specification then says which of them repeat. Envelope segments (ST/SE, UNH/UNT)
are the writer's. Anything the specification does not have
at that place, too many occurrences, or a mandatory segment left out raises EdiWriteError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridlink.edi.errors import EdiWriteError
from gridlink.edi.segment import Values
from gridlink.edi.spec import LoopNode, SegmentNode, SetSpec

_ENVELOPE = frozenset({"ST", "SE", "UNH", "UNT"})

Body = list[tuple[str, Values]]


def compose(spec: SetSpec, structure: Mapping[str, Any]) -> Body:
    """The set's body segments, in specification order, ready for ``write_set`` or ``write_message``."""
    body: Body = []
    _loop(spec.root, structure, spec.id, body)
    return body


def _loop(node: LoopNode, given: Any, where: str, body: Body) -> None:
    if isinstance(given, list):
        given = _from_pairs(node, given, where)
    if not isinstance(given, Mapping):
        raise EdiWriteError(f"{where}: a loop iteration must be a dict, or a list of (tag, values) pairs")
    known = {child.id if isinstance(child, LoopNode) else child.tag for child in node.children}
    unknown = sorted(set(given) - known)
    if unknown:
        raise EdiWriteError(f"{where}: {', '.join(unknown)} not part of this loop in the specification")
    # A tag may stand at two places of one loop (REF before and after N1, say): the dict fills the first.
    done: set[str] = set()
    for child in node.children:
        key = child.id if isinstance(child, LoopNode) else child.tag
        if key in _ENVELOPE:
            continue
        value = given.get(key) if key not in done else None
        done.add(key)
        occurrences = _occurrences(child, value, f"{where}/{key}")
        if not occurrences and child.required:
            raise EdiWriteError(f"{where}: mandatory {key} is missing")
        for index, occurrence in enumerate(occurrences, 1):
            if isinstance(child, LoopNode):
                label = f"{where}/{key}" + (f"[{index}]" if child.max > 1 else "")
                _loop(child, occurrence, label, body)
            else:
                body.append((child.tag, occurrence))


def _from_pairs(node: LoopNode, pairs: list[Any], where: str) -> dict[str, Any]:
    segments = {child.tag: child for child in node.children if isinstance(child, SegmentNode)}
    given: dict[str, Any] = {}
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise EdiWriteError(f"{where}: {pair!r} is not a (tag, values) pair")
        tag, values = pair
        child = segments.get(tag)
        if child is None:
            raise EdiWriteError(f"{where}: {tag} is not a segment of this loop in the specification")
        if child.max > 1:
            given.setdefault(tag, []).append(values)
        elif tag in given:
            raise EdiWriteError(f"{where}: {tag} may occur only once")
        else:
            given[tag] = values
    return given


def _occurrences(child: SegmentNode | LoopNode, value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    repeats = child.max > 1
    if isinstance(child, LoopNode):
        items = value if repeats and isinstance(value, list) else [value]
    elif repeats:
        if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
            raise EdiWriteError(f"{where} may repeat: give a list of occurrences, each a list of elements")
        items = value
    else:
        if not isinstance(value, list):
            raise EdiWriteError(f"{where}: give the segment as a list of element values")
        items = [value]
    if len(items) > child.max:
        raise EdiWriteError(f"{where}: {len(items)} occurrences, at most {child.max} allowed")
    return list(items)
