"""Load YAML mapping files into subscriptions, rejecting a broken file before any event is read.

A file contains one subscription, or a list of them under ``subscriptions:``. Every error names the
file, the line, the key path inside the file and what to change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from attio_cli.actions.fields import ACTION_FIELDS, default_mapping
from attio_cli.errors import ConfigError
from attio_cli.mapping_kit import MappingValidationError, compile_mapping, expand_shorthand
from attio_cli.triggers import TriggerSyntaxError, compile_trigger

# Action names as attio-cli spells them, and Segment's names for the same actions.
ACTION_ALIASES = {
    "identify-user": "identify-user",
    "group-workspace": "group-workspace",
    "assert-record": "assert-record",
    "identifyUser": "identify-user",
    "groupWorkspace": "group-workspace",
    "assertRecord": "assert-record",
}
DEFAULT_SUBSCRIBE = {"identify-user": 'type = "identify"', "group-workspace": 'type = "group"'}
SUBSCRIPTION_KEYS = ("name", "subscribe", "action", "mapping")
MAX_BATCH_SIZE = 10_000


@dataclass
class Subscription:
    """One subscription: a trigger, an action and its compiled mapping."""

    name: str
    action: str
    subscribe: str
    mapping: dict[str, Any]
    file: str
    line: int
    trigger: Any = field(repr=False)
    compiled: Any = field(repr=False)
    enable_batching: bool = False
    batch_size: int = 1000
    warnings: list[str] = field(default_factory=list)
    # Returns the file line of a key path inside ``mapping``, e.g. ("attributes", "name").
    line_of: Callable[[tuple], int] | None = field(default=None, repr=False, compare=False)

    def mapping_location(self, key_path: tuple) -> str:
        """Return "file:line" for a key path inside the mapping, for messages."""
        line = self.line_of(key_path) if self.line_of is not None else self.line
        return f"{self.file}:{line}"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


class _Loader(yaml.SafeLoader):
    """A safe loader whose plain scalars follow JSON: true, false, null and JSON numbers.

    PyYAML follows YAML 1.1, which would silently turn ``on`` into true, ``010`` into 8,
    ``12:30`` into 750 and ``2024-01-05`` into a date. Every other plain scalar stays text here.
    """


_IMPLICIT_TAGS_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _IMPLICIT_TAGS_REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"), list("-0123456789")
)

# The largest integer that JSON writers here (orjson) and JavaScript numbers both carry exactly.
_MAX_SAFE_INTEGER = 2**53 - 1


def _check_json_values(value: Any, path: tuple, errors: "_FileErrors") -> None:
    """Reject YAML values that have no JSON form (binary, sets, timestamps, huge integers)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise errors.error(path + (key,), f"keys must be text, got {type(key).__name__} {key!r}", hint="Quote the key.")
            _check_json_values(item, path + (key,), errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json_values(item, path + (index,), errors)
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise errors.error(path, f"the number {value} is too large to send exactly", hint="Quote it to send it as text.")
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise errors.error(path, "the value is not a finite number")
    else:
        raise errors.error(path, f"a {type(value).__name__} value has no JSON form", hint="Use text, numbers, true, false, null, lists and mappings only.")


def _record_lines(node: yaml.Node, path: tuple, lines: dict[tuple, int], duplicates: list) -> None:
    """Store the 1-based line of every key and item under ``node`` by its key path.

    Keys that appear twice in one mapping go to ``duplicates``, because YAML loaders keep only
    the last value without a word.
    """
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            if path + (key,) in lines:
                duplicates.append((path + (key,), key_node.start_mark.line + 1))
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record_lines(value_node, path + (key,), lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines, duplicates)


def _format_path(path: tuple) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


class _FileErrors:
    """Builds ConfigErrors that point at a line of one mapping file."""

    def __init__(self, file: str, lines: dict[tuple, int]):
        self.file = file
        self.lines = lines

    def line_of(self, path: tuple) -> int:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, path: tuple, problem: str, hint: str | None = None) -> ConfigError:
        return ConfigError(f"{self.file}:{self.line_of(path)}: {_format_path(path)}: {problem}", hint=hint)


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'?" if close else None


def load_mapping_file(path: str) -> list[Subscription]:
    """Read one mapping file and compile each of its subscriptions."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"mapping file not found: {path}", hint="Pass a YAML file with -m, e.g. -m mappings/identify-user.yaml.") from None
    except IsADirectoryError:
        raise ConfigError(f"mapping file {path} is a folder", hint="Pass each YAML file with its own -m.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read mapping file {path}: {error}") from None

    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        hint = None
        if "'@'" in str(error):
            hint = 'Quote keys that start with @, e.g. "@path": $.traits.email'
        elif "'\\t'" in str(error):
            hint = "Indent with spaces; YAML does not allow tabs."
        elif "another document" in str(error):
            hint = "A mapping file contains one YAML document; list several subscriptions under 'subscriptions:' instead."
        raise ConfigError(f"{path}:{line}: invalid YAML: {problem}", hint=hint) from None
    finally:
        loader.dispose()

    lines: dict[tuple, int] = {}
    duplicates: list = []
    if root is not None:
        _record_lines(root, (), lines, duplicates)
    errors = _FileErrors(path, lines)
    if duplicates:
        key_path, line = duplicates[0]
        raise ConfigError(f"{path}:{line}: {_format_path(key_path)}: the key appears twice", hint="Remove one of them; YAML would keep only the last.")
    _check_json_values(data, (), errors)

    if isinstance(data, dict) and "subscriptions" in data:
        extra = [key for key in data if key != "subscriptions"]
        if extra:
            raise errors.error((extra[0],), "unexpected key next to 'subscriptions'", hint="Move it inside one of the subscriptions.")
        items = data["subscriptions"]
        if not isinstance(items, list) or not items:
            raise errors.error(("subscriptions",), "must be a non-empty list of subscriptions")
        return [_load_subscription(item, ("subscriptions", index), errors) for index, item in enumerate(items)]
    if not isinstance(data, dict):
        raise errors.error((), "a mapping file must be a YAML mapping with 'action' and 'mapping', or a 'subscriptions' list")
    return [_load_subscription(data, (), errors)]


def _load_subscription(item: Any, path: tuple, errors: _FileErrors) -> Subscription:
    if not isinstance(item, dict):
        raise errors.error(path, "a subscription must be a mapping with 'action', 'subscribe' and 'mapping'")
    for key in item:
        if key not in SUBSCRIPTION_KEYS:
            raise errors.error(path + (key,), f"unknown key '{key}'", hint=_did_you_mean(str(key), list(SUBSCRIPTION_KEYS)) or "A subscription has the keys name, subscribe, action and mapping.")

    action_name = item.get("action")
    if action_name is not None and not isinstance(action_name, str):
        raise errors.error(path + ("action",), "must be one action name", hint="Use one of identify-user, group-workspace, assert-record.")
    if action_name is None:
        raise errors.error(path, "missing 'action'", hint="Use one of identify-user, group-workspace, assert-record.")
    if action_name not in ACTION_ALIASES:
        hint = _did_you_mean(str(action_name), list(ACTION_ALIASES)) or "Use one of identify-user, group-workspace, assert-record."
        raise errors.error(path + ("action",), f"unknown action '{action_name}'", hint=hint)
    action = ACTION_ALIASES[action_name]

    subscribe = item.get("subscribe", DEFAULT_SUBSCRIBE.get(action))
    if "subscribe" in item and subscribe is None:
        raise errors.error(path + ("subscribe",), "is empty", hint=f"Write a trigger, or leave the key out to use the default of {action}.")
    if subscribe is None:
        raise errors.error(path, f"missing 'subscribe': {action} has no default trigger", hint='Add a trigger, e.g. subscribe: type = "track" and event = "Signed Up"')
    if not isinstance(subscribe, str) or not subscribe.strip():
        raise errors.error(path + ("subscribe",), "must be a non-empty trigger string, e.g. type = \"identify\"")
    try:
        trigger = compile_trigger(subscribe)
    except TriggerSyntaxError as error:
        raise errors.error(path + ("subscribe",), f"invalid trigger at {error}", hint="Put spaces around operators and double quotes around values.") from None

    user_mapping = item.get("mapping", {})
    if user_mapping is None:
        user_mapping = {}
    if not isinstance(user_mapping, dict):
        raise errors.error(path + ("mapping",), "must be a mapping of action fields to values")
    field_keys = [f.key for f in ACTION_FIELDS[action]]
    for key in user_mapping:
        if key not in field_keys:
            hint = _did_you_mean(str(key), field_keys) or f"The fields of {action} are: {', '.join(field_keys)}."
            raise errors.error(path + ("mapping", key), f"unknown field '{key}' for {action}", hint=hint)

    enable_batching = user_mapping.get("enable_batching", False)
    if not isinstance(enable_batching, bool):
        raise errors.error(path + ("mapping", "enable_batching"), "must be true or false")
    batch_size = user_mapping.get("batch_size", 1000)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise errors.error(path + ("mapping", "batch_size"), f"must be a whole number from 1 to {MAX_BATCH_SIZE:,}, got {batch_size!r}")

    mapping = {**default_mapping(action), **expand_shorthand(user_mapping)}
    try:
        compiled = compile_mapping(mapping)
    except MappingValidationError as error:
        # Report the first problem with its line; list the rest so one edit fixes them all.
        first_path = path + ("mapping",) + tuple(error.key_paths[0]) if error.key_paths else path + ("mapping",)
        extra = error.messages[1:]
        hint = "Also: " + " ".join(extra) if extra else None
        raise errors.error(first_path, _strip_pointer(error.messages[0]), hint=hint) from None

    line = errors.line_of(path)
    subscription = Subscription(
        name=str(item.get("name") or f"{action} ({errors.file}:{line})"),
        action=action,
        subscribe=subscribe,
        mapping=mapping,
        file=errors.file,
        line=line,
        trigger=trigger,
        compiled=compiled,
        enable_batching=enable_batching,
        batch_size=batch_size,
        line_of=lambda key_path: errors.line_of(path + ("mapping",) + tuple(key_path)),
    )
    subscribe_line = errors.line_of(path + ("subscribe",))
    subscription.warnings = [f"{errors.file}:{subscribe_line}: {warning}" for warning in trigger.warnings]
    return subscription


def compile_subscription(action: str, subscribe: str, mapping: dict[str, Any], *, name: str, file: str = "<inline>", line: int = 1) -> Subscription:
    """Build a subscription from a full mapping, as Segment takes it: no defaults, no shorthand.

    Raises TriggerSyntaxError or MappingValidationError; mapping files go through
    load_mapping_file instead, which turns those into errors that point at a line.
    """
    action = ACTION_ALIASES[action]
    return Subscription(
        name=name,
        action=action,
        subscribe=subscribe,
        mapping=mapping,
        file=file,
        line=line,
        trigger=compile_trigger(subscribe),
        compiled=compile_mapping(mapping),
        enable_batching=mapping.get("enable_batching") is True,
        batch_size=mapping.get("batch_size", 1000),
    )


def _strip_pointer(message: str) -> str:
    """Drop the leading '/a/b' pointer from a mapping-kit message, since the caller prints the key path."""
    if message.startswith("/"):
        _, _, rest = message.partition(" ")
        return rest.rstrip(".")
    return message.rstrip(".")


def load_mapping_files(paths: list[str]) -> list[Subscription]:
    """Load several mapping files; the subscriptions keep file order."""
    if not paths:
        raise ConfigError("no mapping file given", hint="Pass one with -m, e.g. -m mappings/identify-user.yaml.")
    resolved = [Path(path).resolve() for path in paths]
    for index, path in enumerate(resolved):
        if path in resolved[:index]:
            raise ConfigError(f"mapping file {paths[index]} is given twice", hint="Each -m file runs its subscriptions once; pass it once.")
    subscriptions: list[Subscription] = []
    for path in paths:
        subscriptions.extend(load_mapping_file(path))
    return subscriptions
