"""Path lookup: Segment's ``get`` for its own path syntax, jsonpath-ng for wider JSONPath.

**Segment syntax** is what Segment's ``get`` (``packages/core/src/get.ts``) understands, and a
path in it gives exactly Segment's result:

- ``@path`` and ``@arrayPath`` first remove the first ``$.`` anywhere in the text (``a.$.b``
  reads ``a.b``, and ``$..a`` reads ``.a``, i.e. ``a``). Template placeholders do not.
- ``''`` and ``'.'`` (so also ``$.``) return the whole object.
- The text is split on every ``.``, on a ``[`` followed by a quote or digit, and on a run of ``]``
  preceded by a quote or digit. Empty pieces are dropped, then every ``'`` and ``"`` is deleted.
  So ``a[0].b``, ``a.0.b``, ``a['b c']`` and ``a.b c`` all work, while a key containing ``.``
  cannot be addressed, ``a[-1]`` and ``a[01]`` find nothing, and ``a[b]`` is the literal key
  ``"a[b]"``.
- The walk is JavaScript's ``prev && prev[key]``. A falsy value met on the way (``0``, ``''``,
  ``false``, ``null``) is the result. A list takes an index or ``length``, a string takes an
  index (one UTF-16 code unit) or ``length``, and anything else gives ``MISSING``. Prototype
  members such as ``constructor`` give ``MISSING``, because only JSON-visible keys exist here.

**JSONPath extension.** Some JSONPath constructs mean nothing to Segment's ``get``. A path that
uses one goes to ``jsonpath_ng.ext`` instead, parsed once. The constructs are a wildcard
(``[*]``, or ``*`` as a whole segment such as ``$.a.*``), a filter (``[?(@.price > 1)]``), a
slice (``[1:]``) and an index union (``[0,2]``). Segment reads them as literal keys such as
``"products[*]"``, which events do not have, so it finds nothing there. An extension path
returns the list of matched values in document order, even for a single match, and ``MISSING``
when nothing matches. A key named ``*`` is still read with Segment syntax when quoted
(``$.a['*']``), but a key spelled like a whole construct (``"a[*]"``) cannot be read by ``@path``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from attio_cli.jsvalues import MISSING, compile_property_walk

PathGetter = Callable[[Any], Any]

# The split of Segment's get: a "[" before a quote or digit, any ".", or a run of "]" after a
# quote or digit. JavaScript's \d is ASCII-only, hence [0-9].
_SEGMENT_SPLIT = re.compile(r"""\[(?=["'0-9])|\.|(?<=["'0-9])\]+""")
_QUOTES = str.maketrans("", "", "'\"")

_EXTENSION = re.compile(
    r"\[\s*\*\s*\]"  # [*]
    r"|(?:^|[.$])\*(?=$|[.\[])"  # * as a whole segment: $.a.* or $.*
    r"|\[\s*\?"  # filter: [?(...)] or [?...]
    r"|\[\s*-?[0-9]*\s*:[^\]]*\]"  # slice: [1:], [:2], [0:4:2]
    r"|\[\s*-?[0-9]+\s*(?:,\s*-?[0-9]+\s*)+\]"  # index union: [0,2]
)


class PathSyntaxError(ValueError):
    """A JSONPath extension path that jsonpath-ng cannot parse."""


def split_segments(path: str) -> tuple[str, ...]:
    """Split a Segment-syntax path (already without ``$.``) into the keys its walk uses."""
    return tuple(piece.translate(_QUOTES) for piece in _SEGMENT_SPLIT.split(path) if piece)


def is_extension_path(text: str) -> bool:
    """Tell whether a path uses JSONPath constructs and therefore goes to jsonpath-ng."""
    return _EXTENSION.search(text) is not None


def compile_path(text: str, *, strip_dollar_dot: bool = True, extensions: bool = True) -> PathGetter:
    """Compile a path once into a function ``getter(obj) -> value | MISSING``.

    ``strip_dollar_dot`` removes the first ``$.`` as ``@path`` does; template placeholders pass
    ``False``. ``extensions`` allows the jsonpath-ng extension; without it every path is read as
    Segment syntax. Raises ``PathSyntaxError`` for an extension path jsonpath-ng rejects.

    The getter carries ``text``, ``segments`` (the key tuple, ``None`` for an extension path or
    the root) and ``is_extension``.
    """
    is_extension = extensions and is_extension_path(text)
    segments: tuple[str, ...] | None = None
    if is_extension:
        getter = _compile_extension(text)
    else:
        path = text.replace("$.", "", 1) if strip_dollar_dot else text
        if path in ("", "."):
            getter = _compile_root()
        else:
            segments = split_segments(path)
            getter = compile_property_walk(segments)
    getter.text = text  # type: ignore[attr-defined]
    getter.segments = segments  # type: ignore[attr-defined]
    getter.is_extension = is_extension  # type: ignore[attr-defined]
    return getter


@lru_cache(maxsize=1024)
def compile_path_cached(text: str, *, strip_dollar_dot: bool = True, extensions: bool = True) -> PathGetter:
    """``compile_path`` with a bounded cache, for path texts that only exist at run time."""
    return compile_path(text, strip_dollar_dot=strip_dollar_dot, extensions=extensions)


def get(obj: Any, text: str) -> Any:
    """Look a path up once, as ``@path`` does; compile with ``compile_path`` for repeated use."""
    return compile_path_cached(text)(obj)


def _compile_root() -> PathGetter:
    # A new function each time, because compile_path sets attributes on what it returns.
    def root(obj: Any) -> Any:
        return obj

    return root


def _compile_extension(text: str) -> PathGetter:
    # Imported here so that mappings without extension paths never pay for loading jsonpath-ng.
    from jsonpath_ng.exceptions import JSONPathError
    from jsonpath_ng.ext import parse

    try:
        expression = parse(text)
    except (JSONPathError, ValueError) as error:
        raise PathSyntaxError(f"is not a valid JSONPath: {error}") from None

    def find_all(obj: Any) -> Any:
        if obj is MISSING:
            return MISSING
        matches = expression.find(obj)
        if not matches:
            return MISSING
        return [match.value for match in matches]

    return find_all
