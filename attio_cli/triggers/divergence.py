"""Warnings for subscriptions that Segment reads differently from attio-cli.

attio-cli parses a subscription with its own grammar (grammar.py) and also runs the exact emulation
of Segment's parser (segment_fql.py). Both readings are reduced to a normal form in which ``and``
and ``or`` are flattened, order and duplicates do not matter, and values are reduced to what the
operator actually compares (``!= true`` and ``!= "true"`` are the same test). When the two normal
forms are equal, Segment matches exactly the same events and no warning is given. Otherwise the
warnings describe how Segment reads the subscription and which constructs it reads differently, and
they propose a rewrite that both read the same way where one exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from attio_cli.jsvalues import MISSING, js_number_to_string, js_string, js_to_number
from attio_cli.triggers.nodes import Comparison, Construct, Group, Negation, Node
from attio_cli.triggers.segment_fql import segment_parse

__all__ = ["describe_divergence", "format_condition", "normal_form", "segment_compatible_text", "segment_normal_form"]

_TEXT_FIELDS = ("type", "event", "name", "userId")
_CONTAINER_FIELDS = ("properties", "traits", "context")
_SEGMENT_FIELD_PREFIXES = {"event-property": "properties", "event-trait": "traits", "event-context": "context"}
_NUMBER_OPERATORS = frozenset({"number_equals", "number_not_equals", "<", "<=", ">", ">="})
_TEXT_OPERATORS = {
    "contains": True, "starts_with": True, "ends_with": True,
    "not_contains": False, "not_starts_with": False, "not_ends_with": False,
}
_COMPLEMENTS = {"=": "!=", "!=": "=", "exists": "not_exists", "not_exists": "exists"}
_FUNCTION_OPERATORS = frozenset(
    {"contains", "not_contains", "starts_with", "not_starts_with", "ends_with", "not_ends_with", "is_string"}
)
_PATH_SEGMENTS = re.compile(r"[^\[.\]]+")
_SEGMENT_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

# Normal forms are tuples:
#   ("leaf", keys, operator, value)  keys is the path from the event root, or None when Segment
#                                    reads a name that is always missing
#   ("and" | "or", (child, …))       at least two children, none of the same operator
#   ("not", child)                   a negation that no operator can absorb
#   ("const", bool)                  a condition that is always or never true
#   ("throws",)                      Segment throws while evaluating it
TRUE = ("const", True)
FALSE = ("const", False)
THROWS = ("throws",)


# ---------------------------------------------------------------------------------------------------
# Normal forms
# ---------------------------------------------------------------------------------------------------


def _leaf(keys: tuple[str, ...] | None, operator: Any, value: Any) -> tuple:
    if operator in ("=", "!="):
        return ("leaf", keys, operator, js_string(value))
    if operator in _NUMBER_OPERATORS:
        number = js_to_number(value)
        if number != number:
            # Every comparison with NaN is false, but every number differs from NaN.
            return ("leaf", keys, "is_number", None) if operator == "number_not_equals" else FALSE
        return ("leaf", keys, operator, number)
    if operator in _TEXT_OPERATORS:
        text = js_string(value)
        if text == "":
            # An empty needle: the positive forms only test for a string, the negative ones never hold.
            return ("leaf", keys, "is_string", None) if _TEXT_OPERATORS[operator] else FALSE
        return ("leaf", keys, operator, text)
    if operator in ("exists", "not_exists", "is_true", "is_false"):
        return ("leaf", keys, operator, None)
    if operator in ("like", "not_like"):
        return ("leaf", keys, operator, js_string(value))
    return FALSE


def _group(operator: str, children: list[tuple]) -> tuple:
    absorbing, neutral = (FALSE, TRUE) if operator == "and" else (TRUE, FALSE)
    flat: list[tuple] = []
    for child in children:
        parts = child[1] if child[0] == operator else (child,)
        for part in parts:
            if part == absorbing:
                return absorbing
            if part != neutral and part not in flat:
                flat.append(part)
    if not flat:
        return neutral
    if len(flat) == 1:
        return flat[0]
    return (operator, tuple(flat))


def _negate(form: tuple) -> tuple:
    kind = form[0]
    if kind == "const":
        return ("const", not form[1])
    if kind in ("and", "or"):
        return _group("or" if kind == "and" else "and", [_negate(child) for child in form[1]])
    if kind == "not":
        return form[1]
    if kind == "leaf" and form[2] in _COMPLEMENTS:
        return ("leaf", form[1], _COMPLEMENTS[form[2]], form[3])
    if kind == "throws":
        return form
    return ("not", form)


def normal_form(node: Node) -> tuple:
    """Return the normal form of attio-cli's condition tree (order preserved for rendering)."""
    if isinstance(node, Comparison):
        return _leaf(node.keys, node.operator, node.value)
    if isinstance(node, Negation):
        return _negate(normal_form(node.child))
    return _group(node.operator, [normal_form(child) for child in node.children])


def _segment_keys(condition: dict) -> tuple[str, ...] | None | str:
    kind = condition.get("type")
    if kind == "event-type":
        return ("type",)
    if kind in ("event", "name", "userId"):
        return (kind,)
    prefix = _SEGMENT_FIELD_PREFIXES.get(kind)
    if prefix is None:
        return "unknown"
    name = condition.get("name", MISSING)
    if name is MISSING or name is None or name == "":
        return None
    segments = _PATH_SEGMENTS.findall(js_string(name))
    if not segments:
        return "throws"
    return (prefix, *segments)


def segment_normal_form(ast: Any) -> tuple:
    """Return the normal form of an AST from ``segment_parse`` (which must not be an error)."""
    if ast is None:
        return THROWS
    if ast.get("type") == "group":
        if ast.get("operator") not in ("and", "or"):
            return FALSE
        return _group(ast["operator"], [segment_normal_form(child) for child in ast.get("children") or []])
    keys = _segment_keys(ast)
    if keys == "unknown":
        return FALSE
    if keys == "throws":
        return THROWS
    return _leaf(keys, ast.get("operator"), ast.get("value", MISSING))


def _frozen(form: tuple) -> Any:
    if form[0] in ("and", "or"):
        return (form[0], frozenset(_frozen(child) for child in form[1]))
    if form[0] == "not":
        return ("not", _frozen(form[1]))
    return form


def same_reading(first: tuple, second: tuple) -> bool:
    """Return whether two normal forms match the same events (up to order and duplicates)."""
    return _frozen(first) == _frozen(second)


# ---------------------------------------------------------------------------------------------------
# Rendering FQL that Segment reads the same way
# ---------------------------------------------------------------------------------------------------


def _escape_key(key: str) -> str | None:
    if key == "" or any(separator in key for separator in ".[]"):
        return None
    escaped = []
    for position, char in enumerate(key):
        plain = char.isascii() and (char.isalnum() or char in "_-")
        if position == 0:
            # A name segment starts a new token in Segment's lexer: a digit or '-' would start a
            # number, and a bare and/or/null would be a keyword.
            plain = plain and (char.isalpha() or char == "_") and key not in ("and", "or", "null")
        escaped.append(char if plain else "\\" + char)
    return "".join(escaped)


def _field_text(keys: tuple[str, ...] | None) -> str | None:
    if keys is None:
        return None
    if len(keys) == 1 and keys[0] in _TEXT_FIELDS:
        return keys[0]
    if len(keys) >= 2 and keys[0] in _CONTAINER_FIELDS:
        parts = [_escape_key(key) for key in keys[1:]]
        if None in parts:
            return None
        return keys[0] + "." + ".".join(parts)
    return None


def _string_literal(text: str) -> str | None:
    return None if '"' in text else f'"{text}"'


def _number_literal(number: float) -> str | None:
    text = js_number_to_string(number)
    return text if _SEGMENT_NUMBER.fullmatch(text) else None


def _render_leaf(form: tuple) -> str | None:
    _, keys, operator, value = form
    field = _field_text(keys)
    if field is None:
        return None
    root = keys[0]
    if operator in ("=", "!="):
        literal = _string_literal(value)
        return None if literal is None else f"{field} {operator} {literal}"
    if operator in _NUMBER_OPERATORS:
        literal = _number_literal(value)
        if literal is None or root in _TEXT_FIELDS:
            return None
        symbol = {"number_equals": "=", "number_not_equals": "!="}.get(operator, operator)
        return f"{field} {symbol} {literal}"
    if operator in ("exists", "not_exists"):
        if root in ("type", "event"):
            return None
        return f"{field} {'!=' if operator == 'exists' else '='} null"
    if operator in ("is_true", "is_false"):
        if root in ("type", "event", "name"):
            return None
        return f"{field} = {'true' if operator == 'is_true' else 'false'}"
    if operator in _FUNCTION_OPERATORS:
        if root == "type":
            return None
        negated = "!" if operator.startswith("not_") else ""
        if operator == "is_string":
            return f'contains({field}, "")'
        literal = _string_literal(value)
        if literal is None:
            return None
        if operator.endswith("contains"):
            return f"{negated}contains({field}, {literal})"
        if operator.endswith("starts_with"):
            return f'{negated}match({field}, "{value}*")'
        return f'{negated}match({field}, "*{value}")'
    return None


def _render(form: tuple, top: bool) -> str | None:
    kind = form[0]
    if kind == "leaf":
        return _render_leaf(form)
    if kind not in ("and", "or"):
        return None
    children = list(form[1])
    if not top:
        if any(child[0] != "leaf" for child in children):
            return None  # Segment cannot nest parentheses
        # Segment ends a parenthesised group at the first ')', so a contains()/match() must come last.
        functions = [child for child in children if child[2] in _FUNCTION_OPERATORS]
        if len(functions) > 1:
            return None
        children = [child for child in children if child[2] not in _FUNCTION_OPERATORS] + functions
    parts = []
    for child in children:
        text = _render(child, top=False)
        if text is None:
            return None
        parts.append(f"({text})" if child[0] in ("and", "or") else text)
    return f" {kind} ".join(parts)


def segment_compatible_text(form: tuple) -> str | None:
    """Return FQL that Segment reads as ``form``, verified with the Segment emulation, or None."""
    text = _render(form, top=True)
    if text is None:
        return None
    ast = segment_parse(text)
    if "error" in ast or not same_reading(segment_normal_form(ast), form):
        return None
    return text


# ---------------------------------------------------------------------------------------------------
# Describing Segment's AST
# ---------------------------------------------------------------------------------------------------


def _display_value(value: Any) -> str:
    if type(value) is str:
        return f'"{value}"'
    if value is MISSING:
        return "undefined"
    return js_string(value)


def _display_condition(condition: Any) -> str:
    if condition is None:
        return "()"
    kind = condition.get("type")
    if kind == "group":
        parts = []
        for child in condition.get("children") or []:
            text = _display_condition(child)
            parts.append(f"({text})" if child is not None and child.get("type") == "group" else text)
        return f" {condition.get('operator')} ".join(parts)
    if kind == "event-type":
        field = "type"
    elif kind in _SEGMENT_FIELD_PREFIXES:
        name = js_string(condition.get("name", MISSING))
        field = _SEGMENT_FIELD_PREFIXES[kind] + "." + re.sub(r"([^A-Za-z0-9._-])", r"\\\1", name)
    else:
        field = str(kind)
    operator = condition.get("operator")
    value = condition.get("value", MISSING)
    if operator in ("exists", "not_exists"):
        return f"{field} {'!=' if operator == 'exists' else '='} null"
    if operator in ("is_true", "is_false"):
        return f"{field} = {'true' if operator == 'is_true' else 'false'}"
    if operator in ("number_equals", "number_not_equals"):
        return f"{field} {'=' if operator == 'number_equals' else '!='} {js_string(value)}"
    if operator in _TEXT_OPERATORS:
        negated = "!" if operator.startswith("not_") else ""
        text = js_string(value)
        if operator.endswith("contains"):
            return f'{negated}contains({field}, "{text}")'
        if "*" in text:
            # A match() pattern would be ambiguous here, so the operator is spelled out.
            words = operator.replace("not_", "does not ").replace("_", " ")
            words = words.replace("starts", "start").replace("ends", "end") if negated else words
            return f'{field} {words} "{text}"'
        pattern = f"{text}*" if operator.endswith("starts_with") else f"*{text}"
        return f'{negated}match({field}, "{pattern}")'
    return f"{field} {operator} {_display_value(value)}"


# ---------------------------------------------------------------------------------------------------
# Describing attio-cli's reading
# ---------------------------------------------------------------------------------------------------


def _needs_no_escape(char: str, position: int, first_key: bool) -> bool:
    if position > 0:
        return char.isalnum() or char in "_-" if char.isascii() else char.isalnum()
    if char.isascii():
        return char.isalpha() or char == "_" or (not first_key and char.isdigit())
    return char.isalpha()


def _format_key(key: str, first_key: bool) -> str:
    keyword = first_key and key.lower() in ("and", "or", "not")
    return "".join(
        char if _needs_no_escape(char, position, first_key) and not (keyword and position == 0) else "\\" + char
        for position, char in enumerate(key)
    )


def _format_field(keys: tuple[str, ...]) -> str:
    text = ""
    for position, key in enumerate(keys):
        if key == "":
            text += '[""]'
        else:
            text += ("." if position else "") + _format_key(key, first_key=position == 0)
    return text


def _format_text(value: Any) -> str:
    text = js_string(value)
    return f"'{text}'" if '"' in text and "'" not in text else f'"{text}"'


def _format_comparison(condition: Comparison) -> str:
    field = _format_field(condition.keys)
    operator = condition.operator
    value = condition.value
    if operator in ("exists", "not_exists"):
        return f"{field} {'!=' if operator == 'exists' else '='} null"
    if operator in ("is_true", "is_false"):
        return f"{field} = {'true' if operator == 'is_true' else 'false'}"
    if operator in ("number_equals", "number_not_equals"):
        return f"{field} {'=' if operator == 'number_equals' else '!='} {js_number_to_string(value)}"
    if operator in ("<", "<=", ">", ">="):
        value_text = _format_text(value) if type(value) is str else js_number_to_string(value)
        return f"{field} {operator} {value_text}"
    if operator in ("=", "!="):
        if type(value) is bool:
            return f"{field} {operator} {js_string(value)}"
        return f"{field} {operator} {_format_text(value)}"
    negated = "!" if operator.startswith("not_") else ""
    text = js_string(value)
    if operator.endswith("contains"):
        return f"{negated}contains({field}, {_format_text(text)})"
    if operator.endswith("starts_with"):
        return f"{negated}match({field}, {_format_text(text + '*')})"
    if operator.endswith("ends_with"):
        return f"{negated}match({field}, {_format_text('*' + text)})"
    return f"{negated}match({field}, {_format_text(text)})"  # like / not_like


def format_condition(node: Node) -> str:
    """Return attio-cli's reading of a condition tree as FQL in attio-cli's grammar."""
    if isinstance(node, Comparison):
        return _format_comparison(node)
    if isinstance(node, Negation):
        inner = format_condition(node.child)
        return f"not ({inner})" if isinstance(node.child, Group) else f"not {inner}"
    parts = []
    for child in node.children:
        text = format_condition(child)
        parts.append(f"({text})" if isinstance(child, Group) else text)
    return f" {node.operator} ".join(parts)


# ---------------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------------


def _match_pattern_message(pattern: str, field: str) -> str:
    if pattern.endswith("*"):
        reading = f'starts with "{pattern[:-1]}"'
    else:
        reading = f'ends with "{pattern[1:]}"'
    message = (
        f"Segment reads the pattern \"{pattern}\" as '{reading}', because it treats a pattern that ends in '*' "
        "as 'starts with' and otherwise drops the first character and reads 'ends with'"
    )
    inner = pattern[1:-1]
    if pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2 and "*" not in inner:
        return message + f"; write 'contains({field}, \"{inner}\")'."
    if "*" not in pattern:
        return message + f"; write '{field} = \"{pattern}\"'."
    return message + "; Segment supports one '*' only, at the start or at the end."


def _subscript_message(key: str) -> str:
    escaped = _escape_key(key)
    if escaped is None:
        return "Segment rejects '[' after a field name and cannot read this key."
    return f"Segment rejects '[' after a field name; write the key as a name segment, '.{escaped}'."


def _single_quotes_message(raw: str) -> str:
    message = f"Segment keeps single quotes as part of a value, so it reads {raw} with the quotes"
    if '"' in raw:
        return message + "; Segment has no way to write a value that contains a double quote."
    return message + f"; write \"{raw[1:-1]}\" in double quotes."


def _null_as_text_message(field: str, operator: str) -> str:
    if operator == "!=":
        effect = f"so '{field} != null' is also true when {field} is missing"
    else:
        effect = f"so '{field} = null' is true only when {field} is the text \"null\""
    return f"Segment has no null test for '{field}' and compares it with the text \"null\", {effect}."


# One message builder per Construct.kind; each receives the construct's details.
_CONSTRUCT_MESSAGES: dict[str, Callable[..., str]] = {
    "carriage_return": lambda: (
        "Segment rejects the carriage return character (\\r); remove it, e.g. by saving the file with Unix "
        "line endings."
    ),
    "single_quotes": _single_quotes_message,
    "glued_quote": lambda: (
        "Segment needs a space, ',' or ')' after a closing quote and otherwise reads the quote as the start "
        "of another string; add a space after it."
    ),
    "glued_not_equals": lambda: "Segment rejects '!=' unless a space, ',' or ')' follows it; add a space after '!='.",
    "glued_comparison": lambda operator: (
        f"Segment reads '{operator}' followed directly by a value as '{operator[0]}' with the value '=', "
        f"which never matches; add a space after '{operator}'."
    ),
    "glued_to_name": lambda name, char: (
        f"Segment rejects '{char}' directly after the field name '{name}'; add a space before '{char}'."
    ),
    "non_ascii": lambda char: (
        f"Segment rejects the character '{char}' in a field name unless it is escaped; write '\\{char}'."
    ),
    "upper_case_conjunction": lambda word, expected: (
        f"Segment ignores '{word}' because it recognises only lower-case '{expected}'; write '{expected}'."
    ),
    "glued_conjunction": lambda word, char: (
        f"Segment reads '{word}' followed directly by '{char}' as a field name and ignores it; "
        f"add a space after '{word}'."
    ),
    "mixed_conjunctions": lambda: (
        "'and' and 'or' are mixed without parentheses. attio-cli gives 'and' precedence, but Segment applies "
        "the last 'and' or 'or' of a level to every condition on that level; add parentheses."
    ),
    "bang_rejected": lambda: (
        "Segment rejects '!' unless a letter or '(' follows it directly; remove the space after '!'."
    ),
    "bang_negation": lambda: (
        "Segment ignores '!' except directly before contains( or match(, so it reads the condition that "
        "follows without the negation."
    ),
    "not_keyword": lambda word: (
        f"Segment ignores '{word}', so it reads the condition that follows without the negation."
    ),
    "nested_parentheses": lambda: "Segment rejects parentheses inside parentheses.",
    "double_equals": lambda: "Segment reads '==' as '=' followed by the value '=', which never matches; write '='.",
    "null_as_text": _null_as_text_message,
    "function_in_parentheses": lambda name: (
        f"Segment ends a parenthesised group at the ')' that closes {name}(...), so what follows it falls "
        f"outside the group; put {name}(...) last inside the parentheses."
    ),
    "match_pattern": _match_pattern_message,
    "function_on_type": lambda function: f"Segment's {function}() does not support 'type' and drops the condition.",
    "unsupported_field": lambda text: (
        f"Segment does not support the field '{text}' and drops the condition on it; it supports only "
        "type, event, name, userId, properties.*, traits.* and context.*."
    ),
    "suffix_ignored": lambda text, root: f"Segment reads '{text}' as '{root}' and ignores the rest of the name.",
    "whole_container": lambda root: (
        f"Segment reads '{root}' on its own as the field {root}.{root}, not as the whole {root} object."
    ),
    "subscript": _subscript_message,
    "digit_segment": lambda key: (
        f"Segment reads a name segment that starts with a digit ('.{key}') as a number and breaks the field "
        f"name; escape the first digit: '.\\{key}'."
    ),
    "key_with_separator": lambda key: (
        f"Segment splits field names at '.', '[' and ']', so it cannot read the key '{key}'."
    ),
}


def construct_message(construct: Construct) -> str:
    """Return the warning for one construct, prefixed with its column."""
    return f"column {construct.column}: {_CONSTRUCT_MESSAGES[construct.kind](*construct.details)}"


def describe_divergence(text: str, node: Node, constructs: list[Construct]) -> list[str]:
    """Return the warnings for a subscription, or an empty list when Segment reads it the same way."""
    ours = normal_form(node)
    segment_ast = segment_parse(text)
    if "error" not in segment_ast and same_reading(segment_normal_form(segment_ast), ours):
        return []

    ours_text = format_condition(node)
    if "error" in segment_ast:
        summary = (
            f"Segment rejects this subscription (\"Invalid subscription : {segment_ast['error']}\") and sends "
            f"no event through it, while attio-cli reads it as '{ours_text}'."
        )
    else:
        summary = (
            f"Segment reads this subscription as '{_display_condition(segment_ast)}', "
            f"but attio-cli reads it as '{ours_text}'."
        )
    rewrite = segment_compatible_text(ours)
    if rewrite is not None:
        summary += f" Write '{rewrite}' to get the same result in both."
    else:
        summary += " attio-cli found no way to write this condition that Segment reads the same way."
    return [summary] + [construct_message(construct) for construct in constructs]
