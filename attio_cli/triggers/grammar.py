r"""attio-cli's grammar for subscriptions (Segment's "triggers", written in FQL).

The grammar accepts every subscription that Segment's UI generates, with Segment's meaning, but it
is a real grammar: ``and`` binds tighter than ``or``, parentheses nest, and nothing is skipped
silently. Anything it cannot read is a TriggerSyntaxError with a 1-based column.

Syntax, from the loosest binding to the tightest::

    subscription := expression END
    expression   := conjunction ( "or" conjunction )*
    conjunction  := unary ( "and" unary )*
    unary        := ( "not" | "!" ) unary | primary
    primary      := "(" expression ")" | function | comparison
    function     := [ "!" ] ( "contains" | "match" ) "(" field "," value ")"
    comparison   := field operator value
    operator     := "=" | "!=" | "<" | "<=" | ">" | ">="   ("==" is read as "=")
    value        := string | number | "null" | "true" | "false" | word
    field        := name ( "." name | "[" digits "]" | "[" string "]" )*

Tokens:

- Whitespace is space, tab, line feed and carriage return.
- ``and``, ``or`` and ``not`` are keywords in any letter case. ``null``, ``true`` and ``false`` are
  literals only in lower case; ``NULL`` is the bare word "NULL", as in Segment.
- A string is ``"…"`` or ``'…'``. There are no escape sequences, so a string cannot contain its own
  quote character; a backslash is an ordinary character.
- A number is ``[+-]digits[.digits]``. A number followed directly by letters (``019abc``) is an error:
  put such text in double quotes.
- A name starts with a letter (any script), ``_`` or ``\`` and goes on with letters, digits, ``_`` and
  ``-``. A backslash escapes any one character and is dropped, so ``properties.product\ 1`` names the
  key "product 1" and ``properties.a\.b`` names the single key "a.b". After a dot a name may start with
  a digit (``properties.items.0``).
- A word is a name used as a value: ``type = identify`` compares with the text "identify", as Segment
  does. Keywords cannot be words; escape them (``\and``) to use them as text or as field names.

Meaning (the operators are Segment's; evaluate.py implements them):

- A field is read from the event root, key by key, with JavaScript's ``prev && prev[key]`` walk: a
  falsy value part-way (0, "", false, null) is the result. ``traits.x`` reads only the top-level
  ``traits`` object, never ``context.traits``. Any top-level field can be tested (``anonymousId``,
  ``messageId``, ``integrations.All``); Segment supports only type, event, name, userId,
  properties.*, traits.* and context.*, so other fields draw a warning.
- ``type``, ``event``, ``name`` and ``userId`` compare as text: ``type = 5`` compares with "5" and
  ``name = true`` with "true". ``userId = true`` and ``userId = false`` test for a boolean.
- For other fields ``= true``/``= false`` test for a boolean, ``= 5``/``!= 5`` test a number (and
  are false for the string "5"), and ``!= true`` compares with the text "true", as in Segment.
- ``= null`` is true when the field is missing or null and ``!= null`` is its negation, for every
  field. For ``type`` and ``event`` Segment compares with the text "null" instead, which draws a
  warning.
- ``=`` is strict string equality and ``!=`` its negation (true when the field is missing).
  ``<``, ``<=``, ``>``, ``>=`` need a number in the event; the right side may be a number or a
  numeric string.
- ``contains(f, v)`` and ``match(f, "pattern")`` are case-sensitive and false unless the field is a
  string. In a pattern, ``*`` stands for any run of characters: ``"X*"`` starts with X, ``"*X"`` ends
  with X, ``"*X*"`` contains X, and a pattern without ``*`` must equal the whole string.
- ``!contains(…)`` and ``!match(…)`` are Segment's negated operators: they too are false unless the
  field is a string. A space after the ``!`` is accepted but draws a warning, because Segment
  rejects it. ``not X`` and ``!X`` for anything else are true exactly when X is false.
- ``&&``, ``||`` and conditions side by side without ``and``/``or`` are syntax errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from attio_cli.jsvalues import js_number_to_string
from attio_cli.triggers.nodes import Comparison, Construct, Group, Negation, Node

__all__ = ["TriggerSyntaxError", "parse_subscription"]

_WHITESPACE = " \t\n\r"
# Characters after which Segment's lexer considers a token finished (end of input counts too).
_SEGMENT_TERMINATORS = frozenset(" \t\n,])")
_SEGMENT_NAME_FOLLOWERS = _SEGMENT_TERMINATORS | frozenset(".(=!")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_ORDERING_OPERATORS = frozenset({"<", "<=", ">", ">="})
_TEXT_FIELDS = frozenset({"type", "event", "name", "userId"})
_CONTAINER_FIELDS = frozenset({"properties", "traits", "context"})
_KEYWORDS = frozenset({"and", "or", "not"})
_EXAMPLE = 'type = "identify"'


class TriggerSyntaxError(ValueError):
    """A subscription that attio-cli cannot read; ``column`` is 1-based."""

    def __init__(self, column: int, message: str):
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.message = message


@dataclass(slots=True)
class _Segment:
    key: str
    column: int
    style: str  # "name", "digit" (name after a dot starting with a digit), "index" or "quoted"


@dataclass(slots=True)
class Token:
    """A lexical token; ``start``/``end`` are 0-based offsets into the subscription text."""

    kind: str  # "name", "string", "number", "operator", "bang", "(", ")", ",", "invalid", "end"
    text: str
    start: int
    end: int
    value: Any = None  # string: its contents; number: its float value; operator: its text
    segments: tuple[_Segment, ...] = ()
    word: str | None = None  # a name written as one plain segment, e.g. a keyword

    @property
    def column(self) -> int:
        return self.start + 1

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(segment.key for segment in self.segments)

    def describe(self) -> str:
        if self.kind == "end":
            return "end of input"
        if self.kind in ("string", "number"):
            return self.text
        return f"'{self.text}'"


def _is_name_start(char: str) -> bool:
    return char.isascii() and (char.isalpha() or char == "_" or char == "\\") or (not char.isascii() and char.isalpha())


def _is_name_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in "_-"
    return char.isalnum()


def _describe_char(text: str, position: int) -> str:
    return "end of input" if position >= len(text) else f"'{text[position]}'"


class _Lexer:
    def __init__(self, text: str, constructs: list[Construct]):
        self.text = text
        self.position = 0
        self.constructs = constructs
        self.non_ascii: Construct | None = None

    def following(self, position: int) -> str:
        return self.text[position] if position < len(self.text) else ""

    def segment_terminated(self, position: int) -> bool:
        # A carriage return has its own warning, so it does not count as a missing space here.
        return position >= len(self.text) or self.text[position] in _SEGMENT_TERMINATORS or self.text[position] == "\r"

    def tokens(self) -> list[Token]:
        tokens: list[Token] = []
        text = self.text
        carriage_return = text.find("\r")
        if carriage_return >= 0:
            self.constructs.append(Construct("carriage_return", carriage_return + 1))
        while True:
            while self.position < len(text) and text[self.position] in _WHITESPACE:
                self.position += 1
            if self.position >= len(text):
                tokens.append(Token("end", "", len(text), len(text)))
                return tokens
            tokens.append(self.token(text[self.position]))

    def token(self, char: str) -> Token:
        start = self.position
        if char in "(),":
            self.position += 1
            return Token(char, char, start, start + 1)
        if char in "\"'":
            return self.string(char)
        number = _NUMBER.match(self.text, start)
        if number:
            return self.number(number.group())
        if _is_name_start(char):
            return self.name()
        return self.operator(char)

    def string(self, quote: str) -> Token:
        start = self.position
        close = self.text.find(quote, start + 1)
        if close < 0:
            raise TriggerSyntaxError(
                len(self.text) + 1,
                f"expected a closing {quote} for the string that starts at column {start + 1} but found end of input",
            )
        self.position = close + 1
        if quote == "'":
            self.constructs.append(Construct("single_quotes", start + 1, (self.text[start : close + 1],)))
        if not self.segment_terminated(self.position):
            self.constructs.append(Construct("glued_quote", close + 1))
        return Token("string", self.text[start : close + 1], start, close + 1, value=self.text[start + 1 : close])

    def number(self, literal: str) -> Token:
        start = self.position
        end = start + len(literal)
        following = self.following(end)
        if following and (_is_name_char(following) or following in ".\\"):
            run_end = end
            while run_end < len(self.text) and self.text[run_end] not in _WHITESPACE + "(),":
                run_end += 1
            run = self.text[start:run_end]
            raise TriggerSyntaxError(
                start + 1, f"invalid number '{run}'; write text in double quotes, such as \"{run}\""
            )
        self.position = end
        return Token("number", literal, start, end, value=float(literal))

    def operator(self, char: str) -> Token:
        start = self.position
        two = self.text[start : start + 2]
        if two in ("==", "!=", "<=", ">=", "&&", "||"):
            self.position += 2
            kind = "invalid" if two in ("&&", "||") else "operator"
            if two == "!=" and not self.segment_terminated(self.position):
                self.constructs.append(Construct("glued_not_equals", start + 1))
            if two in ("<=", ">=") and not self.segment_terminated(self.position):
                self.constructs.append(Construct("glued_comparison", start + 1, (two,)))
            return Token(kind, two, start, start + 2, value=two)
        self.position += 1
        if char in "=<>":
            return Token("operator", char, start, start + 1, value=char)
        if char == "!":
            return Token("bang", "!", start, start + 1)
        return Token("invalid", char, start, start + 1)

    def name(self) -> Token:
        start = self.position
        self.non_ascii = None
        segments = [self.name_segment("name")]
        while self.position < len(self.text):
            char = self.text[self.position]
            if char == ".":
                self.position += 1
                following = self.following(self.position)
                is_digit = "0" <= following <= "9" if following else False
                if following and (_is_name_start(following) or is_digit):
                    segments.append(self.name_segment("digit" if is_digit else "name"))
                    continue
                raise TriggerSyntaxError(
                    self.position + 1,
                    f"expected a name after '.' but found {_describe_char(self.text, self.position)}"
                    " (escape other characters with '\\')",
                )
            if char == "[":
                segments.append(self.subscript())
                continue
            break

        end = self.position
        raw = self.text[start:end]
        if self.non_ascii is not None:
            self.constructs.append(self.non_ascii)
        following = self.following(end)
        ends_with_subscript = segments[-1].style in ("index", "quoted")
        if following and following not in _SEGMENT_NAME_FOLLOWERS and following != "\r" and not ends_with_subscript:
            self.constructs.append(Construct("glued_to_name", end + 1, (raw, following)))

        word = raw if len(segments) == 1 and "\\" not in raw else None
        return Token("name", raw, start, end, segments=tuple(segments), word=word)

    def name_segment(self, style: str) -> _Segment:
        start = self.position
        key: list[str] = []
        while self.position < len(self.text):
            char = self.text[self.position]
            if char == "\\":
                if self.position + 1 >= len(self.text):
                    raise TriggerSyntaxError(
                        self.position + 2, "expected a character after '\\' but found end of input"
                    )
                key.append(self.text[self.position + 1])
                self.position += 2
                continue
            if not _is_name_char(char):
                break
            if not char.isascii() and self.non_ascii is None:
                self.non_ascii = Construct("non_ascii", self.position + 1, (char,))
            key.append(char)
            self.position += 1
        return _Segment("".join(key), start + 1, style)

    def subscript(self) -> _Segment:
        start = self.position
        self.position += 1  # '['
        char = self.following(self.position)
        digits = _DIGITS.match(self.text, self.position)
        if digits:
            key, style = str(int(digits.group())), "index"
            self.position = digits.end()
        elif char in ("\"", "'"):
            close = self.text.find(char, self.position + 1)
            if close < 0:
                raise TriggerSyntaxError(
                    len(self.text) + 1,
                    f"expected a closing {char} for the key that starts at column {self.position + 1} "
                    "but found end of input",
                )
            key, style = self.text[self.position + 1 : close], "quoted"
            self.position = close + 1
        else:
            raise TriggerSyntaxError(
                self.position + 1,
                "expected an array index or a quoted key after '[' "
                f"but found {_describe_char(self.text, self.position)}",
            )
        if self.following(self.position) != "]":
            raise TriggerSyntaxError(
                self.position + 1, f"expected ']' but found {_describe_char(self.text, self.position)}"
            )
        self.position += 1
        return _Segment(key, start + 1, style)


class _Parser:
    def __init__(self, text: str, tokens: list[Token], constructs: list[Construct]):
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.constructs = constructs

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def keyword(self, token: Token) -> str | None:
        if token.kind == "name" and token.word is not None and token.word.lower() in _KEYWORDS:
            return token.word.lower()
        return None

    def note(self, kind: str, column: int, *details: str) -> None:
        self.constructs.append(Construct(kind, column, details))

    def parse(self) -> Node:
        node = self.expression(depth=0)
        if self.current.kind != "end":
            raise self.unexpected_after_condition("end of input")
        return node

    def unexpected_after_condition(self, closer: str) -> TriggerSyntaxError:
        token = self.current
        message = f"expected 'and', 'or' or {closer} but found {token.describe()}"
        if token.text == "&&":
            message += "; write 'and' instead of '&&'"
        elif token.text == "||":
            message += "; write 'or' instead of '||'"
        elif token.kind in ("name", "bang", "("):
            message += "; join conditions with 'and' or 'or'"
        return TriggerSyntaxError(token.column, message)

    def conjunction_token(self, expected: str) -> bool:
        token = self.current
        if self.keyword(token) != expected:
            return False
        if token.word != expected:
            self.note("upper_case_conjunction", token.column, token.word, expected)
        elif token.end < len(self.text) and self.text[token.end] not in _SEGMENT_TERMINATORS | {"\r"}:
            self.note("glued_conjunction", token.column, expected, self.text[token.end])
        return True

    def expression(self, depth: int) -> Node:
        terms = [self.conjunction(depth)]
        first_or: Token | None = None
        while self.conjunction_token("or"):
            if first_or is None:
                first_or = self.current
            self.advance()
            terms.append(self.conjunction(depth))
        if len(terms) == 1:
            return terms[0][0]
        if first_or is not None and any(operands > 1 for _, operands in terms):
            self.note("mixed_conjunctions", first_or.column)
        return Group("or", tuple(node for node, _ in terms))

    def conjunction(self, depth: int) -> tuple[Node, int]:
        factors = [self.unary(depth)]
        while self.conjunction_token("and"):
            self.advance()
            factors.append(self.unary(depth))
        if len(factors) == 1:
            return factors[0], 1
        return Group("and", tuple(factors)), len(factors)

    def unary(self, depth: int) -> Node:
        token = self.current
        if token.kind == "bang":
            # Segment's lexer accepts '!' only directly before an ASCII letter or '('.
            following_char = self.text[token.end] if token.end < len(self.text) else ""
            if not (following_char == "(" or (following_char.isascii() and following_char.isalpha())):
                self.note("bang_rejected", token.column)
            if self.is_function(1):
                self.advance()
                return self.function(depth, negated=True)
            self.note("bang_negation", token.column)
            self.advance()
            return Negation(self.unary(depth))
        if self.keyword(token) == "not":
            self.note("not_keyword", token.column, token.word)
            self.advance()
            return Negation(self.unary(depth))
        return self.primary(depth)

    def is_function(self, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind == "name" and token.word in ("contains", "match") and self.peek(offset + 1).kind == "("

    def primary(self, depth: int) -> Node:
        token = self.current
        if token.kind == "(":
            if depth >= 1:
                self.note("nested_parentheses", token.column)
            self.advance()
            if self.current.kind == ")":
                raise TriggerSyntaxError(self.current.column, "expected a condition after '(' but found ')'")
            node = self.expression(depth + 1)
            if self.current.kind != ")":
                raise self.unexpected_after_condition("')'")
            self.advance()
            return node
        if token.kind == "name" and self.keyword(token) is None:
            if self.is_function():
                return self.function(depth, negated=False)
            return self.comparison()
        raise TriggerSyntaxError(token.column, f"expected a condition but found {token.describe()}")

    # -- conditions -----------------------------------------------------------------------------------

    def comparison(self) -> Node:
        field_token = self.advance()
        self.field_constructs(field_token, function=None)
        operator_token = self.current
        if operator_token.kind != "operator":
            raise TriggerSyntaxError(
                operator_token.column,
                f"expected an operator ({', '.join(_COMPARISON_OPERATORS)}) after '{field_token.text}' "
                f"but found {operator_token.describe()}",
            )
        self.advance()
        operator = operator_token.value
        if operator == "==":
            self.note("double_equals", operator_token.column)
            operator = "="
        value_token = self.current
        kind, value = self.literal(after=operator_token.text)
        return self.build_comparison(field_token, operator, kind, value, value_token)

    def literal(self, after: str) -> tuple[str, Any]:
        """Consume a value and return its kind ("string", "number", "word", "null", "true", "false") and value."""
        token = self.current
        if token.kind == "string":
            self.advance()
            return "string", token.value
        if token.kind == "number":
            self.advance()
            return "number", token.value
        if token.kind == "name" and self.keyword(token) is None:
            if token.word in ("null", "true", "false"):
                self.advance()
                return token.word, None
            if all(segment.style in ("name", "digit") for segment in token.segments):
                self.advance()
                return "word", ".".join(token.keys)
        raise TriggerSyntaxError(token.column, f"expected a value after '{after}' but found {token.describe()}")

    def build_comparison(
        self, field_token: Token, operator: str, kind: str, value: Any, value_token: Token
    ) -> Comparison:
        keys = field_token.keys
        column = field_token.column
        text_field = keys[0] if len(keys) == 1 and keys[0] in _TEXT_FIELDS else None

        if kind == "null":
            if operator in _ORDERING_OPERATORS:
                raise TriggerSyntaxError(value_token.column, f"expected a number after '{operator}' but found null")
            if text_field in ("type", "event"):
                self.note("null_as_text", column, text_field, operator)
            return Comparison(keys, "not_exists" if operator == "=" else "exists", None, column)

        if operator in _ORDERING_OPERATORS:
            if kind not in ("number", "string"):
                raise TriggerSyntaxError(
                    value_token.column, f"expected a number after '{operator}' but found {value_token.describe()}"
                )
            return Comparison(keys, operator, value, column)

        if kind in ("true", "false") and (text_field is None or text_field == "userId"):
            if operator == "=":
                return Comparison(keys, "is_true" if kind == "true" else "is_false", None, column)
            if text_field is None:
                return Comparison(keys, "!=", kind == "true", column)
        if kind == "number" and text_field is None:
            return Comparison(keys, "number_equals" if operator == "=" else "number_not_equals", value, column)
        return Comparison(keys, operator, _literal_text(kind, value), column)

    def function(self, depth: int, negated: bool) -> Node:
        name_token = self.advance()
        name = name_token.word
        self.advance()  # '(' (checked by is_function)

        field_token = self.current
        if field_token.kind != "name" or self.keyword(field_token) is not None:
            raise TriggerSyntaxError(
                field_token.column, f"expected a field after '{name}(' but found {field_token.describe()}"
            )
        self.advance()
        self.field_constructs(field_token, function=name)
        if self.current.kind != ",":
            raise TriggerSyntaxError(
                self.current.column, f"expected ',' after '{field_token.text}' but found {self.current.describe()}"
            )
        self.advance()

        value_token = self.current
        if name == "match":
            if value_token.kind != "string":
                raise TriggerSyntaxError(
                    value_token.column,
                    f"expected a quoted pattern, such as \"Signed*\", after ',' but found {value_token.describe()}",
                )
            self.advance()
            node = self.match_node(field_token, value_token, negated)
        else:
            kind, value = self.literal(after=",")
            if kind == "null":
                raise TriggerSyntaxError(value_token.column, "expected a value after ',' but found null")
            operator = "not_contains" if negated else "contains"
            node = Comparison(field_token.keys, operator, _literal_text(kind, value), field_token.column)

        if self.current.kind != ")":
            raise TriggerSyntaxError(
                self.current.column, f"expected ')' to close {name}( but found {self.current.describe()}"
            )
        self.advance()
        if depth >= 1 and self.current.kind != ")":
            self.note("function_in_parentheses", name_token.column, name)
        return node

    def match_node(self, field_token: Token, pattern_token: Token, negated: bool) -> Comparison:
        pattern = pattern_token.value
        keys = field_token.keys
        column = field_token.column
        stars = pattern.count("*")
        prefix = "not_" if negated else ""
        segment_reads_same = (stars == 1 and pattern.endswith("*")) or (
            stars == 1 and pattern.startswith("*") and len(pattern) > 1
        )
        if pattern_token.text.startswith('"') and not segment_reads_same:
            self.note("match_pattern", pattern_token.column, pattern, field_token.text)
        if stars == 1 and pattern.endswith("*"):
            return Comparison(keys, prefix + "starts_with", pattern[:-1], column)
        if stars == 1 and pattern.startswith("*"):
            return Comparison(keys, prefix + "ends_with", pattern[1:], column)
        if stars == 2 and len(pattern) > 2 and pattern.startswith("*") and pattern.endswith("*"):
            return Comparison(keys, prefix + "contains", pattern[1:-1], column)
        if stars == 0 and not negated:
            return Comparison(keys, "=", pattern, column)
        return Comparison(keys, "not_like" if negated else "like", pattern, column)

    def field_constructs(self, token: Token, function: str | None) -> None:
        keys = token.keys
        root = keys[0]
        if function is not None and root == "type" and len(keys) == 1:
            self.note("function_on_type", token.column, function)
        elif function is not None and root in _TEXT_FIELDS and len(keys) > 1:
            self.note("unsupported_field", token.column, token.text)
        elif root in _TEXT_FIELDS and len(keys) > 1:
            self.note("suffix_ignored", token.column, token.text, root)
        elif root in _CONTAINER_FIELDS and len(keys) == 1:
            self.note("whole_container", token.column, root)
        elif root not in _TEXT_FIELDS and root not in _CONTAINER_FIELDS:
            # In contains()/match() Segment tests only the prefix, so `propertiesX.y` is misread
            # rather than dropped; the overall comparison reports that case.
            if function is None or not root.startswith(tuple(_CONTAINER_FIELDS)):
                self.note("unsupported_field", token.column, token.text)
        for segment in token.segments:
            if segment.style == "index" or segment.style == "quoted":
                self.note("subscript", segment.column, segment.key)
            elif segment.style == "digit":
                self.note("digit_segment", segment.column, segment.key)
            if any(separator in segment.key for separator in ".[]"):
                self.note("key_with_separator", segment.column, segment.key)


def _literal_text(kind: str, value: Any) -> str:
    if kind == "number":
        return js_number_to_string(value)
    if kind in ("true", "false"):
        return kind
    return value


def parse_subscription(text: str) -> tuple[Node, list[Construct]]:
    """Parse ``text`` into a condition tree and the constructs that Segment reads differently.

    Raises TriggerSyntaxError (with a 1-based column) for text that the grammar cannot read,
    including an empty or blank subscription.
    """
    constructs: list[Construct] = []
    if text.strip(_WHITESPACE) == "":
        raise TriggerSyntaxError(1, f"expected a condition, such as {_EXAMPLE}, but the subscription is empty")
    tokens = _Lexer(text, constructs).tokens()
    node = _Parser(text, tokens, constructs).parse()
    constructs.sort(key=lambda construct: construct.column)
    return node, constructs
