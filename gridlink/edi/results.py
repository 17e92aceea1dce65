"""What validating an interchange yields: per interchange, group and set, with every problem found."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridlink.edi.delimiters import Delimiters
from gridlink.edi.problems import Problem
from gridlink.edi.tokenizer import Notice

PROBLEM_LIMIT = 1000  # per set: a broken 1 GB file must not fill memory with copies of one error


@dataclass
class SetResult:
    """One transaction set (X12 ST..SE) or message (EDIFACT UNH..UNT)."""

    id: str
    control: str
    version: str = ""
    implementation: str = ""  # ST03 in 005010, the association code of UNH S009 in EDIFACT
    agency: str = ""
    segments: int = 0
    supported: bool = True
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    @property
    def accepted(self) -> bool:
        """True when nothing is wrong with the set."""
        return not self.problems

    def add(self, problem: Problem) -> None:
        """Record a problem, up to PROBLEM_LIMIT of them."""
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(problem)
        else:
            self.dropped += 1


@dataclass
class GroupResult:
    """One functional group (X12 GS..GE, EDIFACT UNG..UNE), or the messages of an EDIFACT interchange."""

    functional_id: str = ""
    control: str = ""
    version: str = ""
    sender: str = ""
    receiver: str = ""
    explicit: bool = True
    sets: list[SetResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def accepted_sets(self) -> int:
        """How many sets of the group are accepted."""
        return sum(1 for s in self.sets if s.accepted)


@dataclass
class InterchangeResult:
    """One interchange (ISA..IEA or UNB..UNZ) as validated."""

    standard: str
    delimiters: Delimiters
    sender_qualifier: str = ""
    sender: str = ""
    receiver_qualifier: str = ""
    receiver: str = ""
    control: str = ""
    date: str = ""
    time: str = ""
    version: str = ""  # ISA12, or the EDIFACT syntax identifier and version ("UNOC:3")
    ack_requested: bool = False
    test: bool = False
    una: bool = False
    groups: list[GroupResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def sets(self) -> list[SetResult]:
        """Every set of every group."""
        return [s for g in self.groups for s in g.sets]

    @property
    def valid(self) -> bool:
        """True when neither the envelope nor any group or set has a problem."""
        return not self.problems and all(
            not g.problems and all(s.accepted for s in g.sets) for g in self.groups
        )

    def all_problems(self) -> list[tuple[str, Problem]]:
        """Every problem with a label saying where: interchange, group or set."""
        out = [(f"interchange {self.control}", p) for p in self.problems]
        for g in self.groups:
            label = f"group {g.control}" if g.explicit else "messages"
            out += [(label, p) for p in g.problems]
            out += [(f"{s.id} {s.control}", p) for s in g.sets for p in s.problems]
        return out
