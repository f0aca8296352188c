"""Compile a mapping once into closures, and run it per event as Segment's ``transform`` does.

Segment's ``transform(mapping, data)`` checks that ``data`` is an object, handles the root
directive (``__segment_internal_directive``), validates the mapping, resolves it against the
event and finally removes every ``undefined`` value from objects. ``compile_mapping`` does all
of the per-mapping work up front, so a ``CompiledMapping.transform`` call only walks paths and
builds the output.

**Where ``MISSING`` goes.** ``MISSING`` is JavaScript's ``undefined``. Segment keeps it in
objects until the very end. That is visible in two places only. In ``@merge``, a key that
resolves to ``undefined`` in a later object overwrites an earlier value. In ``@flatten``, such a
leaf overwrites an earlier key of the same name. So objects resolved under ``@merge``'s
``objects`` or ``@flatten``'s ``value`` keep ``MISSING`` values ("keep mode"), and everywhere
else an object leaves such keys out as it is built. Array items that resolve to ``MISSING`` stay
in place as holes, as in JavaScript.

**Output.** ``transform`` returns plain JSON data. Keys whose value is ``MISSING`` are absent
and array holes are ``None``, which is what ``JSON.stringify`` makes of Segment's output. A
mapping that is itself a directive may return ``MISSING``. Objects built from the mapping,
``@merge``, ``@flatten`` and ``@json`` come in JavaScript key order (array-index keys first).

NOTE: objects copied from the event keep the event's key order, whereas JavaScript would list
keys such as ``"1"`` first. Equality is unaffected; byte-exact JSON output needs ``js_key_order``.

Every compiled node records whether its output can contain ``MISSING`` (``pure`` is false
then). Only for an impure mapping does ``transform`` make a final cleaning pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attio_cli.jsvalues import MISSING, js_code_units, js_keys, js_string, js_type_of
from attio_cli.mapping_kit import directives
from attio_cli.mapping_kit.errors import DirectiveError, MappingValidationError
from attio_cli.mapping_kit.nodes import Node, Run, Scope, const_node, raise_node
from attio_cli.mapping_kit.paths import PathGetter, PathSyntaxError, compile_path
from attio_cli.mapping_kit.validation import Invalid, KeyPath, liquid_message, pointer, validate, validate_everything

ROOT_DIRECTIVE_KEY = "__segment_internal_directive"


def is_directive(value: dict) -> bool:
    """Tell whether Segment resolves an object as a directive.

    That is the case when some key starts with ``@`` and every key either does or is ``_metadata``.
    """
    has_directive_key = False
    for key in value:
        if key.startswith("@"):
            has_directive_key = True
        elif key != "_metadata":
            return False
    return has_directive_key


class Compiler:
    """Turns mapping values into ``Node``s and collects the errors found while doing so.

    With ``strict``, an unknown directive or an invalid ``@transform`` ``apply`` in a place
    Segment's validator skips is an error at compile time. Without it, the directive fails each
    event that reaches it, with Segment's run-time message.
    """

    def __init__(self, *, strict: bool):
        self.strict = strict
        self.errors: list[tuple[str, KeyPath]] = []

    def error(self, message: str, key_path: KeyPath) -> None:
        self.errors.append((message, key_path))

    def compile(self, value: Any, key_path: KeyPath, scope: Scope) -> Node:
        """Compile any mapping value: a directive, a plain object, an array or a raw value."""
        if isinstance(value, dict):
            if is_directive(value):
                return self.compile_directive(value, key_path, scope)
            return self.compile_object(value, key_path, scope)
        if isinstance(value, list):
            return self.compile_array(value, key_path, scope)
        return const_node(value)

    def compile_directive(self, value: dict, key_path: KeyPath, scope: Scope) -> Node:
        name = next(key for key in js_keys(value) if key.startswith("@"))
        if name == "@liquid":
            self.error(liquid_message(_stack_of(key_path)), key_path + (name,))
            return raise_node(f"{name} is not supported")
        handler = directives.HANDLERS.get(name)
        if handler is None:
            if self.strict:
                self.error(f"{pointer(_stack_of(key_path))} has an invalid directive: {name}.", key_path)
            return raise_node(f"{name} is not a valid directive, got undefined")
        return handler(self, value[name], key_path + (name,), scope)

    def compile_object(self, value: dict, key_path: KeyPath, scope: Scope) -> Node:
        items = [(key, self.compile(value[key], key_path + (key,), scope)) for key in js_keys(value)]
        if not items:
            return Node(lambda payload: {}, pure=True, may_miss=False)

        if all(node.is_const for _, node in items):
            constant = {key: node.value for key, node in items if node.value is not MISSING or scope.keep}
            return Node(lambda payload: constant.copy(), pure=not scope.keep or MISSING not in constant.values(), may_miss=False)

        pairs = tuple((key, node.run) for key, node in items)
        if scope.keep:
            pure = all(node.pure and not node.may_miss for _, node in items)

            def build_keeping(payload: Any) -> dict:
                return {key: run(payload) for key, run in pairs}

            return Node(build_keeping, pure=pure, may_miss=False)

        def build(payload: Any) -> dict:
            out = {}
            for key, run in pairs:
                item = run(payload)
                if item is not MISSING:
                    out[key] = item
            return out

        return Node(build, pure=all(node.pure for _, node in items), may_miss=False)

    def compile_array(self, value: list, key_path: KeyPath, scope: Scope) -> Node:
        nodes = [self.compile(item, key_path + (position,), scope) for position, item in enumerate(value)]
        runs = tuple(node.run for node in nodes)
        pure = all(node.pure and not node.may_miss for node in nodes)
        return Node(lambda payload: [run(payload) for run in runs], pure=pure, may_miss=False)

    def compile_path(self, text: str, key_path: KeyPath) -> PathGetter:
        """Compile a constant path, recording a JSONPath syntax error instead of raising it."""
        try:
            return compile_path(text)
        except PathSyntaxError as error:
            self.error(f"{pointer(_stack_of(key_path))} {error}.", key_path)
            return lambda payload: MISSING

    def compile_root(self, mapping: dict, key_path: KeyPath) -> SubMapping:
        """Compile the ``apply`` object of ``@transform``, which Segment runs as a whole ``transform``."""
        return _compile_sub_mapping(self, mapping, key_path)


def _stack_of(key_path: KeyPath) -> tuple[str, ...]:
    return tuple(str(part) for part in key_path)


def spread_mapping(mapping: Any) -> dict:
    """Copy the top of a mapping as JavaScript's ``{...mapping}`` does.

    An array becomes an object keyed by position and a string one keyed by code unit position.
    Numbers and booleans have nothing to spread and give ``{}``.
    """
    if isinstance(mapping, dict):
        return dict(mapping)
    if isinstance(mapping, list):
        return {str(position): item for position, item in enumerate(mapping)}
    if isinstance(mapping, str):
        return {str(position): unit for position, unit in enumerate(js_code_units(mapping))}
    if mapping is None or mapping is MISSING:
        raise MappingValidationError([f"/ should be an object but it is {'a null' if mapping is None else 'an undefined'}."], [()])
    return {}


def apply_root_directive(mapping: dict) -> tuple[Any, str | None, bool]:
    """Apply ``__segment_internal_directive``: the one directive it contains becomes the mapping.

    All other top-level keys are injected as that directive's ``mapping`` option, which is what
    ``@transform`` needs. Returns the mapping to process, the root directive's name (``None``
    when the root value is not an object) and whether a root directive was used. Raises
    ``MappingValidationError`` with Segment's messages when the root value is malformed.
    """
    if ROOT_DIRECTIVE_KEY not in mapping:
        return mapping, None, False

    injected = {key: value for key, value in mapping.items() if key != ROOT_DIRECTIVE_KEY}
    root = mapping[ROOT_DIRECTIVE_KEY]
    # Segment reads the first of Object.keys(root), so strings and arrays count by position.
    if isinstance(root, dict):
        keys: list = js_keys(root)
        first = root[keys[0]] if keys else MISSING
    elif isinstance(root, list):
        keys = list(range(len(root)))
        first = root[0] if root else MISSING
    elif isinstance(root, str):
        keys = js_code_units(root)
        first = keys[0] if keys else MISSING
    else:
        keys, first = [], MISSING

    location = [(ROOT_DIRECTIVE_KEY,)]
    if len(keys) > 1:
        raise MappingValidationError(["The root mapping must only have a single directive object"], location)
    if not isinstance(first, (dict, list)):
        raise MappingValidationError(["The root directive must be an object"], location)

    if isinstance(first, dict):
        first = {**first, "mapping": injected}
    if isinstance(root, dict):
        return {keys[0]: first}, keys[0], True
    return [first], None, True


def _root_key_path(key_path: KeyPath, used_root: bool, root_name: str | None) -> KeyPath:
    """Map a key path in the processed mapping back to the mapping the user wrote."""
    if not used_root:
        return key_path
    if root_name is not None and key_path[:2] == (root_name, "mapping"):
        return key_path[2:]
    if root_name is None and key_path[:1] == (0,):
        key_path = key_path[1:]
    return (ROOT_DIRECTIVE_KEY,) + key_path


class CompiledMapping:
    """A validated mapping, compiled once; ``transform`` runs it on one event."""

    __slots__ = ("mapping", "_run", "_pure")

    def __init__(self, mapping: Any, run: Run, pure: bool):
        self.mapping = mapping
        self._run = run
        self._pure = pure

    def transform(self, event: Any = MISSING) -> Any:
        """Map one event, as Segment's ``transform(mapping, event)`` does.

        Raises ``DirectiveError`` when the event is not an object (``data must be an object, got
        array``) or a directive fails on it. Leaving ``event`` out uses ``{}``, as Segment does
        for ``undefined``. A mapping compiled with ``strict=False`` can also raise
        ``MappingValidationError`` here, for an invalid ``@transform`` ``apply`` that Segment
        only validates when an event reaches it.
        """
        if type(event) is not dict:
            if event is MISSING:
                event = {}
            elif js_type_of(event) != "object":
                raise DirectiveError(f"data must be an object, got {js_type_of(event)}")
        result = self._run(event)
        if self._pure:
            return result
        return finalize(result)


def compile_mapping(mapping: Any, *, strict: bool = True) -> CompiledMapping:
    """Validate a whole mapping config and compile it into a ``CompiledMapping``.

    Raises ``MappingValidationError`` with Segment's validation messages, in Segment's order.
    ``@liquid`` is always rejected, since attio-cli does not run Liquid templates. With
    ``strict`` (the default), the places Segment's validator skips (array items, ``@literal``
    and ``@excludeWhenNull`` objects) are then checked by the same rules. A mistake there is
    rejected up front instead of failing each event that reaches it. ``strict=False`` gives
    Segment's behaviour exactly.
    """
    mapping = _normalise_keys(mapping)
    processed, root_name, used_root = apply_root_directive(spread_mapping(mapping))

    try:
        validate(processed)
    except Invalid as error:
        raise _validation_error(error.errors, used_root, root_name) from None
    if strict:
        try:
            validate_everything(processed)
        except Invalid as error:
            raise _validation_error(error.errors, used_root, root_name) from None

    compiler = Compiler(strict=strict)
    node = compiler.compile(processed, (), Scope())
    if compiler.errors:
        raise _validation_error(compiler.errors, used_root, root_name)
    return CompiledMapping(mapping, node.run, node.pure)


def transform(mapping: Any, data: Any = MISSING) -> Any:
    """Validate, compile and run a mapping on one event: ``compile_mapping(mapping).transform(data)``."""
    return compile_mapping(mapping).transform(data)


def _validation_error(errors: list[tuple[str, KeyPath]], used_root: bool = False, root_name: str | None = None) -> MappingValidationError:
    return MappingValidationError(
        [message for message, _ in errors],
        [_root_key_path(key_path, used_root, root_name) for _, key_path in errors],
    )


def _normalise_keys(value: Any) -> Any:
    """Turn non-text keys into text, since JavaScript object keys are strings (YAML allows ``1:``)."""
    if isinstance(value, dict):
        return {(key if type(key) is str else js_string(key)): _normalise_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise_keys(item) for item in value]
    return value


# --- @transform's apply: a whole transform inside a directive -------------------------------


class SubMapping:
    """The compiled ``apply`` of a ``@transform``: Segment runs it through ``transform`` itself.

    That means the payload must be an object (``undefined`` counts as ``{}``), the mapping is
    validated, and the result has its ``MISSING`` object values removed. An invalid ``apply``
    in a place Segment's validator skips fails each event, as in Segment, unless the compiler
    is strict.
    """

    __slots__ = ("run", "pure")

    def __init__(self, run: Run, pure: bool):
        self.run = run
        self.pure = pure


def _compile_sub_mapping(compiler: Compiler, apply: dict, key_path: KeyPath) -> SubMapping:
    try:
        processed, _, _ = apply_root_directive(dict(apply))
    except MappingValidationError as error:
        message = error.messages[0]
        if compiler.strict:
            compiler.error(f"{pointer(_stack_of(key_path))} {message}.", key_path)
        return _failing_sub_mapping(lambda: DirectiveError(message))

    try:
        validate(processed)
    except Invalid as error:
        if compiler.strict:
            # Report with the full path, since the per-event message is relative to apply.
            try:
                validate(processed, _stack_of(key_path), key_path)
            except Invalid as located:
                compiler.errors.extend(located.errors)
        errors = error.errors
        return _failing_sub_mapping(lambda: _validation_error(errors))

    node = compiler.compile(processed, key_path, Scope())
    inner = node.run
    pure = node.pure

    def run(payload: Any) -> Any:
        if type(payload) is not dict:
            if payload is MISSING:
                payload = {}
            elif js_type_of(payload) != "object":
                raise DirectiveError(f"data must be an object, got {js_type_of(payload)}")
        result = inner(payload)
        return result if pure else strip_missing(result)

    return SubMapping(run, pure)


def _failing_sub_mapping(make_error: Callable[[], Exception]) -> SubMapping:
    # A new exception per event, because raising one instance again keeps growing its traceback.
    def run(payload: Any) -> Any:
        if type(payload) is not dict and payload is not MISSING and js_type_of(payload) != "object":
            raise DirectiveError(f"data must be an object, got {js_type_of(payload)}")
        raise make_error()

    return SubMapping(run, True)


# --- Removing MISSING ------------------------------------------------------------------------


def strip_missing(value: Any) -> Any:
    """Remove ``MISSING`` object values at every depth and keep array holes, as Segment's ``removeUndefined``."""
    if isinstance(value, dict):
        return {key: strip_missing(item) for key, item in value.items() if item is not MISSING}
    if isinstance(value, list):
        return [strip_missing(item) for item in value]
    return value


def finalize(value: Any) -> Any:
    """Remove ``MISSING`` object values and turn ``MISSING`` array items into ``None``.

    This is Segment's ``removeUndefined`` followed by what ``JSON.stringify`` does to array holes.
    """
    if isinstance(value, dict):
        return {key: finalize(item) for key, item in value.items() if item is not MISSING}
    if isinstance(value, list):
        return [None if item is MISSING else finalize(item) for item in value]
    return value
