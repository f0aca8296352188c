"""Exceptions raised by the mapping kit."""

from __future__ import annotations


class MappingError(Exception):
    """Base class of every error the mapping kit raises."""


class MappingValidationError(MappingError):
    """The mapping config is invalid, so no event can be transformed with it.

    ``messages`` lists each problem in the order Segment's validator reports it, in Segment's
    wording where Segment rejects the mapping too (``/a/@path should be a string or a mapping
    directive but it is a boolean.``). ``key_paths`` holds, for each message, the path of keys
    from the top of the mapping to the offending value, with list positions as ``int``.
    """

    def __init__(self, messages: list[str], key_paths: list[tuple[str | int, ...]]):
        super().__init__("\n".join(messages))
        self.messages = list(messages)
        self.key_paths = list(key_paths)


class DirectiveError(MappingError):
    """A directive failed while transforming one event; the message is Segment's."""
