"""Partner profiles: the file checked against the published schema with line numbers, saved in the
database, imported from Community Management, and used by the AS2 endpoint."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import httpx
import pydantic
import pytest

from gridlink.flows.partner_documents import UnknownPartner, profile_by_key
from gridlink.grid.community import CommunityClient
from gridlink.grid.oauth import TokenSource
from gridlink.partners.directory import FILE, import_from_community, load_profiles, save_profiles
from gridlink.partners.loading import SCHEMA_FILE, PartnersFileError, load, schema
from gridlink.partners.profiles import AS2Link
from gridlink.sandbox.grid.api import create_api_app
from gridlink.sandbox.grid.state import GridState
from gridlink.store.db import Database
from tests.support.processes import run_gridlink
from tests.support.servers import running_server

GOOD = """\
partners:
  - key: acme
    name: Acme Supply
    roles: [supplier]
    identity: {x12_qualifier: ZZ, x12_id: ACME, gs_id: ACMEGS}
    transport:
      type: as2
      url: https://as2.acme.example/receive
      as2_id: ACME-AS2
      certificate: certs/acme.cert.pem
      compress: before
    documents:
      "850": {standard: x12, version: "004010"}
      "855": {standard: x12, version: "004010"}
  - key: delta
    name: Delta Logistics
    roles: [3pl]
    identity: {x12_qualifier: "01", x12_id: "147678796", edifact_id: "5012345000001", edifact_qualifier: "14"}
    documents:
      DESADV: {standard: edifact, version: D96A}
"""


def write(tmp_path: Path, text: str, name: str = "partners.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_good_file_loads_with_certificate_paths_anchored_to_it(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    profiles = load(write(tmp_path, GOOD))
    assert [p.key for p in profiles] == ["acme", "delta"]
    acme, delta = profiles
    assert isinstance(acme.transport, AS2Link)
    assert acme.transport.certificate == (tmp_path / "certs" / "acme.cert.pem").resolve()
    assert acme.identity.address == "ZZ:ACME" and delta.identity.address == "01:147678796"
    assert delta.transport is None  # through the Trading Grid mailbox
    assert delta.documents["DESADV"].version == "D96A"


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace("x12_qualifier: ZZ", "x12_qualifier: zz").replace(
        "compress: before", "compress: sideways"
    )
    bad = bad.replace("    name: Delta Logistics\n", "    nmae: Delta Logistics\n")
    with pytest.raises(PartnersFileError) as failed:
        load(write(tmp_path, bad))
    problems = failed.value.problems
    path = tmp_path / "partners.yaml"
    assert any(p.startswith(f"{path}:5: partners[0].identity.x12_qualifier:") for p in problems), problems
    assert any(p.startswith(f"{path}:11: partners[0].transport.compress:") for p in problems), problems
    assert any(p.startswith(f"{path}:16: partners[1]:") and "nmae" in p for p in problems), problems
    assert any(
        p.startswith(f"{path}:15: partners[1]:") and "'name' is a required property" in p for p in problems
    )


def test_two_partners_at_one_address_are_refused(tmp_path: Path) -> None:
    twice = GOOD.replace('x12_qualifier: "01", x12_id: "147678796"', "x12_qualifier: ZZ, x12_id: ACME")
    with pytest.raises(PartnersFileError, match="address ZZ:ACME is also partners\\[0\\]'s"):
        load(write(tmp_path, twice))


def test_a_toml_file_loads_too(tmp_path: Path) -> None:
    toml = """\
    [[partners]]
    key = "acme"
    name = "Acme Supply"
    identity = { x12_qualifier = "ZZ", x12_id = "ACME" }
    """
    assert load(write(tmp_path, toml, "partners.toml"))[0].identity.address == "ZZ:ACME"


def test_the_published_schema_is_the_one_the_models_define() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == schema()


async def test_profiles_are_saved_and_the_directory_never_overrides_the_file(
    db: Database, tmp_path: Path
) -> None:
    profiles = load(write(tmp_path, GOOD))
    saved = await save_profiles(db, profiles, FILE)
    assert (saved.created, saved.updated) == (2, 0)
    state = GridState()
    state.partners = [
        {
            "partnerCompanyId": "GC1",
            "partnerCompanyName": "Acme Supply",
            "tradingAddresses": [{"qualifier": "ZZ", "id": "ACME", "address": "ZZ:ACME"}],
        },
        {
            "partnerCompanyId": "GC2",
            "partnerCompanyName": "Verona Vittles",
            "tradingAddresses": [{"qualifier": "ZZ", "id": "VERONA", "address": "ZZ:VERONA"}],
        },
    ]
    async with running_server(create_api_app(state)) as url, httpx.AsyncClient() as http:
        community = CommunityClient(
            TokenSource(http, url, "sandbox-client", "sandbox-secret"), url, state.company["companyId"]
        )
        imported = await import_from_community(db, community)
    assert (imported.created, imported.kept) == (1, 1)
    by_key = {p.key: p for p in await load_profiles(db)}
    assert sorted(by_key) == ["acme", "delta", "verona-vittles"]  # Acme matched by address, not name
    assert isinstance(by_key["acme"].transport, AS2Link)  # the file's profile survived the import
    assert by_key["verona-vittles"].identity.address == "ZZ:VERONA"


async def test_a_saved_profile_is_read_as_last_saved(db: Database, tmp_path: Path) -> None:
    acme, delta = load(write(tmp_path, GOOD))
    await save_profiles(db, [acme, delta], FILE)
    async with db.session() as session:
        first = await profile_by_key(session, "acme")
        assert first.interchanges_per_file == 1
        assert await profile_by_key(session, "acme") is first  # parsed once while unchanged
    with pytest.raises(pydantic.ValidationError):
        first.interchanges_per_file = 50  # shared by every reader in the process: it cannot change
    await save_profiles(db, [acme.model_copy(update={"interchanges_per_file": 50}), delta], FILE)
    async with db.session() as session:
        assert (await profile_by_key(session, "acme")).interchanges_per_file == 50
        assert (await profile_by_key(session, "delta")).key == "delta"
        with pytest.raises(UnknownPartner):
            await profile_by_key(session, "nobody")


def test_the_cli_checks_loads_and_lists(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert run_gridlink(["db", "upgrade"], database_url=url).returncode == 0
    bad = write(tmp_path, GOOD.replace("x12_qualifier: ZZ", "x12_qualifier: zz"), "bad.yaml")
    checked = run_gridlink(["partners", "check", str(bad)])
    assert checked.returncode == 1
    assert f"{bad}:5: partners[0].identity.x12_qualifier" in checked.stdout
    good = write(tmp_path, GOOD)
    loaded = run_gridlink(["partners", "load", str(good)], database_url=url)
    assert loaded.returncode == 0 and "2 new" in loaded.stdout, loaded.stderr
    listed = run_gridlink(["partners", "list"], database_url=url)
    assert "Acme Supply" in listed.stdout and "01:147678796" in listed.stdout
    printed = run_gridlink(["partners", "schema"])
    assert json.loads(printed.stdout) == schema()
