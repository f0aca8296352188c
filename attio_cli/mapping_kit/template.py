"""The ``@template`` renderer, as Segment's ``mapping-kit/placeholders.ts`` renders.

It is not Mustache. There are two regex passes, ``{{{x}}}`` and then ``{{x}}``, and each
placeholder is replaced by ``String(get(data, x.trim()) ?? '')`` with no HTML escaping. A
placeholder path is Segment syntax without the ``$.`` removal, so ``{{$.a}}`` looks for a key
``$`` and renders ``''``. The JSONPath extension does not apply inside templates.

The second pass runs over the output of the first, so a value inserted by ``{{{x}}}`` that itself
contains ``{{y}}`` is expanded as well. A template without triple braces is split into its parts
once. One with triple braces has to run the second pass on each rendered text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from attio_cli.jsvalues import MISSING, js_string, js_trim
from attio_cli.mapping_kit.paths import PathGetter, compile_path

_TRIPLE = re.compile(r"\{\{\{([^}]+)\}\}\}")
_DOUBLE = re.compile(r"\{\{([^}]+)\}\}")

Renderer = Callable[[Any], str]


def _placeholder_getter(inner: str) -> PathGetter:
    return compile_path(js_trim(inner), strip_dollar_dot=False, extensions=False)


_cached_placeholder_getter = lru_cache(maxsize=1024)(_placeholder_getter)


def _text(value: Any) -> str:
    if value is None or value is MISSING:
        return ""
    if type(value) is str:
        return value
    return js_string(value)


def _split(template: str, pattern: re.Pattern) -> tuple[list[str], list[PathGetter]]:
    """Split a template into literal texts and placeholder getters, alternating, literals first."""
    literals: list[str] = []
    getters: list[PathGetter] = []
    position = 0
    for match in pattern.finditer(template):
        literals.append(template[position : match.start()])
        getters.append(_placeholder_getter(match.group(1)))
        position = match.end()
    literals.append(template[position:])
    return literals, getters


def _join(literals: list[str], getters: list[PathGetter], data: Any) -> str:
    parts = [literals[0]]
    for getter, literal in zip(getters, literals[1:]):
        parts.append(_text(getter(data)))
        parts.append(literal)
    return "".join(parts)


def compile_template(template: str) -> Renderer:
    """Compile a template once into a function ``render(data) -> str``."""
    if _TRIPLE.search(template):
        triple_literals, triple_getters = _split(template, _TRIPLE)

        def render_with_rescan(data: Any) -> str:
            text = _join(triple_literals, triple_getters, data)
            return _DOUBLE.sub(lambda match: _text(_cached_placeholder_getter(match.group(1))(data)), text)

        return render_with_rescan

    literals, getters = _split(template, _DOUBLE)
    if not getters:
        return lambda data: template
    if len(getters) == 1:
        before, after = literals
        (getter,) = getters
        return lambda data: before + _text(getter(data)) + after
    return lambda data: _join(literals, getters, data)


compile_template_cached = lru_cache(maxsize=256)(compile_template)
compile_template_cached.__doc__ = "``compile_template`` with a bounded cache, for templates that only exist at run time."


def render(template: str, data: Any) -> str:
    """Render a template once; compile it with ``compile_template`` for repeated use."""
    return compile_template_cached(template)(data)
