"""The directives of Segment's mapping-kit, each compiled into a closure.

Every handler takes the directive's options as written in the mapping and returns a ``Node``
(see ``compiler.py``). It follows Segment's ``mapping-kit/index.ts`` at run time, including its
quirks, for example:

- ``@if`` returns nothing when the condition fails and ``else`` is falsy (``false``, ``0``,
  ``''``, ``null``), and it fails when neither ``exists`` nor ``blank`` is truthy as written.
- ``@case`` and ``@replace`` return nothing when ``value`` is falsy as written, and ``@json``
  fails then.
- ``@replace`` returns ``''`` for a value that is not text, a number or a boolean, including a
  missing one.
- ``@merge`` lets a later key that resolves to nothing remove an earlier value.

Options that Segment reads without resolving (``@case``'s operator, ``@replace``'s pattern,
``@json``'s mode and so on) are fixed at compile time, so their checks cost nothing per event.
Where such a check always fails, the handler compiles to a node that raises Segment's message
each time it is resolved. Segment, too, fails only when an event reaches the directive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attio_cli.jsvalues import (
    MISSING,
    is_array_index,
    js_code_units,
    js_json_parse,
    js_json_stringify,
    js_key_order,
    js_keys,
    js_length,
    js_string,
    js_truthy,
    js_type_of,
)
from attio_cli.mapping_kit.errors import DirectiveError
from attio_cli.mapping_kit.jsvalues import compile_literal_replace, js_loose_equals_empty_string
from attio_cli.mapping_kit.nodes import Node, Scope, const_node, raise_node, return_missing
from attio_cli.mapping_kit.paths import PathSyntaxError, compile_path_cached
from attio_cli.mapping_kit.template import compile_template, compile_template_cached
from attio_cli.mapping_kit.validation import MAX_PATTERN_LENGTH, MAX_REPLACEMENT_LENGTH, KeyPath

if TYPE_CHECKING:
    from attio_cli.mapping_kit.compiler import Compiler


# --- @path, @template, @literal -------------------------------------------------------------


def compile_path_directive(compiler: Compiler, argument: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@path``: look a path up in the payload; a directive may compute the path text."""
    if isinstance(argument, str):
        return Node(compiler.compile_path(argument, key_path), pure=scope.payload_pure, may_miss=True)
    if not isinstance(argument, (dict, list)):
        return raise_node(f"@path: expected string, got {js_type_of(argument)}")

    text_run = compiler.compile(argument, key_path, scope).run

    def dynamic_path(payload: Any) -> Any:
        text = text_run(payload)
        if not isinstance(text, str):
            raise DirectiveError(f"@path: expected string, got {js_type_of(text)}")
        try:
            getter = compile_path_cached(text)
        except PathSyntaxError as error:
            raise DirectiveError(f"@path: {text!r} {error}") from None
        return getter(payload)

    return Node(dynamic_path, pure=scope.payload_pure, may_miss=True)


def compile_template_directive(compiler: Compiler, argument: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@template``: render ``{{path}}`` placeholders against the payload."""
    if isinstance(argument, str):
        return Node(compile_template(argument), pure=True, may_miss=False)
    if not isinstance(argument, (dict, list)):
        return raise_node(f"@template: expected string, got {js_type_of(argument)}")

    text_run = compiler.compile(argument, key_path, scope).run

    def dynamic_template(payload: Any) -> Any:
        text = text_run(payload)
        if not isinstance(text, str):
            raise DirectiveError(f"@template: expected string, got {js_type_of(text)}")
        return compile_template_cached(text)(payload)

    return Node(dynamic_template, pure=True, may_miss=True)


def compile_literal(compiler: Compiler, argument: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@literal``: resolve the argument as any mapping value, so directives inside still run."""
    return compiler.compile(argument, key_path, scope)


# --- @if, @case -------------------------------------------------------------------------------


def compile_if(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@if``: pick ``then`` or ``else`` by whether ``exists`` is set or ``blank`` is not blank."""
    if not isinstance(options, dict):
        return raise_node('@if requires an object with an "exists" key')
    exists = options.get("exists", MISSING)
    blank = options.get("blank", MISSING)
    if not js_truthy(exists) and not js_truthy(blank):
        return raise_node('@if requires an "exists" key or a "blank" key')

    # "exists" wins whenever it is present, even as a falsy literal next to a truthy "blank".
    test_blank = exists is MISSING
    if test_blank:
        condition = compiler.compile(blank, key_path + ("blank",), scope).run
    else:
        condition = compiler.compile(exists, key_path + ("exists",), scope).run

    then_value = options.get("then", MISSING)
    else_value = options.get("else", MISSING)
    then_node = compiler.compile(then_value, key_path + ("then",), scope) if then_value is not MISSING else None
    else_node = compiler.compile(else_value, key_path + ("else",), scope) if js_truthy(else_value) else None
    then_run = then_node.run if then_node else return_missing
    else_run = else_node.run if else_node else return_missing
    pure = (then_node is None or then_node.pure) and (else_node is None or else_node.pure)

    if test_blank:

        def run_blank(payload: Any) -> Any:
            value = condition(payload)
            if value is not MISSING and value is not None and not js_loose_equals_empty_string(value):
                return then_run(payload)
            return else_run(payload)

        return Node(run_blank, pure=pure, may_miss=True)

    def run_exists(payload: Any) -> Any:
        value = condition(payload)
        if value is not MISSING and value is not None:
            return then_run(payload)
        return else_run(payload)

    return Node(run_exists, pure=pure, may_miss=True)


def compile_case(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@case``: lower- or upper-case a text value; other values pass through unchanged."""
    if not isinstance(options, dict):
        return raise_node('@case requires an object with a "operator" key')
    operator = options.get("operator", MISSING)
    if not js_truthy(operator):
        return raise_node('@case requires a "operator" key')
    value = options.get("value", MISSING)
    if not js_truthy(value):
        return const_node(MISSING)

    value_node = compiler.compile(value, key_path + ("value",), scope)
    value_run = value_node.run
    convert = {"lower": str.lower, "upper": str.upper}.get(operator) if isinstance(operator, str) else None

    def run(payload: Any) -> Any:
        resolved = value_run(payload)
        if isinstance(resolved, str):
            if convert is None:
                raise DirectiveError('operator key should have a value of "lower" or "upper"')
            return convert(resolved)
        return resolved

    return Node(run, pure=value_node.pure, may_miss=True)


# --- @replace ----------------------------------------------------------------------------------


def _replace_step(pattern: str, replacement: str, *, global_: bool, ignore_case: bool) -> Any:
    """Compile one ``performReplace`` call, or a function raising its length error."""
    if js_length(pattern) > MAX_PATTERN_LENGTH:
        message = f'@replace requires a "pattern" less than {MAX_PATTERN_LENGTH} characters'
    elif js_length(replacement) > MAX_REPLACEMENT_LENGTH:
        message = f'@replace requires a "replacement" less than {MAX_REPLACEMENT_LENGTH} characters'
    else:
        return compile_literal_replace(pattern, replacement, global_=global_, ignore_case=ignore_case)

    def fail(text: str) -> str:
        raise DirectiveError(message)

    return fail


def compile_replace(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@replace``: replace a literal pattern (and optionally a second one) in a text value."""
    if not isinstance(options, dict):
        return raise_node('@replace requires an object with a "pattern" key')
    pattern = options.get("pattern", MISSING)
    if not js_truthy(pattern):
        return raise_node('@replace requires a "pattern" key')

    replacement = options.get("replacement", MISSING)
    replacement = "" if replacement is None or replacement is MISSING else replacement
    pattern2 = options.get("pattern2", MISSING)
    replacement2 = options.get("replacement2", MISSING)
    if js_truthy(pattern2) and (replacement2 is None or replacement2 is MISSING):
        replacement2 = ""
    ignore_case = options.get("ignorecase", MISSING)
    ignore_case = False if ignore_case is None or ignore_case is MISSING else ignore_case
    global_ = options.get("global", MISSING)
    global_ = True if global_ is None or global_ is MISSING else global_

    value = options.get("value", MISSING)
    if not js_truthy(value):
        return const_node(MISSING)
    value_run = compiler.compile(value, key_path + ("value",), scope).run

    # Segment checks these types on every call; with any of them wrong the result is always ''.
    usable = (
        isinstance(pattern, str)
        and isinstance(replacement, str)
        and type(ignore_case) is bool
        and type(global_) is bool
    )
    first = _replace_step(pattern, replacement, global_=global_, ignore_case=ignore_case) if usable else None
    second = None
    if usable and js_truthy(pattern2) and isinstance(pattern2, str) and isinstance(replacement2, str):
        second = _replace_step(pattern2, replacement2, global_=global_, ignore_case=ignore_case)

    def run(payload: Any) -> Any:
        resolved = value_run(payload)
        kind = type(resolved)
        if kind is bool or kind is int or kind is float:
            resolved = js_string(resolved)
        if first is None or not isinstance(resolved, str):
            return ""
        result = first(resolved)
        return second(result) if second is not None else result

    return Node(run, pure=True, may_miss=True)


# --- @arrayPath --------------------------------------------------------------------------------


def compile_array_path(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@arrayPath``: read a list (or one object) and map each item through a shape.

    Paths inside the shape are relative to the item, so the event itself is out of their reach.
    """
    if not isinstance(options, list):
        return raise_node(f"@arrayPath expected array, got {js_type_of(options)}")
    path = options[0] if options else MISSING
    shape = options[1] if len(options) > 1 else MISSING

    if isinstance(path, str):
        root_run = compiler.compile_path(path, key_path + (0,))
        root_pure = scope.payload_pure
    else:
        root_node = compiler.compile(path, key_path + (0,), scope)
        root_run = root_node.run
        root_pure = root_node.pure

    if not isinstance(shape, dict) or not shape:
        return Node(root_run, pure=root_pure, may_miss=True)

    shape_node = compiler.compile(shape, key_path + (1,), scope._replace(payload_pure=root_pure))
    shape_run = shape_node.run

    def run(payload: Any) -> Any:
        root = root_run(payload)
        kind = type(root)
        if kind is list:
            return [shape_run(item) for item in root]
        if kind is dict:
            return [shape_run(root)]
        if isinstance(root, dict):
            return [shape_run(root)]
        if isinstance(root, (list, tuple)):
            return [shape_run(item) for item in root]
        return root

    pure = root_pure and shape_node.pure and not shape_node.may_miss
    return Node(run, pure=pure, may_miss=True)


# --- @json ---------------------------------------------------------------------------------------


def compile_json(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@json``: encode a value as JSON text, or decode JSON text (keeping text that is not JSON)."""
    if not isinstance(options, dict):
        return raise_node('@json requires an object with a "value" key')
    mode = options.get("mode", MISSING)
    if not js_truthy(mode):
        return raise_node('@json requires a "mode" key')
    value = options.get("value", MISSING)
    if not js_truthy(value):
        return raise_node('@json requires a "value" key')

    value_node = compiler.compile(value, key_path + ("value",), scope)
    value_run = value_node.run

    if mode == "encode":
        return Node(lambda payload: js_json_stringify(value_run(payload)), pure=True, may_miss=True)

    if mode == "decode":

        def decode(payload: Any) -> Any:
            resolved = value_run(payload)
            if not isinstance(resolved, str):
                return resolved
            try:
                return js_json_parse(resolved)
            except ValueError:
                return resolved

        return Node(decode, pure=value_node.pure, may_miss=True)

    # Validation accepts any letter case, but only the exact lower-case modes do anything.
    def neither(payload: Any) -> Any:
        value_run(payload)
        return MISSING

    return Node(neither, pure=True, may_miss=True)


# --- @flatten ------------------------------------------------------------------------------------


def _flatten_into(out: dict, value: Any, prefix: str, separator: str, omit_arrays: bool) -> None:
    if isinstance(value, dict):
        for key in js_keys(value):
            _flatten_into(out, value[key], prefix + separator + key if prefix else key, separator, omit_arrays)
    elif isinstance(value, list) and not omit_arrays:
        for position, item in enumerate(value):
            key = str(position)
            _flatten_into(out, item, prefix + separator + key if prefix else key, separator, omit_arrays)
    else:
        out[prefix] = value


def flatten_object(value: Any, separator: str, omit_arrays: bool) -> dict:
    """Flatten nested objects (and arrays, unless ``omit_arrays``) into one level of joined keys.

    A value that is not an object or array becomes ``{"": value}``, and empty objects and arrays
    contribute no key. ``MISSING`` leaves are kept, so that callers can drop them at the right time.
    """
    out: dict = {}
    _flatten_into(out, value, "", separator, omit_arrays)
    return js_key_order(out)


def compile_flatten(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@flatten``: flatten an object into ``{"a.b": …}`` keys with the given separator."""
    if not isinstance(options, dict):
        return raise_node('@flatten requires an object with a "separator" key')
    separator = options.get("separator", MISSING)
    if not js_truthy(separator):
        return raise_node('@flatten requires a "separator" key')
    separator_node = compiler.compile(separator, key_path + ("separator",), scope)
    separator_run = separator_node.run
    omit_arrays = js_truthy(options.get("omitArrays", MISSING))

    # Keep mode, because a leaf that resolves to nothing still overwrites an equal earlier key.
    value_node = compiler.compile(options.get("value", MISSING), key_path + ("value",), scope._replace(keep=True))
    value_run = value_node.run
    keep = scope.keep

    def run(payload: Any) -> Any:
        resolved_separator = separator_run(payload)
        if not isinstance(resolved_separator, str):
            raise DirectiveError("@flatten requires a string separator")
        flat = flatten_object(value_run(payload), resolved_separator, omit_arrays)
        if keep or MISSING not in flat.values():
            return flat
        return {key: item for key, item in flat.items() if item is not MISSING}

    if scope.keep:
        pure = value_node.pure and not value_node.may_miss
    else:
        pure = not omit_arrays or value_node.pure
    return Node(run, pure=pure, may_miss=False)


# --- @merge --------------------------------------------------------------------------------------


def _assign(target: dict, source: Any) -> None:
    """Copy a source's own keys as ``Object.assign`` does (text spreads into code unit positions)."""
    if isinstance(source, dict):
        target.update(source)
    elif isinstance(source, list):
        for position, item in enumerate(source):
            target[str(position)] = item
    elif isinstance(source, str):
        for position, unit in enumerate(js_code_units(source)):
            target[str(position)] = unit


def compile_merge(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@merge``: shallow-merge objects, later ones winning (``direction: left`` reverses them)."""
    if not isinstance(options, dict):
        return raise_node('@merge requires an object with an "objects" key and a "direction" key')
    direction = options.get("direction", MISSING)
    if not js_truthy(direction):
        return raise_node('@merge requires a "direction" key')
    direction_run = compiler.compile(direction, key_path + ("direction",), scope).run

    objects = options.get("objects", MISSING)
    problem = None
    if not js_truthy(objects):
        problem = '@merge requires a "objects" key'
    elif not isinstance(objects, list):
        problem = f"@merge: expected opts.array, got {_js_typeof(objects)}"
    if problem is not None:

        def fail(payload: Any) -> Any:
            direction_run(payload)
            raise DirectiveError(problem)

        return Node(fail, pure=True, may_miss=True)

    keep_scope = scope._replace(keep=True)
    nodes = [compiler.compile(item, key_path + ("objects", position), keep_scope) for position, item in enumerate(objects)]
    runs = tuple(node.run for node in nodes)

    def run(payload: Any) -> Any:
        resolved_direction = direction_run(payload)
        sources = [object_run(payload) for object_run in runs]
        if resolved_direction == "left" and isinstance(resolved_direction, str):
            sources.reverse()
        merged: dict = {}
        for source in sources:
            _assign(merged, source)
        for key in merged:
            if key[:1].isdigit() and is_array_index(key):
                return js_key_order(merged)
        return merged

    pure = all(node.pure and not node.may_miss for node in nodes)
    return Node(run, pure=pure, may_miss=False)


def _js_typeof(value: Any) -> str:
    # JavaScript's typeof, which Segment uses in one @merge message: null and arrays are "object".
    type_name = js_type_of(value)
    return "object" if type_name in ("array", "null") else type_name


# --- @transform, @excludeWhenNull ---------------------------------------------------------------


def compile_transform(compiler: Compiler, options: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@transform``: map the payload with ``apply``, then resolve ``mapping`` against that result only."""
    if not isinstance(options, dict):
        return raise_node('@transform requires an object with an "apply" key and a "mapping" key')
    mapping = options.get("mapping", MISSING)
    if not js_truthy(mapping):
        return raise_node('@transform requires a "mapping" key')
    apply = options.get("apply", MISSING)
    if not js_truthy(apply):
        return raise_node('@transform requires a "apply" key')
    if not isinstance(apply, dict):
        return raise_node('@transform "apply" key should be an object')

    sub_mapping = compiler.compile_root(apply, key_path + ("apply",))
    apply_run = sub_mapping.run
    mapping_node = compiler.compile(mapping, key_path + ("mapping",), scope._replace(payload_pure=sub_mapping.pure))
    mapping_run = mapping_node.run
    return Node(lambda payload: mapping_run(apply_run(payload)), pure=mapping_node.pure, may_miss=True)


def _clean_nulls(value: dict, keep: bool) -> dict:
    """Copy an object with ``null`` values removed, descending into objects but not arrays."""
    out = {}
    for key, item in value.items():
        if item is None:
            if keep:
                out[key] = MISSING
        elif isinstance(item, dict):
            out[key] = _clean_nulls(item, keep)
        else:
            out[key] = item
    return out


def compile_exclude_when_null(compiler: Compiler, argument: Any, key_path: KeyPath, scope: Scope) -> Node:
    """``@excludeWhenNull``: drop a ``null`` value, or the ``null`` values of an object at any depth."""
    value_node = compiler.compile(argument, key_path, scope)
    value_run = value_node.run
    keep = scope.keep

    def run(payload: Any) -> Any:
        resolved = value_run(payload)
        if resolved is None:
            return MISSING
        if isinstance(resolved, dict):
            return _clean_nulls(resolved, keep)
        return resolved

    return Node(run, pure=value_node.pure and not keep, may_miss=True)


HANDLERS = {
    "@path": compile_path_directive,
    "@template": compile_template_directive,
    "@literal": compile_literal,
    "@if": compile_if,
    "@case": compile_case,
    "@replace": compile_replace,
    "@arrayPath": compile_array_path,
    "@json": compile_json,
    "@flatten": compile_flatten,
    "@merge": compile_merge,
    "@transform": compile_transform,
    "@excludeWhenNull": compile_exclude_when_null,
}
