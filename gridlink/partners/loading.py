"""Reading the partners file (YAML or TOML): validated against the published JSON schema, every problem
reported with its line (YAML; TOML gives the key path only) before anything is used."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from gridlink.partners.profiles import AS2Link, PartnerProfile, PartnersFile, SFTPLink

SCHEMA_FILE = Path(__file__).with_name("partners.schema.json")
NodePath = tuple[str | int, ...]


class PartnersFileError(ValueError):
    """The partners file is wrong; ``problems`` holds one "file:line: where: what" line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def schema() -> dict[str, Any]:
    """The JSON schema the partners file must follow (generated from the profile models)."""
    generated: dict[str, Any] = PartnersFile.model_json_schema()
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    generated["$id"] = "https://gridlink.invalid/schemas/partners.schema.json"
    return generated


@cache
def _published() -> dict[str, Any]:
    published: dict[str, Any] = json.loads(SCHEMA_FILE.read_text())
    return published


def load(path: Path) -> list[PartnerProfile]:
    """The partner profiles in ``path``; PartnersFileError lists every problem with its line."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise PartnersFileError([f"{path}: {exc.strerror}"]) from None
    lines: dict[tuple[str | int, ...], int] = {}
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        else:
            node = yaml.compose(text)
            data = yaml.safe_load(text)
            if node is not None:
                _index_lines(node, (), lines)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise PartnersFileError(
            [f"{path}: not valid {'TOML' if path.suffix == '.toml' else 'YAML'}: {exc}"]
        ) from None
    validator = jsonschema.Draft202012Validator(_published())
    problems = [
        _problem(path, lines, _deepest(error))
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if problems:
        raise PartnersFileError(problems)
    profiles = [_anchored(profile, path.parent) for profile in PartnersFile.model_validate(data).partners]
    seen: dict[str, int] = {}
    for n, profile in enumerate(profiles):
        for label, value in (("key", profile.key), ("address", profile.identity.address)):
            if f"{label}:{value}" in seen:
                problems.append(
                    f"{path}:{_line(lines, ('partners', n))}: partners[{n}]: {label} {value} "
                    f"is also partners[{seen[f'{label}:{value}']}]'s"
                )
            seen[f"{label}:{value}"] = n
    if problems:
        raise PartnersFileError(problems)
    return profiles


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "not valid under any of the given schemas", the reason inside the branch that was meant (for a
    transport of type as2, what is wrong with it as an AS2 link, not that it is no SFTP link or null)."""
    while error.context:
        branches: dict[object, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        meant = [errors for errors in branches.values() if not any(map(_other_kind, errors))]
        chosen = min(meant or list(branches.values()), key=len)
        error = max(chosen, key=lambda e: len(e.absolute_path))
    return error


def _other_kind(error: jsonschema.ValidationError) -> bool:
    """An error that only says the value is of another variant: a different `type` tag, or not null."""
    tag = list(error.absolute_path)[-1:] == ["type"] and error.validator in ("const", "enum")
    return tag or (error.validator == "type" and error.validator_value == "null")


def _problem(path: Path, lines: dict[NodePath, int], error: jsonschema.ValidationError) -> str:
    where: NodePath = tuple(error.absolute_path)
    at = where
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = [key for key in error.instance if key not in known]
        if extra:
            at = (*where, str(extra[0]))  # the line of the unexpected key itself
    return f"{path}:{_line(lines, at)}: {_where(where)}: {error.message}"


def _anchored(profile: PartnerProfile, base: Path) -> PartnerProfile:
    """Certificate and key paths made absolute, relative to the file they were written in."""
    link = profile.transport
    if isinstance(link, AS2Link) and not link.certificate.is_absolute():
        link = link.model_copy(update={"certificate": (base / link.certificate).resolve()})
    if isinstance(link, SFTPLink) and link.key_file is not None and not link.key_file.is_absolute():
        link = link.model_copy(update={"key_file": (base / link.key_file).resolve()})
    return profile.model_copy(update={"transport": link})


def _index_lines(
    node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]
) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _index_lines(value, (*path, str(key.value)), lines)
            lines[(*path, str(key.value))] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, index), lines)


def _line(lines: dict[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> str:
    while path and path not in lines:
        path = path[:-1]
    return str(lines.get(path, "?"))


def _where(path: Any) -> str:
    where = ""
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else str(part)
    return where or "(file)"
