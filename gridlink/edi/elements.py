"""Element-level checks: types, lengths, code lists, composites, repetitions and syntax notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from gridlink.edi.delimiters import Delimiters
from gridlink.edi.problems import Kind, Problem
from gridlink.edi.segment import Segment, split_escaped, unescape
from gridlink.edi.spec import CompositeSpec, ElementSpec, Note, SegmentSpec, Use

_INTEGER = re.compile(r"-?[0-9]+\Z")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_CACHE_LIMIT = 4096  # bounded: memory must not grow with the interchange
Finding = tuple[Kind, str] | None
_UNSEEN: Any = object()


def _valid_date(value: str) -> bool:
    if not value.isdigit() or len(value) not in (6, 8):
        return False
    year = int(value[:-4])
    month, day = int(value[-4:-2]), int(value[-2:])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    if month == 2 and day == 29 and len(value) == 8:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def _valid_time(value: str) -> bool:
    if not value.isdigit() or len(value) < 4:
        return False
    if int(value[:2]) > 23 or int(value[2:4]) > 59:
        return False
    return len(value) < 6 or int(value[4:6]) <= 59


def _length(spec: ElementSpec, size: int) -> Finding:
    if size < spec.min:
        return Kind.TOO_SHORT, f"{spec.name} is shorter than {spec.min}"
    if size > spec.max:
        return Kind.TOO_LONG, f"{spec.name} is longer than {spec.max}"
    return None


def check_value(spec: ElementSpec, value: str) -> Finding:
    """Check one non-empty value against its element's type, length and code list."""
    kind = spec.type
    if kind[0] == "N" or kind in {"R", "n"}:
        pattern = _INTEGER if kind[0] == "N" else _DECIMAL
        if not pattern.match(value):
            return Kind.BAD_NUMBER, f"{spec.name} must be numeric ({kind}), got {value!r}"
        digits = len(value) - value.startswith("-") - (("." in value) or ("," in value))
        return _length(spec, digits)
    if _CONTROL.search(value):
        return Kind.INVALID_CHARACTER, f"{spec.name} contains a control character"
    found = _length(spec, len(value))
    if found:
        return found
    if kind == "DT":
        return None if _valid_date(value) else (Kind.INVALID_DATE, f"{spec.name}: {value!r} is not a date")
    if kind == "TM":
        return None if _valid_time(value) else (Kind.INVALID_TIME, f"{spec.name}: {value!r} is not a time")
    if kind == "a" and any(c.isdigit() for c in value):
        return Kind.INVALID_CHARACTER, f"{spec.name} must be alphabetic, got {value!r}"
    if spec.codes is not None and value not in spec.codes:
        return Kind.INVALID_CODE, f"{spec.name}: {value!r} is not in the code list"
    return None


class ElementChecker:
    """Checks the elements of segments against their specs, remembering verdicts for repeated values."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        # Verdicts on values, keyed (element ref, value), and on segment shapes, keyed (spec id, bits).
        self._cache: dict[tuple[Any, ...], Any] = {}

    def value(self, spec: ElementSpec, value: str) -> Finding:
        """The verdict on one value, from the cache when seen before."""
        key = (spec.ref, value)
        cache = self._cache
        found = cache.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[no-any-return]
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        found = cache[key] = check_value(spec, value)
        return found

    def segment(self, spec: SegmentSpec, seg: Segment, position: int, out: list[Problem]) -> None:
        """Append the element problems of `seg` to `out`."""
        elements = seg.elements
        uses = spec.uses
        delims = seg.delims
        tag = seg.tag
        if len(elements) > len(uses):
            extra = len(uses) + 1
            out.append(
                Problem(
                    Kind.TOO_MANY_ELEMENTS,
                    f"{tag} has {len(elements)} elements, at most {len(uses)}",
                    tag,
                    position,
                    element=extra,
                    value=elements[len(uses)][:99],
                )
            )
        present = 0  # bit i set: element i+1 present, for the syntax notes
        cache = self._cache
        rep, comp, release = delims.repetition, delims.component, delims.release
        given = min(len(elements), len(uses))
        for index in range(given):
            text = elements[index]
            use = uses[index]
            if not text:
                if use.required:
                    out.append(_missing(use, tag, position, index))
                continue
            present |= 1 << index
            element = use.element
            if not (rep and rep in text) and not (release and release in text):
                # The common cases, kept to a minimum of calls: nothing to unescape or repeat.
                if element is not None and comp not in text:
                    if element.type == "B" or self._valid(element, text):
                        continue
                    found = self.value(element, text)
                    assert found is not None
                    out.append(
                        Problem(
                            found[0],
                            found[1],
                            ref=use.ref,
                            value=text[:99],
                            segment=tag,
                            position=position,
                            element=index + 1,
                            repetition=1,
                        )
                    )
                    continue
                if use.composite is not None and self._valid_composite(use.composite, text, comp):
                    continue
            self._field(use, text, delims, tag, position, index + 1, out)
        for index in range(given, len(uses)):
            if uses[index].required:
                out.append(_missing(uses[index], tag, position, index))
        if spec.notes:
            # A segment's shape (which elements it carries) repeats: judge each shape once.
            shape = (id(spec), present)  # specs are loaded once and live as long as the process
            broken = cache.get(shape, _UNSEEN)
            if broken is _UNSEEN:
                broken = cache[shape] = any(note.broken(present) for note in spec.notes)
            if broken:
                _notes(spec.notes, present, tag, position, uses, out, 0)

    def _valid(self, element: ElementSpec, text: str) -> bool:
        """True when `text` is certainly valid for `element`; False sends it to the full check."""
        # Free text and whole numbers rarely repeat: judge the plainly valid ones here, leaving the
        # cache to values that do (codes, dates, quantities).
        if element.codes is None and element.min <= len(text) <= element.max:
            kind = element.type
            if kind in {"AN", "an"}:
                if text.isprintable():
                    return True
            elif kind == "N0" and text.isdigit() and text.isascii():
                return True
        found = self._cache.get((element.ref, text), _UNSEEN)
        if found is _UNSEEN:
            found = self.value(element, text)
        return found is None

    def _valid_composite(self, composite: CompositeSpec, text: str, comp: str) -> bool:
        """True when every component is valid and no mandatory one or syntax note is missed."""
        parts = text.split(comp)
        components = composite.components
        if len(parts) > len(components):
            return False
        present = 0
        for c, raw in enumerate(parts):
            if raw:
                element = components[c].element
                if element is None or not self._valid(element, raw):
                    return False
                present |= 1 << c
        if composite.required_mask & ~present:
            return False
        return not any(note.broken(present) for note in composite.notes)

    def _check(
        self, spec: ElementSpec, ref: str, raw: str, release: str | None, out: list[Problem], **where: Any
    ) -> None:
        """Check one simple value; a finding is reported at `where` (segment, position, element, ...)."""
        value = unescape(raw, release) if release and release in raw else raw
        found = self.value(spec, value)
        if found:
            out.append(Problem(found[0], found[1], ref=ref, value=value[:99], **where))

    def _field(
        self,
        use: Use,
        text: str,
        delims: Delimiters,
        tag: str,
        position: int,
        number: int,
        out: list[Problem],
    ) -> None:
        if use.element is not None and use.element.type == "B":
            return  # a separator carried as data (ISA16, 005010 ISA11): the header check covers it
        rep = delims.repetition
        reps: Sequence[str] = split_escaped(text, rep, delims.release) if rep and rep in text else (text,)
        if len(reps) > use.repeat:
            out.append(
                Problem(
                    Kind.TOO_MANY_REPETITIONS,
                    f"{use.name} repeats {len(reps)} times, at most {use.repeat}",
                    tag,
                    position,
                    element=number,
                    repetition=use.repeat + 1,
                    ref=use.ref,
                )
            )
            reps = reps[: use.repeat]
        comp = delims.component
        release = delims.release
        for r, part in enumerate(reps, start=1):
            if use.composite is None:
                assert use.element is not None
                if comp in part and (not release or len(split_escaped(part, comp, release)) > 1):
                    out.append(
                        Problem(
                            Kind.TOO_MANY_COMPONENTS,
                            f"{use.name} is not a composite",
                            tag,
                            position,
                            element=number,
                            repetition=r,
                            ref=use.ref,
                            value=part[:99],
                        )
                    )
                    continue
                self._check(
                    use.element,
                    use.ref,
                    part,
                    release,
                    out,
                    segment=tag,
                    position=position,
                    element=number,
                    repetition=r,
                )
                continue
            composite = use.composite
            parts = split_escaped(part, comp, release)
            if len(parts) > len(composite.components):
                out.append(
                    Problem(
                        Kind.TOO_MANY_COMPONENTS,
                        f"{composite.name} has more than {len(composite.components)} components",
                        tag,
                        position,
                        element=number,
                        component=len(composite.components) + 1,
                        repetition=r,
                        ref=use.ref,
                    )
                )
            present = 0
            for c, sub in enumerate(composite.components):
                raw = parts[c] if c < len(parts) else ""
                if not raw:
                    if sub.required:
                        out.append(
                            Problem(
                                Kind.MISSING_ELEMENT,
                                f"{sub.name} is mandatory in {composite.name}",
                                tag,
                                position,
                                element=number,
                                component=c + 1,
                                repetition=r,
                                ref=sub.ref,
                            )
                        )
                    continue
                present |= 1 << c
                assert sub.element is not None
                self._check(
                    sub.element,
                    sub.ref,
                    raw,
                    release,
                    out,
                    segment=tag,
                    position=position,
                    element=number,
                    component=c + 1,
                    repetition=r,
                )
            for note in composite.notes:
                if note.broken(present):
                    _notes(composite.notes, present, tag, position, composite.components, out, number)
                    break


def _missing(use: Use, tag: str, position: int, index: int) -> Problem:
    text = f"{use.name} is mandatory"
    return Problem(Kind.MISSING_ELEMENT, text, tag, position, element=index + 1, ref=use.ref)


def _notes(
    notes: tuple[Note, ...],
    present: int,
    tag: str,
    position: int,
    uses: tuple[Use, ...],
    out: list[Problem],
    element: int,
) -> None:
    """Relational conditions; `element` is the composite's position when the notes are a composite's."""

    def problem(kind: Kind, at: int, note: Note, text: str) -> Problem:
        ref = uses[at - 1].ref if at <= len(uses) else ""
        if element:
            return Problem(
                kind, f"{text} ({note.text})", tag, position, element=element, component=at, ref=ref
            )
        return Problem(kind, f"{text} ({note.text})", tag, position, element=at, ref=ref)

    for note in notes:
        if not note.broken(present):
            continue
        have = [p for p in note.positions if present >> (p - 1) & 1]
        missing = [p for p in note.positions if not present >> (p - 1) & 1]
        first = note.positions[0]
        if note.kind == "P" and have and missing:
            out.append(problem(Kind.CONDITIONAL_MISSING, missing[0], note, "paired elements: all or none"))
        elif note.kind == "R" and not have:
            out.append(
                problem(Kind.CONDITIONAL_MISSING, first, note, "at least one of these elements is required")
            )
        elif note.kind == "E" and len(have) > 1:
            out.append(problem(Kind.EXCLUSION, have[1], note, "only one of these elements may be present"))
        elif note.kind == "C" and first in have and missing:
            out.append(
                problem(Kind.CONDITIONAL_MISSING, missing[0], note, "required when the first is present")
            )
        elif note.kind == "L" and first in have and len(have) == 1:
            out.append(
                problem(
                    Kind.CONDITIONAL_MISSING,
                    note.positions[1],
                    note,
                    "one of the others is required when the first is present",
                )
            )
