"""An exact emulation of how Segment parses and evaluates a subscription.

Segment turns a subscription string into an AST with ``parseFql`` (package
``@segment/destination-subscriptions``) on top of the lexer of ``@segment/fql-ts`` 1.10.1, and tests
each event with ``validate``. This module reproduces both, quirks included, so that attio-cli can be
checked against Segment's conformance vectors and can tell when Segment reads a subscription
differently from attio-cli's own grammar. The product never uses it to match events.

Sources: the published npm packages ``@segment/fql-ts`` 1.10.1 and
``@segment/destination-subscriptions`` 3.37.0 were read and run side by side with this module; the
conformance vectors, which the tests replay, were produced with ``@segment/destination-subscriptions``
3.41.0.

The AST is made of the same dicts that Segment builds: ``{"type": "group", "operator": "and" | "or",
"children": [...]}`` and condition nodes such as ``{"type": "event-property", "name": "total",
"operator": ">=", "value": 100}``. An empty ``()`` group leaves ``None`` among the children, as
Segment leaves ``undefined`` there. A failed parse returns ``{"error": message}`` with Segment's
message.
"""

from __future__ import annotations

import re
from typing import Any

from attio_cli.jsvalues import MISSING, compile_property_walk, js_number_value, js_string, js_to_number, to_double

__all__ = ["SegmentEvaluationError", "segment_parse", "segment_tokens", "segment_validate"]

# V8's message when code reads a property of undefined: what parseFql reports for any lexer error,
# an unclosed '(' or a subscription that yields no condition.
UNDEFINED_TYPE_ERROR = "Cannot read properties of undefined (reading 'type')"

_EOS = "-1"  # fql-ts returns this text from peek() at the end of input
_WHITESPACE = " \t\n"
_TERMINATORS = frozenset(" \t\n,])")
_MAX_TOKEN_LENGTH = 100_000
_PUNCTUATION = {".": "dot", "[": "brackleft", "]": "brackright", ",": "comma", "(": "parenleft", ")": "parenright"}

_CONDITION_TYPES = {
    "type": "event-type",
    "event": "event",
    "name": "name",
    "userId": "userId",
    "context": "event-context",
    "properties": "event-property",
    "traits": "event-trait",
}
# Names that a plain JavaScript object inherits from Object.prototype. parseFql looks the first part of
# an identifier up in such an object, so `constructor = 5` finds a truthy value, consumes its operator
# and value tokens, and then builds no condition.
_INHERITED_NAMES = frozenset(
    {
        "constructor", "__proto__", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
        "toLocaleString", "toString", "valueOf", "__defineGetter__", "__defineSetter__",
        "__lookupGetter__", "__lookupSetter__",
    }
)
_NAME_PREFIXES = {"event-property": "properties", "event-trait": "traits", "event-context": "context"}
_PATH_SEGMENTS = re.compile(r"[^\[.\]]+")


class SegmentEvaluationError(Exception):
    """A JavaScript TypeError that Segment's ``validate`` would throw for this AST and event."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _LexerError(Exception):
    """A lexer failure. fql-ts swallows these and returns no tokens, so the text never surfaces."""


# ---------------------------------------------------------------------------------------------------
# Lexer (@segment/fql-ts 1.10.1)
# ---------------------------------------------------------------------------------------------------


def _is_alpha(char: str) -> bool:
    return len(char) == 1 and ("a" <= char <= "z" or "A" <= char <= "Z")


def _is_digit(char: str) -> bool:
    return len(char) == 1 and "0" <= char <= "9"


def _is_ident_char(char: str) -> bool:
    return _is_alpha(char) or _is_digit(char) or char in ("_", "-", "\\")


def _is_terminator(char: str) -> bool:
    return char == _EOS or char in _TERMINATORS


class _Lexer:
    """Character reader with fql-ts's peek/accept/backup behaviour, including its rough edges."""

    def __init__(self, code: str):
        self.code = code
        self.position = 0

    def next(self) -> tuple[str, bool]:
        if self.position == len(self.code):
            return _EOS, True
        char = self.code[self.position]
        self.position += 1
        return char, False

    def peek(self) -> str:
        char, at_end = self.next()
        if not at_end:
            self.position -= 1
        return char

    def backup(self, count: int) -> None:
        self.position = max(0, self.position - count)

    def accept(self, expected: str) -> bool:
        # Reads ahead and keeps the characters only when they spell `expected` and a terminator
        # follows. Reaching the end of input returns False *without* rewinding, as fql-ts does, so
        # `type = an` lexes the value as the identifier `a`.
        chars = ""
        for _ in expected:
            char, at_end = self.next()
            chars += char
            if at_end:
                return False
            if _is_terminator(char):
                break
        if chars == expected and _is_terminator(self.peek()):
            return True
        self.backup(len(chars))
        return False

    def tokens(self) -> list[dict]:
        tokens: list[dict] = []
        while True:
            char, at_end = self.next()
            if at_end:
                tokens.append({"type": "eos", "value": "eos"})
                return tokens
            if char in _WHITESPACE:
                continue
            if char == "!":
                following = self.peek()
                if _is_alpha(following) or following == "(":
                    tokens.append({"type": "operator", "value": "!"})
                    continue
            if _is_alpha(char) or char in ("!", "=", ">", "<", "\\", "_"):
                tokens.append(self.operator_or_conditional(char))
                continue
            if _is_digit(char) or char in ("-", "+"):
                tokens.append(self.number(char))
                continue
            if char in ('"', "'"):
                tokens.append(self.string(char))
                continue
            if char in _PUNCTUATION:
                tokens.append({"type": _PUNCTUATION[char], "value": char})
                continue
            raise _LexerError(f'invalid character "{char}"')

    def string(self, quote: str) -> dict:
        text = ""
        while self.peek() != quote:
            char, at_end = self.next()
            text += char
            if at_end:
                raise _LexerError("unterminated string")
            if len(text) >= _MAX_TOKEN_LENGTH:
                raise _LexerError("unreasonable string length")
        # The closing quote is only consumed when a terminator follows it; otherwise the quote is
        # read again as the start of a new string.
        self.accept(quote)
        return {"type": "string", "value": f"{quote}{text}{quote}"}

    def number(self, first: str) -> dict:
        text = ""
        coming_up = self.peek()
        is_decimal = False
        while _is_digit(coming_up) or coming_up == ".":
            char, _ = self.next()
            text += char
            if coming_up == ".":
                if _is_terminator(self.peek()):
                    raise _LexerError("unexpected terminator after decimal point")
                if is_decimal:
                    raise _LexerError("multiple decimal points in one number")
                is_decimal = True
            if len(text) >= _MAX_TOKEN_LENGTH:
                raise _LexerError("unreasonable number length")
            coming_up = self.peek()
        return {"type": "number", "value": first + text}

    def operator_or_conditional(self, first: str) -> dict:
        if first == "=":
            return {"type": "operator", "value": "="}
        if first == "!":
            if self.accept("="):
                return {"type": "operator", "value": "!="}
            raise _LexerError("expected '=' after '!'")
        if first == "a":
            return {"type": "conditional", "value": "and"} if self.accept("nd") else self.identifier(first)
        if first == "o":
            return {"type": "conditional", "value": "or"} if self.accept("r") else self.identifier(first)
        if first == "n":
            return {"type": "null", "value": "null"} if self.accept("ull") else self.identifier(first)
        if first in ("<", ">"):
            return {"type": "operator", "value": first + "=" if self.accept("=") else first}
        return self.identifier(first)

    def identifier(self, first: str) -> dict:
        text = ""
        char = first
        while True:
            if char == "\\":
                if self.peek() == _EOS:
                    raise _LexerError("expected character after escape character")
                char, _ = self.next()
            text += char
            if len(text) >= _MAX_TOKEN_LENGTH:
                raise _LexerError("unreasonable literal length")
            if not _is_ident_char(self.peek()):
                break
            char, _ = self.next()
        coming_up = self.peek()
        if not (_is_terminator(coming_up) or coming_up in (".", "(", "=", "!")):
            raise _LexerError("expected termination character after identifier")
        return {"type": "ident", "value": text}


def segment_tokens(text: str) -> list[dict] | None:
    """Return fql-ts's tokens for ``text`` (``{"type", "value"}`` dicts), or None where it fails."""
    try:
        return _Lexer(text).tokens()
    except _LexerError:
        return None


def _normalize(tokens: list[dict]) -> list[dict]:
    # Joins identifier '.' identifier into one identifier, so `context.page.url` is a single token.
    merged: list[dict] = []
    index = 0
    while index < len(tokens):
        current = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        joins = merged and merged[-1]["type"] == "ident" and current["type"] == "dot"
        if joins and following is not None and following["type"] == "ident":
            previous = merged.pop()
            merged.append({"type": "ident", "value": previous["value"] + "." + following["value"]})
            index += 2
        else:
            merged.append(current)
            index += 1
    return merged


# ---------------------------------------------------------------------------------------------------
# Parser (parseFql)
# ---------------------------------------------------------------------------------------------------


class _ParseError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Tokens:
    """A token list consumed from the front, like the JavaScript array that parseFql shift()s."""

    def __init__(self, tokens: list[dict]):
        self.items = tokens
        self.position = 0

    def shift(self) -> dict | None:
        if self.position >= len(self.items):
            return None
        token = self.items[self.position]
        self.position += 1
        return token

    def first(self) -> dict | None:
        return self.items[self.position] if self.position < len(self.items) else None


def _token_value(token: dict) -> Any:
    kind = token["type"]
    value = token["value"]
    if kind == "string":
        # Only double quotes are stripped, one at each end; single quotes stay in the value.
        if value.startswith('"'):
            value = value[1:]
        if value.endswith('"'):
            value = value[:-1]
        return value
    if kind == "number":
        # Integral values become int so the AST serialises like JavaScript's JSON ("500", not "500.0").
        return js_number_value(js_to_number(value))
    if kind == "ident" and value in ("true", "false"):
        return value == "true"
    return value


def _text_value(token: dict) -> str:
    return js_string(_token_value(token))


def _js_slice_start(text: str, start: int) -> str:
    """``text.slice(start)`` with JavaScript's UTF-16 indexing."""
    if all(ord(char) <= 0xFFFF for char in text):
        return text[start:]
    encoded = text.encode("utf-16-le", "surrogatepass")
    return encoded[start * 2 :].decode("utf-16-le", "surrogatepass")


def _js_slice_drop_last(text: str) -> str:
    """``text.slice(0, -1)`` with JavaScript's UTF-16 indexing."""
    if all(ord(char) <= 0xFFFF for char in text):
        return text[:-1]
    encoded = text.encode("utf-16-le", "surrogatepass")
    return encoded[:-2].decode("utf-16-le", "surrogatepass")


def _function_nodes(name: str, nodes: list, tokens: _Tokens, negate: bool) -> None:
    tokens.shift()  # '(' is skipped without being checked
    name_token = tokens.shift()
    if name_token is None:
        raise _ParseError(f"{name}() is missing a 1st argument")
    tokens.shift()  # ','
    value_token = tokens.shift()
    if value_token is None:
        raise _ParseError(f"{name}() is missing a 2nd argument")
    tokens.shift()  # ')'

    if name == "contains":
        operator = "not_contains" if negate else "contains"
        value = _text_value(value_token)
    elif value_token["value"].endswith('*"'):
        operator = "not_starts_with" if negate else "starts_with"
        value = _js_slice_drop_last(_text_value(value_token))
    else:
        operator = "not_ends_with" if negate else "ends_with"
        value = _js_slice_start(_text_value(value_token), 1)

    field = name_token["value"]
    if field in ("event", "name", "userId"):
        nodes.append({"type": field, "operator": operator, "value": value})
    # These prefix tests do not require a dot, so `propertiesX` also counts as a property.
    for node_type, prefix in _NAME_PREFIXES.items():
        if field.startswith(prefix):
            field_name = _strip_prefix(field, prefix)
            nodes.append({"type": node_type, "name": field_name, "operator": operator, "value": value})


def _strip_prefix(field: str, prefix: str) -> str:
    return field[len(prefix) + 1 :] if field.startswith(prefix + ".") else field


def _condition_node(token: dict, condition_type: str, tokens: _Tokens) -> dict:
    operator_token = tokens.shift()
    if operator_token is None:
        raise _ParseError("Operator token is missing")
    value_token = tokens.shift()
    if value_token is None:
        raise _ParseError("Value token is missing")

    operator = operator_token["value"]
    raw = value_token["value"]
    if condition_type == "inherited":
        return {}
    if condition_type in ("event", "event-type"):
        return {"type": condition_type, "operator": operator, "value": _text_value(value_token)}

    node: dict = {"type": condition_type}
    if condition_type in _NAME_PREFIXES:
        node["name"] = _strip_prefix(token["value"], _NAME_PREFIXES[condition_type])
    special = None
    if operator == "!=" and raw == "null":
        special = "exists"
    elif operator == "=" and raw == "null":
        special = "not_exists"
    elif condition_type != "name" and operator == "=" and raw == "true":
        special = "is_true"
    elif condition_type != "name" and operator == "=" and raw == "false":
        special = "is_false"
    if special is not None:
        node["operator"] = special
        return node

    if condition_type in ("name", "userId"):
        node.update(operator=operator, value=_text_value(value_token))
        return node
    if value_token["type"] == "number" and operator in ("=", "!="):
        operator = "number_equals" if operator == "=" else "number_not_equals"
    node.update(operator=operator, value=_token_value(value_token))
    return node


def _parse_level(tokens: _Tokens) -> Any:
    nodes: list = []
    operator = "and"
    token = tokens.shift()
    while token is not None and token["type"] != "eos":
        kind = token["type"]
        if kind == "ident":
            first_part = token["value"].split(".")[0]
            condition_type = _CONDITION_TYPES.get(first_part)
            if condition_type is not None:
                nodes.append(_condition_node(token, condition_type, tokens))
            elif first_part in _INHERITED_NAMES:
                _condition_node(token, "inherited", tokens)
            if token["value"] in ("contains", "match"):
                _function_nodes(token["value"], nodes, tokens, negate=False)
        if kind == "operator" and token["value"] == "!":
            following = tokens.first()
            if following is None:
                raise _ParseError(UNDEFINED_TYPE_ERROR)
            if following["type"] == "ident" and following["value"] in ("contains", "match"):
                tokens.shift()
                _function_nodes(following["value"], nodes, tokens, negate=True)
        if kind == "parenleft":
            # Collects everything up to the FIRST ')', so nested groups and a contains(...) inside
            # the group end it early.
            group: list[dict] = []
            group_token = tokens.shift()
            while True:
                if group_token is None:
                    raise _ParseError(UNDEFINED_TYPE_ERROR)
                if group_token["type"] == "parenright":
                    break
                group.append(group_token)
                group_token = tokens.shift()
            group.append({"type": "eos", "value": "eos"})
            nodes.append(_parse_level(_Tokens(group)))
        if kind == "conditional":
            operator = token["value"]  # the last conjunction at a level decides for the whole level
        token = tokens.shift()

    if len(nodes) > 1:
        return {"type": "group", "operator": operator, "children": nodes}
    return nodes[0] if nodes else None


def segment_parse(text: str) -> dict:
    """Parse ``text`` as Segment's ``parseFql`` does.

    Returns Segment's AST, or ``{"error": message}`` with the message Segment reports after
    ``Invalid subscription :``.
    """
    tokens = segment_tokens(text)
    try:
        ast = _parse_level(_Tokens(_normalize(tokens or [])))
    except _ParseError as error:
        return {"error": error.message}
    if ast is None:
        return {"error": UNDEFINED_TYPE_ERROR}
    if ast.get("type") != "group":
        return {"type": "group", "operator": "and", "children": [ast]}
    return ast


# ---------------------------------------------------------------------------------------------------
# Evaluation (validate)
# ---------------------------------------------------------------------------------------------------


def _read_event(event: Any, key: str) -> Any:
    if event is None:
        raise SegmentEvaluationError(f"Cannot read properties of null (reading '{key}')")
    if isinstance(event, dict):
        return event.get(key, MISSING)
    return MISSING


def _read_path(container: Any, name: Any) -> Any:
    if name is MISSING or name is None or name == "":
        return MISSING
    keys = tuple(_PATH_SEGMENTS.findall(js_string(name)))
    if not keys:
        raise SegmentEvaluationError("Cannot read properties of null (reading 'reduce')")
    return compile_property_walk(keys)(container)


def _compare(actual: Any, operator: Any, expected: Any) -> bool:
    if operator == "=":
        return type(actual) is str and actual == js_string(expected)
    if operator == "!=":
        return not (type(actual) is str and actual == js_string(expected))
    if operator in ("number_equals", "number_not_equals", "<", "<=", ">", ">="):
        if type(actual) is not int and type(actual) is not float:
            return False
        left = to_double(actual)
        right = js_to_number(expected)
        if operator == "number_equals":
            return left == right
        if operator == "number_not_equals":
            return left != right
        if operator == "<":
            return left < right
        if operator == "<=":
            return left <= right
        if operator == ">":
            return left > right
        return left >= right
    if operator in ("contains", "not_contains", "starts_with", "not_starts_with", "ends_with", "not_ends_with"):
        if type(actual) is not str:
            return False
        needle = js_string(expected)
        if operator == "contains":
            return needle in actual
        if operator == "not_contains":
            return needle not in actual
        if operator == "starts_with":
            return actual.startswith(needle)
        if operator == "not_starts_with":
            return not actual.startswith(needle)
        if operator == "ends_with":
            return actual.endswith(needle)
        return not actual.endswith(needle)
    if operator == "exists":
        return actual is not MISSING and actual is not None
    if operator == "not_exists":
        return actual is MISSING or actual is None
    if operator == "is_true":
        return actual is True
    if operator == "is_false":
        return actual is False
    return False


def _evaluate_group(group: dict, event: Any) -> bool:
    operator = group.get("operator")
    children = group.get("children") or []
    if operator == "and":
        return all(_evaluate_condition(child, event) for child in children)
    if operator == "or":
        return any(_evaluate_condition(child, event) for child in children)
    return False


def _evaluate_condition(condition: Any, event: Any) -> bool:
    if condition is None:
        raise SegmentEvaluationError(UNDEFINED_TYPE_ERROR)
    kind = condition.get("type")
    operator = condition.get("operator")
    expected = condition.get("value", MISSING)
    if kind == "event-type":
        return _compare(_read_event(event, "type"), operator, expected)
    if kind in ("event", "name", "userId"):
        return _compare(_read_event(event, kind), operator, expected)
    if kind in _NAME_PREFIXES:
        container = _read_event(event, _NAME_PREFIXES[kind])
        return _compare(_read_path(container, condition.get("name", MISSING)), operator, expected)
    if kind == "group":
        return _evaluate_group(condition, event)
    return False


def segment_validate(ast: dict, event: Any = MISSING) -> bool:
    """Evaluate ``ast`` against ``event`` as Segment's ``validate`` does.

    Returns False for an AST that carries an error, and for a missing event. Raises
    SegmentEvaluationError where Segment throws: for an empty ``()`` group that is reached, for a
    JSON ``null`` event, and for a field name with no path segments such as ``properties..``.
    """
    if ast.get("error") or event is MISSING:
        return False
    return _evaluate_group(ast, event)
