"""Where a segment belongs in a set's structure: a cursor over loops, counts and mandatory positions."""

from __future__ import annotations

from dataclasses import dataclass

from gridlink.edi.problems import Kind, Problem
from gridlink.edi.spec import LoopNode


@dataclass(slots=True)
class Placement:
    """Where a segment went: the loop it started (if it is a trigger), and what was wrong on the way."""

    entered: LoopNode | None
    problems: list[Problem]


class _Frame:
    __slots__ = ("counts", "node", "pos")

    def __init__(self, node: LoopNode, pos: int, counts: list[int]) -> None:
        self.node = node
        self.pos = pos  # index of the child placed last; -1 before the first
        self.counts = counts


class Cursor:
    """Follows a transaction set segment by segment, the way the X12 and EDIFACT loop rules read it."""

    __slots__ = ("frames",)

    def __init__(self, root: LoopNode) -> None:
        self.frames = [_Frame(root, -1, [0] * len(root.children))]

    def place(self, tag: str, position: int) -> Placement | None:
        """Place a segment; None when it fits nowhere forward (the cursor then does not move)."""
        frames = self.frames
        for depth in range(len(frames) - 1, -1, -1):
            frame = frames[depth]
            pos = frame.pos
            found = -1
            for j in frame.node.index_of.get(tag, ()):
                # A loop's trigger seen again ends this iteration: the parent starts the next one.
                if j >= pos and (j or not depth):
                    found = j
                    break
            if found < 0:
                continue
            problems: list[Problem] = []
            for inner in frames[depth + 1 :]:
                if inner.pos < inner.node.last_required:
                    _missing(inner, inner.pos + 1, len(inner.counts), tag, position, problems)
            if found > pos + 1:  # positions skipped over: were any of them mandatory?
                _missing(frame, pos + 1, found, tag, position, problems)
            del frames[depth + 1 :]
            frame.pos = found
            frame.counts[found] += 1
            child = frame.node.children[found]
            if frame.counts[found] > child.max:
                if isinstance(child, LoopNode):
                    text = f"loop {child.id} occurs more than {child.max} times"
                    problems.append(Problem(Kind.LOOP_TOO_MANY, text, tag, position, child.id))
                else:
                    text = f"{tag} is used more than {child.max} times here"
                    problems.append(Problem(Kind.SEGMENT_TOO_MANY, text, tag, position, frame.node.id))
            if isinstance(child, LoopNode):
                frames.append(_Frame(child, 0, [1] + [0] * (len(child.children) - 1)))
                return Placement(child, problems)
            return Placement(None, problems)
        return None

    def close(self, position: int) -> list[Problem]:
        """At the end of the set: every mandatory position not yet seen is missing."""
        problems: list[Problem] = []
        for frame in reversed(self.frames):
            _missing(frame, frame.pos + 1, len(frame.counts), "the end", position, problems)
        return problems

    def loop_id(self) -> str:
        """The id of the innermost open loop."""
        return self.frames[-1].node.id


def _missing(frame: _Frame, start: int, stop: int, before: str, position: int, out: list[Problem]) -> None:
    children, counts = frame.node.children, frame.counts
    for i in range(start, stop):
        child = children[i]
        if child.required and counts[i] == 0:
            what = child.trigger if isinstance(child, LoopNode) else child.tag
            text = f"mandatory segment {what} is missing before {before}"
            out.append(Problem(Kind.MISSING_SEGMENT, text, what, position, frame.node.id))
