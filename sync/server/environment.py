"""What an operator configures: environment variables, an optional settings file, the command line.

Every setting is a ``COMPANION_SERVER_<NAME>`` variable. The optional file (``--config FILE`` or
``COMPANION_SERVER_CONFIG``) holds the same ``NAME=value`` lines, so one file serves both the
server and systemd's ``EnvironmentFile=``. Precedence: command line, then environment, then file,
then the defaults below. Limits are nested with ``__``, e.g.
``COMPANION_SERVER_LIMITS__MAX_BLOB_BYTES=52428800`` or ``COMPANION_SERVER_LOGIN_LIMITS__PER_USERNAME=3``;
their names are the fields of ``ServerLimits`` and ``LoginLimits``.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sync.server.settings import ServerLimits, ServerSettings
from sync.server.throttle import LoginLimits
from sync.server.uploads import UploadLimits

PREFIX = "COMPANION_SERVER_"
CONFIG_ENV = PREFIX + "CONFIG"


class SettingsError(ValueError):
    """The settings cannot be used; the message says which one and why."""


def _known(limits_class: type, values: dict[str, Any], name: str) -> dict[str, Any]:
    fields = {field.name: field.type for field in dataclasses.fields(limits_class)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValueError(f"unknown {name}: {', '.join(unknown)} (known: {', '.join(sorted(fields))})")
    if any(value <= 0 for value in values.values()):
        raise ValueError(f"every {name} must be positive")
    return values


def _typed(limits_class: type, values: dict[str, float]) -> dict[str, float | int]:
    """Whole numbers where the dataclass wants an int (the variables were read as numbers)."""
    kinds = {field.name: field.type for field in dataclasses.fields(limits_class)}
    return {key: int(value) if kinds[key] in (int, "int") else value for key, value in values.items()}


class ServerEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_nested_delimiter="__", extra="forbid",
                                      case_sensitive=False)

    data_dir: Path | None = Field(None, description="folder for the SQLite database, blobs and backups")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in the data folder")
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64, description="server processes sharing the port")
    public_library: bool = True
    forwarded_allow_ips: str = "127.0.0.1"
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    log_format: Literal["text", "json"] = "text"
    backup_before_migrate: bool = True
    limits: dict[str, int] = Field(default_factory=dict)
    login_limits: dict[str, float] = Field(default_factory=dict)
    upload_limits: dict[str, float] = Field(default_factory=dict)

    @field_validator("limits")
    @classmethod
    def _server_limits(cls, value: dict[str, int]) -> dict[str, int]:
        return _known(ServerLimits, {key.lower(): item for key, item in value.items()}, "limit")

    @field_validator("login_limits")
    @classmethod
    def _login_limits(cls, value: dict[str, float]) -> dict[str, float]:
        return _known(LoginLimits, {key.lower(): item for key, item in value.items()}, "login limit")

    @field_validator("upload_limits")
    @classmethod
    def _upload_limits(cls, value: dict[str, float]) -> dict[str, float]:
        return _known(UploadLimits, {key.lower(): item for key, item in value.items()}, "upload limit")

    def server_settings(self, data_dir: Path, database_url: str) -> ServerSettings:
        login = _typed(LoginLimits, self.login_limits)
        return ServerSettings(
            data_dir=data_dir,
            database_url=database_url,
            public_library=self.public_library,
            limits=ServerLimits(**self.limits),
            login_limits=LoginLimits(**login),
            upload_limits=UploadLimits(**_typed(UploadLimits, self.upload_limits)),
        )

    def as_environment(self) -> dict[str, str]:
        """These settings as variables, for worker processes started by uvicorn."""
        values: dict[str, str] = {}
        for name, value in self.model_dump(exclude_none=True).items():
            if isinstance(value, dict):
                values.update({f"{PREFIX}{name}__{key}".upper(): str(item) for key, item in value.items()})
            else:
                values[f"{PREFIX}{name}".upper()] = str(value)
        return values


def load(config_file: str | os.PathLike[str] | None = None, **command_line: Any) -> ServerEnvironment:
    """The settings in force; ``command_line`` holds only the options actually given."""
    chosen = config_file or os.environ.get(CONFIG_ENV)
    if chosen and not Path(chosen).is_file():
        raise SettingsError(f"no settings file {chosen}")
    given = {key: value for key, value in command_line.items() if value is not None}
    try:
        return ServerEnvironment(_env_file=chosen or None, _env_file_encoding="utf-8", **given)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(part) for part in item['loc']) or 'settings'}: {item['msg']}"
                             for item in error.errors())
        raise SettingsError(f"invalid settings: {problems}") from None
