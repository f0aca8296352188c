"""Errors that stop a command before or while it runs, with the exit status each one maps to."""

from attio_cli.exit_status import ExitStatus


class CliError(Exception):
    """An error that the central handler prints on stderr and turns into an exit status."""

    exit_status = ExitStatus.USAGE_ERROR

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(CliError):
    """A mapping file, option or input path is wrong, so no event is processed."""


class InputError(CliError):
    """An input file or folder cannot be opened or read."""
