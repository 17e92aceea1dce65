"""Transaction-set specifications as data: per-version dictionaries and set structures, loaded once.

Layout under gridlink/edi/specs/{x12,edifact}/{version}/:
  elements.yaml    ref: [type, min, max, name]
  composites.yaml  ref: {name, components: [[ref, M|O|C, repeat?], ...], syntax: [...]}
  segments.yaml    tag: {name, elements: [[ref, M|O|C, repeat?], ...], syntax: ["P0102", ...]}
  codes.yaml       ref: [code, ...]            (the code lists the hub relies on)
  sets/<id>.yaml   {id, name, group, structure: [[TAG, req, max] | [LOOP, req, max, [body]], ...]}
A dictionary file may start with `_base: <version>` to extend another version's dictionary, and a set
file may say `base: <version>` when its structure is the same as that version's.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from gridlink.edi.errors import SpecError

UNBOUNDED = 1 << 30
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class ElementSpec:
    """A simple data element: type (AN, ID, Nn, R, DT, TM, B; a, n, an), length bounds and codes."""

    ref: str
    type: str
    min: int
    max: int
    name: str
    codes: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Use:
    """A data element or composite as used at one position of a segment or composite."""

    ref: str
    required: bool
    repeat: int
    element: ElementSpec | None = None
    composite: CompositeSpec | None = None

    @property
    def name(self) -> str:
        """The element's or composite's name."""
        return self.element.name if self.element else self.composite.name if self.composite else self.ref


@dataclass(frozen=True, slots=True)
class Note:
    """An X12 syntax note (or EDIFACT dependency note) over 1-based positions: P, R, C, E or L."""

    kind: str
    positions: tuple[int, ...]
    text: str
    mask: int = 0  # bit p-1 set for every position p: notes are checked against a presence bit set
    first: int = 0  # the bit of the first position

    def broken(self, present: int) -> bool:
        """True when the elements present (bit p-1 for position p) break this note."""
        have = present & self.mask
        kind = self.kind
        if kind == "P":
            return have not in (0, self.mask)
        if kind == "R":
            return have == 0
        if kind == "E":
            return have & (have - 1) != 0  # more than one bit set
        if not present & self.first:
            return False
        return have != self.mask if kind == "C" else have == self.first  # L: the first alone


@dataclass(frozen=True, slots=True)
class CompositeSpec:
    """A composite data element (X12 Cnnn, EDIFACT Cnnn/Snnn)."""

    ref: str
    name: str
    components: tuple[Use, ...]
    notes: tuple[Note, ...] = ()
    required_mask: int = field(init=False, repr=False, compare=False, default=0)  # bit c: c+1 mandatory

    def __post_init__(self) -> None:
        mask = sum(1 << c for c, sub in enumerate(self.components) if sub.required)
        object.__setattr__(self, "required_mask", mask)


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """A segment of the dictionary."""

    tag: str
    name: str
    uses: tuple[Use, ...]
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentNode:
    """A segment at one position of a set's structure."""

    tag: str
    required: bool
    max: int
    spec: SegmentSpec


@dataclass(slots=True)
class LoopNode:
    """A loop (X12) or segment group (EDIFACT); its first child is the trigger segment."""

    id: str
    required: bool
    max: int
    children: list[SegmentNode | LoopNode] = field(default_factory=list)
    index_of: dict[str, tuple[int, ...]] = field(default_factory=dict)
    last_required: int = -1  # index of the last mandatory child: nothing after it can be missing

    @property
    def trigger(self) -> str:
        """The tag of the segment that starts an iteration of this loop."""
        first = self.children[0]
        return first.tag if isinstance(first, SegmentNode) else first.trigger


@dataclass(frozen=True, slots=True)
class Dictionary:
    """The element, composite and segment dictionaries of one standard version."""

    standard: str
    version: str
    elements: dict[str, ElementSpec]
    composites: dict[str, CompositeSpec]
    segments: dict[str, SegmentSpec]


@dataclass(frozen=True, slots=True)
class SetSpec:
    """A compiled transaction set (X12) or message (EDIFACT) structure."""

    standard: str
    version: str
    id: str
    name: str
    group: str
    root: LoopNode
    tags: frozenset[str]
    dictionary: Dictionary


def _root() -> resources.abc.Traversable:
    return resources.files("gridlink.edi") / "specs"


def _read(path: resources.abc.Traversable) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError as exc:
        raise SpecError(f"specification file missing: {path}") from exc


def _merged(standard: str, version: str, name: str) -> dict[str, Any]:
    path = _root() / standard / version / name
    data: dict[str, Any] = _read(path) if path.is_file() else {}
    base = data.pop("_base", None)
    if base is None:
        return data
    merged = dict(_merged(standard, str(base), name))
    merged.update(data)
    return merged


def _max(value: object) -> int:
    if isinstance(value, int):
        return value
    if value in (">1", "unbounded"):
        return UNBOUNDED
    raise SpecError(f"bad maximum use {value!r}")


def parse_note(text: str) -> Note:
    """Parse an X12 syntax note such as P0102, R020304, C0403, E0102 or L010203."""
    kind, digits = text[0], text[1:]
    if kind not in "PRCEL" or len(digits) < 4 or len(digits) % 2:
        raise SpecError(f"bad syntax note {text!r}")
    positions = tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))
    mask = 0
    for position in positions:
        mask |= 1 << (position - 1)
    return Note(kind, positions, text, mask, 1 << (positions[0] - 1))


@functools.cache
def dictionary(standard: str, version: str) -> Dictionary:
    """The dictionaries of a standard ("x12" or "edifact") and version ("004010", "D96A"), cached."""
    if not (_root() / standard / version).is_dir():
        raise SpecError(f"no specifications for {standard} {version}")
    raw_codes = _merged(standard, version, "codes.yaml")
    elements: dict[str, ElementSpec] = {}
    for ref, (kind, low, high, name) in _merged(standard, version, "elements.yaml").items():
        codes = raw_codes.get(str(ref))
        elements[str(ref)] = ElementSpec(
            str(ref), str(kind), int(low), int(high), str(name), frozenset(map(str, codes)) if codes else None
        )

    def use(entry: list[Any], where: str) -> Use:
        ref, req = str(entry[0]), str(entry[1])
        repeat = _max(entry[2]) if len(entry) > 2 else 1
        if ref in elements:
            return Use(ref, req == "M", repeat, element=elements[ref])
        if ref in composites:
            return Use(ref, req == "M", repeat, composite=composites[ref])
        raise SpecError(f"{standard} {version} {where}: unknown element {ref}")

    composites: dict[str, CompositeSpec] = {}
    for ref, body in _merged(standard, version, "composites.yaml").items():
        composites[str(ref)] = CompositeSpec(
            str(ref),
            body["name"],
            tuple(use(e, str(ref)) for e in body["components"]),
            tuple(parse_note(n) for n in body.get("syntax", ())),
        )
    segments = {
        str(tag): SegmentSpec(
            str(tag),
            body["name"],
            tuple(use(e, str(tag)) for e in body["elements"]),
            tuple(parse_note(n) for n in body.get("syntax", ())),
        )
        for tag, body in _merged(standard, version, "segments.yaml").items()
    }
    return Dictionary(standard, version, elements, composites, segments)


def _compile(entries: list[Any], loop_id: str, required: bool, most: int, dic: Dictionary) -> LoopNode:
    node = LoopNode(loop_id, required, most)
    for entry in entries:
        tag, req, high = str(entry[0]), str(entry[1]), _max(entry[2])
        child: SegmentNode | LoopNode
        if len(entry) == 4:
            loop = _compile(entry[3], tag, req == "M", high, dic)
            child, key = loop, loop.trigger
        else:
            if tag not in dic.segments:
                raise SpecError(f"{dic.standard} {dic.version}: segment {tag} is not in the dictionary")
            child = SegmentNode(tag, req == "M", high, dic.segments[tag])
            key = tag
        node.index_of[key] = (*node.index_of.get(key, ()), len(node.children))
        node.children.append(child)
    if not node.children:
        raise SpecError(f"loop {loop_id} is empty")
    node.last_required = max((i for i, c in enumerate(node.children) if c.required), default=-1)
    return node


def _tags(node: LoopNode) -> set[str]:
    out: set[str] = set()
    for child in node.children:
        out |= _tags(child) if isinstance(child, LoopNode) else {child.tag}
    return out


@functools.cache
def load_set(standard: str, version: str, set_id: str) -> SetSpec:
    """The compiled specification of one transaction set or message, cached."""
    path = _root() / standard / version / "sets" / f"{set_id}.yaml"
    if not path.is_file():
        raise SpecError(f"no specification for {standard} {version} {set_id}")
    data = _read(path)
    if "base" in data:
        # The structure is that of another version; the dictionaries stay this version's own.
        base = _read(_root() / standard / str(data["base"]) / "sets" / f"{set_id}.yaml")
        data = {**base, **{k: v for k, v in data.items() if k != "base"}}
    dic = dictionary(standard, version)
    root = _compile(data["structure"], str(data["id"]), True, 1, dic)
    return SetSpec(
        standard,
        version,
        str(data["id"]),
        data["name"],
        str(data.get("group", "")),
        root,
        frozenset(_tags(root)),
        dic,
    )


def available(standard: str) -> dict[str, list[str]]:
    """Every version of a standard with the sets specified for it."""
    out: dict[str, list[str]] = {}
    base = _root() / standard
    for version in sorted(p.name for p in base.iterdir() if p.is_dir()):
        sets = base / version / "sets"
        out[version] = (
            sorted(p.name[:-5] for p in sets.iterdir() if p.name.endswith(".yaml")) if sets.is_dir() else []
        )
    return out
