"""What a codec needs to know about a partner: standard, version and the codes the partner speaks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VERSIONS = {"x12": ("004010", "005010"), "edifact": ("D96A", "D01B")}


class CodecProfile(BaseModel):
    """The partner-specific side of encoding and decoding canonical documents."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    standard: Literal["x12", "edifact"]
    version: str
    # Units of measure: the hub's code -> the partner's (EA -> PCE, say); read back the other way.
    units: dict[str, str] = Field(default_factory=dict)
    # Paths (as gridlink.edi.navigate reads them: "REF[IA]", "N1[ST]/N104", "PO1/PID") that every set
    # written for this partner must contain: the optional segments its implementation guide requires.
    require: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> CodecProfile:
        if self.version not in VERSIONS[self.standard]:
            raise ValueError(f"{self.standard} version must be one of {', '.join(VERSIONS[self.standard])}")
        return self

    def unit_out(self, unit: str) -> str:
        """The partner's code for the hub's unit."""
        return self.units.get(unit, unit)

    def unit_in(self, unit: str) -> str:
        """The hub's code for the partner's unit."""
        return next((ours for ours, theirs in self.units.items() if theirs == unit), unit)
