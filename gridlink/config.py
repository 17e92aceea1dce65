"""Effective configuration: defaults, an optional TOML file, then ``GRIDLINK_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "GRIDLINK_"
NESTED_DELIMITER = "__"
CONFIG_FILE_ENV = "GRIDLINK_CONFIG_FILE"
DEFAULT_CONFIG_FILE = "gridlink.toml"


class ConfigError(Exception):
    """A setting has a wrong value; the message names the setting in one line."""


class WorkerSettings(BaseModel):
    """How a worker process claims and runs jobs."""

    # Jobs mostly wait on the store, the partners and the database: with 8 at once `gridlink run` sat
    # half idle through a burst of store orders (bench.order_to_cash), 16 to 24 ran it fastest; 16 keeps
    # a few PostgreSQL workers well inside the server's default 100 connections.
    concurrency: int = Field(default=16, ge=1, le=256, description="jobs run at once")
    poll_interval: float = Field(default=0.25, gt=0, le=60, description="seconds between polls when idle")
    lease_seconds: float = Field(
        default=60.0, ge=1, description="a claimed job's lease; renewed by heartbeat"
    )
    shutdown_grace: float = Field(default=30.0, ge=0, description="seconds to finish running jobs on SIGTERM")
    job_modules: list[str] = Field(default_factory=list, description="extra modules that define job kinds")


DEFAULT_HOOK_SCOPES = ["store/order/created", "store/order/updated", "store/order/statusUpdated"]


class StoreSettings(BaseModel):
    """One BigCommerce store the hub serves: its hash, an API account's token and secrets."""

    model_config = ConfigDict(extra="forbid")

    hash: str = Field(pattern=r"^[a-z0-9]{1,32}$", description="the store hash in /stores/{hash}/")
    token: SecretStr = Field(description="the API account's access token (X-Auth-Token)")
    client_secret: SecretStr = Field(
        default=SecretStr(""), description="the API account's client secret; signs webhook deliveries"
    )
    hook_secret: SecretStr = Field(
        default=SecretStr(""), description="empty: derived from secret_key; sent by the store on each hook"
    )
    api_url: str = Field(default="https://api.bigcommerce.com", pattern=r"^https?://")
    scopes: list[str] = Field(default_factory=lambda: list(DEFAULT_HOOK_SCOPES))


class AS2Settings(BaseModel):
    """The hub's AS2 station."""

    model_config = ConfigDict(extra="forbid")

    as2_id: str = Field(default="GRIDLINK", min_length=1, max_length=128, description="the hub's AS2 name")
    key_file: Path | None = Field(default=None, description="PEM private key; empty: made in data_dir/as2")
    cert_file: Path | None = Field(default=None, description="PEM certificate of that key")
    max_message_mb: int = Field(default=200, ge=1, le=4096, description="larger AS2 bodies are refused (413)")
    partners_refresh_seconds: float = Field(
        default=10.0, ge=0, description="how often saved partners are re-read"
    )


class TradingGridSettings(BaseModel):
    """Access to Trading Grid's APIs (Lens, Community Management); unused while ``api_url`` is empty."""

    model_config = ConfigDict(extra="forbid")

    api_url: str = Field(default="", description="https://apigrid.opentext.com; empty: not used")
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    company_id: str = Field(default="", description="the company's BUID in Community Management")

    @property
    def configured(self) -> bool:
        """Whether the hub can call the APIs."""
        return bool(self.api_url and self.client_id and self.company_id)


class MailboxSettings(BaseModel):
    """The hub's Trading Grid mailbox over AS2: documents for partners without a direct link go there."""

    model_config = ConfigDict(extra="forbid")

    as2_url: str = Field(default="", description="the mailbox's AS2 endpoint; empty: no mailbox")
    as2_id: str = Field(default="TRADINGGRID", min_length=1, max_length=128)
    certificate: Path | None = Field(default=None, description="the mailbox's certificate (PEM or DER)")


class EdiSettings(BaseModel):
    """The hub's own address in the interchanges it writes (ISA06 / UNB sender)."""

    model_config = ConfigDict(extra="forbid")

    x12_qualifier: str = Field(default="ZZ", pattern=r"^[0-9A-Z]{2}$")
    x12_id: str = Field(default="GRIDLINK", min_length=1, max_length=15)
    company_name: str = Field(default="Gridlink Demo Retail", min_length=1, description="the buyer on orders")

    @property
    def address(self) -> str:
        """The hub's network address, qualifier:id."""
        return f"{self.x12_qualifier}:{self.x12_id}"


class OrderSettings(BaseModel):
    """How store orders become purchase orders and invoices."""

    model_config = ConfigDict(extra="forbid")

    place_statuses: list[int] = Field(
        default_factory=lambda: [11],
        description="order statuses that place purchase orders: Awaiting Fulfillment",
    )
    invoice_statuses: list[int] = Field(
        default_factory=lambda: [2, 10], description="order statuses that send invoices: Shipped, Completed"
    )
    routing: dict[str, Any] = Field(
        default_factory=dict, description="rules and a default partner: which partner supplies which lines"
    )
    invoice_to: list[str] = Field(default_factory=list, description="partner keys every invoice goes to")
    invoice_customer_groups: dict[str, str] = Field(
        default_factory=dict, description="customer group id -> partner key that is invoiced (B2B customers)"
    )


class SandboxSettings(BaseModel):
    """The built-in sandbox store and partner network, started when nothing real is configured."""

    enabled: bool | None = Field(default=None, description="None: on when no real store is configured")
    host: str = "127.0.0.1"
    store_port: int = Field(default=8001, ge=0, le=65535, description="0 picks a free port")
    store_products: int = Field(default=20, ge=0, description="the sandbox store's seeded catalog size")
    grid_port: int = Field(default=8002, ge=0, le=65535, description="0 picks a free port")
    grid_sftp_port: int = Field(default=8022, ge=1, le=65535)


class Settings(BaseSettings):
    """Everything the hub reads at start-up."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(default=Path("data"), description="SQLite file, blobs and generated keys")
    database_url: str = Field(default="", description="empty: a SQLite file in the data directory")
    blob_dir: Path | None = Field(default=None, description="empty: blobs/ in the data directory")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535, description="0 picks a free port")
    public_url: str = Field(default="", description="base URL partners and stores reach the hub at")
    secret_key: SecretStr = Field(default=SecretStr(""), description="empty: generated once in the data dir")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    stores: list[StoreSettings] = Field(default_factory=list, description="BigCommerce stores served")
    as2: AS2Settings = Field(default_factory=AS2Settings)
    trading_grid: TradingGridSettings = Field(default_factory=TradingGridSettings)
    mailbox: MailboxSettings = Field(default_factory=MailboxSettings)
    edi: EdiSettings = Field(default_factory=EdiSettings)
    orders: OrderSettings = Field(default_factory=OrderSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment beats the TOML file, which beats the defaults."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_file()))

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'gridlink.db').resolve()}"
        if self.blob_dir is None:
            self.blob_dir = self.data_dir / "blobs"
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        return self

    @field_validator("stores")
    @classmethod
    def _distinct_stores(cls, value: list[StoreSettings]) -> list[StoreSettings]:
        hashes = [store.hash for store in value]
        if len(hashes) != len(set(hashes)):
            raise ValueError("a store hash appears twice")
        return value

    @property
    def sandbox_active(self) -> bool:
        """Whether the built-in sandbox runs: as configured, or when no real store is configured."""
        return self.sandbox.enabled if self.sandbox.enabled is not None else not self.stores

    @property
    def blobs_path(self) -> Path:
        """The blob directory, always set after validation."""
        assert self.blob_dir is not None
        return self.blob_dir

    def ensure_secret_key(self) -> str:
        """The configured secret key, or one generated on first start and kept in the data directory."""
        if self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        key = path.read_text().strip()
        self.secret_key = SecretStr(key)
        return key


def config_file() -> Path | None:
    """The TOML file named by GRIDLINK_CONFIG_FILE, or ./gridlink.toml when it exists."""
    named = os.environ.get(CONFIG_FILE_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"{CONFIG_FILE_ENV}: no such file: {path}")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def _setting_name(loc: tuple[int | str, ...]) -> str:
    dotted = ".".join(str(part) for part in loc)
    env = ENV_PREFIX + NESTED_DELIMITER.join(str(part).upper() for part in loc)
    return f"{dotted} ({env})"


def load_settings(**overrides: Any) -> Settings:
    """Read the configuration, turning any validation failure into one ConfigError line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = _setting_name(first["loc"]) if first["loc"] else "configuration"
        value = first.get("input")
        shown = "" if isinstance(value, dict) or value is None else f" (got {value!r})"
        more = f"; {exc.error_count() - 1} more error(s)" if exc.error_count() > 1 else ""
        raise ConfigError(f"invalid setting {name}: {first['msg']}{shown}{more}") from None
    except ValueError as exc:  # malformed TOML or an unparsable nested environment value
        raise ConfigError(f"invalid configuration: {exc}") from None


def masked(settings: Settings) -> dict[str, Any]:
    """The effective configuration as plain data, secrets and URL passwords masked."""
    data = settings.model_dump(mode="json")
    data["secret_key"] = "********" if settings.secret_key.get_secret_value() else ""
    data["database_url"] = mask_url_password(settings.database_url)
    result: dict[str, Any] = _mask_nested(data)
    return result


def _mask_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: ("********" if _is_secret_key(key) and item else _mask_nested(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_mask_nested(item) for item in value]
    return value


def _is_secret_key(key: str) -> bool:
    return any(word in key for word in ("secret", "token", "password", "passphrase", "private_key"))


def mask_url_password(url: str) -> str:
    """postgresql://user:pw@host/db -> postgresql://user:***@host/db."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user, colon, _ = creds.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"
