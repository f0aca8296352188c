"""Options of a sandbox server, shared by the command line and ``run_sandbox``."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from attio_cli.api_client import is_loopback
from attio_cli.errors import ConfigError

DEFAULT_TOKEN = "sandbox"
TOKEN_ENVIRONMENT_VARIABLE = "ATTIO_SANDBOX_TOKEN"
DEFAULT_WRITE_RATE = 25
DEFAULT_READ_RATE = 100
# Seconds between writes of changes to the --db file while the server runs.
DEFAULT_FLUSH_INTERVAL = 1.0


@dataclasses.dataclass
class SandboxOptions:
    """Settings of one sandbox server.

    Rates are requests per clock second, and 0 turns a limit off. ``fail_rate`` and ``drop_rate``
    are shares of writes from 0 to 1. ``clock`` returns epoch seconds for the rate limits, so a test
    can hold time still.
    """

    host: str = "127.0.0.1"
    port: int = 0
    port_file: Path | None = None
    db: Path | None = None
    schema: Path | None = None
    token: str = DEFAULT_TOKEN
    write_rate: int = DEFAULT_WRITE_RATE
    read_rate: int = DEFAULT_READ_RATE
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    latency_ms: float = 0.0
    seed: int | None = None
    allow_remote: bool = False
    flush_interval: float = DEFAULT_FLUSH_INTERVAL
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        for name in ("port_file", "db", "schema"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, Path(value))

    def validate(self) -> None:
        """Raise ConfigError for an option that the server cannot run with."""
        if not is_loopback(self.host) and not self.allow_remote:
            raise ConfigError(
                f"--host {self.host} is not a loopback address, so the sandbox would be reachable from other machines",
                hint="Use 127.0.0.1, or pass --allow-remote to serve on another address (plain HTTP, no TLS).",
            )
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"invalid --port {self.port}: expected 0 (any free port) to 65535")
        if not self.token or any(character.isspace() for character in self.token) or not self.token.isprintable():
            raise ConfigError(
                "the sandbox token is empty or contains spaces or control characters",
                hint=f"Set --token or {TOKEN_ENVIRONMENT_VARIABLE} to printable text without spaces.",
            )
        for name, rate in (("--write-rate", self.write_rate), ("--read-rate", self.read_rate)):
            if rate < 0:
                raise ConfigError(f"invalid {name} {rate}: expected requests per second, or 0 for no limit")
        for name, share in (("--fail-rate", self.fail_rate), ("--drop-rate", self.drop_rate)):
            if not 0 <= share <= 1:
                raise ConfigError(f"invalid {name} {share}: expected a share of writes from 0 to 1, e.g. 0.05")
        if self.latency_ms < 0:
            raise ConfigError(f"invalid --latency {self.latency_ms}: expected milliseconds, 0 or more")
        if self.flush_interval <= 0:
            raise ConfigError(f"invalid flush interval {self.flush_interval}: expected seconds above 0")
