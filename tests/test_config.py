"""Configuration: defaults, TOML file, environment, and one clear line for a wrong value."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gridlink.config import ConfigError, load_settings, masked
from tests.support.processes import run_gridlink


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("GRIDLINK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_are_an_embedded_hub_under_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'gridlink.db'}"
    assert settings.blobs_path == Path("data/blobs")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_beats_the_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gridlink.toml").write_text('port = 9001\nlog_level = "debug"\n[worker]\nconcurrency = 3\n')
    monkeypatch.setenv("GRIDLINK_PORT", "9002")
    monkeypatch.setenv("GRIDLINK_DATABASE_URL", "postgresql://hub:pw@db.internal/gridlink")
    settings = load_settings()
    assert settings.port == 9002
    assert settings.log_level == "debug"
    assert settings.worker.concurrency == 3
    assert settings.database_url == "postgresql://hub:pw@db.internal/gridlink"


def test_a_named_config_file_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDLINK_CONFIG_FILE", "/nonexistent/gridlink.toml")
    with pytest.raises(ConfigError, match="GRIDLINK_CONFIG_FILE: no such file"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("GRIDLINK_PORT", "eighty", "port (GRIDLINK_PORT)"),
        ("GRIDLINK_WORKER__CONCURRENCY", "0", "worker.concurrency (GRIDLINK_WORKER__CONCURRENCY)"),
        ("GRIDLINK_LOG_LEVEL", "loud", "log_level (GRIDLINK_LOG_LEVEL)"),
        ("GRIDLINK_DATABASE_URL", "mysql://x/y", "database_url (GRIDLINK_DATABASE_URL)"),
    ],
)
def test_a_wrong_value_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_a_wrong_value_in_the_toml_file_is_named_too(tmp_path: Path) -> None:
    (tmp_path / "gridlink.toml").write_text("[worker]\nlease_seconds = -5\n")
    with pytest.raises(ConfigError, match=r"worker\.lease_seconds"):
        load_settings()


def test_malformed_toml_stops_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "gridlink.toml").write_text("port = = 1\n")
    with pytest.raises(ConfigError, match="invalid configuration"):
        load_settings()


def test_masked_configuration_hides_secrets_and_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDLINK_SECRET_KEY", "very-secret-value")
    monkeypatch.setenv("GRIDLINK_DATABASE_URL", "postgresql://hub:hunter2@db/gridlink")
    shown = json.dumps(masked(load_settings()))
    assert "very-secret-value" not in shown
    assert "hunter2" not in shown
    assert "postgresql://hub:***@db/gridlink" in shown


def test_config_show_prints_the_effective_configuration(tmp_path: Path) -> None:
    result = run_gridlink(["config", "show", "--json"], port="8123", secret_key="s3cr3t")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["port"] == 8123
    assert shown["secret_key"] == "********"


def test_start_up_with_a_wrong_value_fails_with_one_line(tmp_path: Path) -> None:
    result = run_gridlink(["run"], port="not-a-port", data_dir=str(tmp_path / "data"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "GRIDLINK_PORT" in lines[0]
    assert not (tmp_path / "data").exists()  # nothing was started or created


def test_stores_come_from_toml_tables_and_turn_the_sandbox_off(tmp_path: Path) -> None:
    assert load_settings().sandbox_active  # nothing configured: the sandbox store stands in
    (tmp_path / "gridlink.toml").write_text(
        'public_url = "https://hub.example.com"\n'
        '[[stores]]\nhash = "abc123"\ntoken = "tok-1"\nclient_secret = "cs-1"\n'
        '[[stores]]\nhash = "def456"\ntoken = "tok-2"\n'
    )
    settings = load_settings()
    assert [s.hash for s in settings.stores] == ["abc123", "def456"]
    assert settings.stores[0].client_secret.get_secret_value() == "cs-1"
    assert settings.stores[0].api_url == "https://api.bigcommerce.com"
    assert not settings.sandbox_active
    shown = masked(settings)["stores"][0]
    assert shown["token"] == shown["client_secret"] == "********"


def test_stores_from_the_environment_and_a_repeated_hash_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    store = {"hash": "abc123", "token": "t"}
    monkeypatch.setenv("GRIDLINK_STORES", json.dumps([store]))
    assert load_settings().stores[0].hash == "abc123"
    monkeypatch.setenv("GRIDLINK_STORES", json.dumps([store, store]))
    with pytest.raises(ConfigError, match=r"stores.*a store hash appears twice"):
        load_settings()
    monkeypatch.setenv("GRIDLINK_STORES", json.dumps([{"hash": "Not A Hash", "token": "t"}]))
    with pytest.raises(ConfigError, match=r"stores\.0\.hash"):
        load_settings()
