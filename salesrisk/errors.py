"""The exceptions a user can see: each means "cannot continue" and carries one clear sentence."""

from __future__ import annotations


class SalesriskError(Exception):
    """Base of every error the CLI turns into a message and exit code 2."""

    exit_code = 2


class InputError(SalesriskError):
    """The ledger cannot be read: missing, corrupt, encrypted, unsupported, empty, or malformed."""


class MissingFieldError(InputError):
    """A recognised table lacks a field it needs."""

    def __init__(self, table: str, source: str, field: str, aliases: list[str], headers: list[str]):
        self.table, self.source, self.field, self.aliases, self.headers = table, source, field, aliases, headers
        shown = ", ".join(aliases[:12]) + (" …" if len(aliases) > 12 else "")
        super().__init__(
            f"{source}: table '{table}' needs the field '{field}' but no column matches it "
            f"(aliases tried: {shown}; headers found: {', '.join(map(str, headers)) or 'none'}). "
            f"Rename the column or map it with --columns FILE."
        )


class ConfigError(SalesriskError):
    """A configuration file is invalid; the message names the file and the location."""
