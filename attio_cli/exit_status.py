"""Process exit statuses, in one place so the CLI and its docs agree."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit status of an ``attio-cli`` command."""

    # Every event was planned or delivered, or was unmatched or a duplicate.
    OK = 0
    # At least one event was invalid, rejected by Attio or failed after retries.
    EVENTS_NOT_DELIVERED = 1
    # A usage or configuration error: nothing was processed.
    USAGE_ERROR = 2
    # A fatal API error: authentication failed or the API stayed unreachable.
    FATAL_API_ERROR = 3
    # Interrupted with Ctrl-C; 128 + SIGINT, as shell tools report it.
    INTERRUPTED = 130
    # Standard output was closed early (e.g. by `| head`); 128 + SIGPIPE, as shell tools report it.
    BROKEN_PIPE = 141
