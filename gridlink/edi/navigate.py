"""A transaction set as a tree of loops, and paths into it: what mappings read a received document with.

``parse_set`` arranges a set's segments into the loops of its specification. A path names what to read:

    BEG03            element 3 of the BEG segment at this level
    N1[ST]/N104      element 4 of the N1 segment in the N1 loop whose N1 has ST in element 1
    PO1/PID/PID05    inside the first PO1 loop, the PID loop's PID segment, element 5
    DTM[137]01-2     component 2 of element 1 of the DTM whose first element (or its first component) is 137
    SG2[SU]/NAD02-1  EDIFACT: the NAD of the segment group 2 with party qualifier SU

A step names a loop (by its id in the specification) or a segment (by its tag); a loop is preferred where
both exist and more steps follow. ``[Q]`` keeps only occurrences whose first element (or that element's
first component) is Q. ``find_all`` returns every match, ``value`` the first value or "".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gridlink.edi.errors import EdiError
from gridlink.edi.segment import Segment
from gridlink.edi.spec import SetSpec
from gridlink.edi.structure import Cursor

_ENVELOPE = frozenset({"ST", "SE", "UNH", "UNT"})
_STEP = re.compile(r"^(?P<name>[A-Z0-9]+)(?:\[(?P<qualifier>[^\]]*)\])?(?P<element>\d{2}(?:-\d+)?)?$")


class PathError(EdiError):
    """A path that cannot be read: the message says which step and why."""


@dataclass
class Loop:
    """One iteration of a loop (the whole set at the root): its segments and inner loops, in order."""

    id: str
    children: list[Segment | Loop] = field(default_factory=list)

    def segments(self, tag: str) -> list[Segment]:
        """The segments tagged ``tag`` directly in this loop iteration."""
        return [c for c in self.children if isinstance(c, Segment) and c.tag == tag]

    def loops(self, loop_id: str) -> list[Loop]:
        """The iterations of the inner loop ``loop_id`` directly in this loop iteration."""
        return [c for c in self.children if isinstance(c, Loop) and c.id == loop_id]

    def find_all(self, path: str) -> list[str | Segment | Loop]:
        """Everything ``path`` names: values when it ends in an element, else segments or loops."""
        nodes: list[Segment | Loop] = [self]
        steps = parse_path(path)
        for index, (step_name, qualifier, step_element) in enumerate(steps):
            name, element = step_name, step_element
            last = index == len(steps) - 1
            found = _step(nodes, name, qualifier, prefer_loop=not last or not element)
            if last and not found and not element and name[-2:].isdigit() and len(name) > 2:
                # "N104" is element 04 of N1 unless something is called N104 (a loop SG25, say).
                name, element = name[:-2], name[-2:]
                found = _step(nodes, name, qualifier, prefer_loop=False)
            if element:
                return [_element(s, element) for s in found if isinstance(s, Segment)]
            nodes = found
        return list(nodes)

    def find(self, path: str) -> str | Segment | Loop | None:
        """The first thing ``path`` names, or None."""
        found = self.find_all(path)
        return found[0] if found else None

    def value(self, path: str) -> str:
        """The first value ``path`` names, "" when absent; the path must end in an element."""
        found = self.find_all(path)
        if found and not isinstance(found[0], str):
            raise PathError(f"{path!r} does not end in an element (e.g. BEG03 or DTM01-2)")
        return str(found[0]) if found else ""


def parse_path(path: str) -> list[tuple[str, str | None, str | None]]:
    """The steps of ``path`` as (name, qualifier, element); PathError when it is not a path."""
    steps = []
    parts = path.split("/")
    for index, step in enumerate(parts):
        match = _STEP.match(step)
        if match is None:
            raise PathError(f"{path!r}: step {step!r} is not NAME, NAME[Q], NAMEnn or NAMEnn-m")
        if match["element"] and index < len(parts) - 1:
            raise PathError(f"{path!r}: only the last step may name an element")
        steps.append((match["name"], match["qualifier"], match["element"]))
    return steps


def parse_set(segments: Iterable[Segment], spec: SetSpec) -> Loop:
    """Arrange one set's segments into loops as ``spec`` defines them (envelope segments are left out).

    Segments that fit nowhere stay in the innermost open loop: validation reports them, mapping goes on.
    """
    root = Loop(spec.id)
    stack = [root]
    cursor = Cursor(spec.root)
    for position, seg in enumerate(segments, 1):
        if seg.tag in _ENVELOPE:
            continue
        placement = cursor.place(seg.tag, position)
        if placement is None:
            stack[-1].children.append(seg)
            continue
        depth = len(cursor.frames)
        if placement.entered is not None:
            del stack[depth - 1 :]
            loop = Loop(placement.entered.id, [seg])
            stack[-1].children.append(loop)
            stack.append(loop)
        else:
            del stack[depth:]
            stack[-1].children.append(seg)
    return root


def _step(
    nodes: list[Segment | Loop], name: str, qualifier: str | None, *, prefer_loop: bool
) -> list[Segment | Loop]:
    found: list[Segment | Loop] = []
    for node in nodes:
        if not isinstance(node, Loop):
            continue
        loops, segments = node.loops(name), node.segments(name)
        found += loops if (loops and prefer_loop) or not segments else segments
    if qualifier is None:
        return found
    return [node for node in found if _qualifier(node) == qualifier]


def _qualifier(node: Segment | Loop) -> str:
    seg = node if isinstance(node, Segment) else node.children[0]
    assert isinstance(seg, Segment)
    return seg.get(1, 1) if seg.delims.component in seg.raw(1) else seg.get(1)


def _element(seg: Segment, designator: str) -> str:
    position, _, component = designator.partition("-")
    return seg.get(int(position), int(component)) if component else seg.get(int(position))


def set_bodies(segments: Sequence[Segment]) -> list[list[Segment]]:
    """The segments of each set (ST..SE or UNH..UNT, both included) in an interchange's segments."""
    bodies: list[list[Segment]] = []
    current: list[Segment] | None = None
    for seg in segments:
        if seg.tag in ("ST", "UNH"):
            current = [seg]
        elif current is not None:
            current.append(seg)
            if seg.tag in ("SE", "UNT"):
                bodies.append(current)
                current = None
    return bodies
