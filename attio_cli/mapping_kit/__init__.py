"""A Python port of Segment's mapping-kit, with Segment's exact results.

``compile_mapping(mapping)`` validates a mapping with Segment's rules and messages and compiles
it once. ``CompiledMapping.transform(event)`` then maps one event and returns plain JSON data:
keys that resolved to nothing are absent, and array items that resolved to nothing are ``None``
(Segment's ``undefined`` array items, which JSON writes as ``null``). ``MISSING`` stands for
JavaScript ``undefined`` inside the kit. See ``compiler.py`` for how it is handled and
``paths.py`` for the path syntax, including the JSONPath extension.
"""

from attio_cli.jsvalues import (
    MISSING,
    is_array_index,
    js_json_parse,
    js_json_stringify,
    js_key_order,
    js_keys,
    js_length,
    js_number_to_string,
    js_string,
    js_truthy,
    js_type_of,
)
from attio_cli.mapping_kit.compiler import CompiledMapping, compile_mapping, finalize, strip_missing, transform
from attio_cli.mapping_kit.directives import flatten_object
from attio_cli.mapping_kit.errors import DirectiveError, MappingError, MappingValidationError
from attio_cli.mapping_kit.jsvalues import js_loose_equals_empty_string
from attio_cli.mapping_kit.paths import PathSyntaxError, compile_path, get, is_extension_path, split_segments
from attio_cli.mapping_kit.shorthand import expand_shorthand
from attio_cli.mapping_kit.template import compile_template, render
from attio_cli.mapping_kit.validation import DIRECTIVE_NAMES

__all__ = [
    "DIRECTIVE_NAMES",
    "MISSING",
    "CompiledMapping",
    "DirectiveError",
    "MappingError",
    "MappingValidationError",
    "PathSyntaxError",
    "compile_mapping",
    "compile_path",
    "compile_template",
    "expand_shorthand",
    "finalize",
    "flatten_object",
    "get",
    "is_array_index",
    "is_extension_path",
    "js_json_parse",
    "js_json_stringify",
    "js_key_order",
    "js_keys",
    "js_length",
    "js_loose_equals_empty_string",
    "js_number_to_string",
    "js_string",
    "js_truthy",
    "js_type_of",
    "render",
    "split_segments",
    "strip_missing",
    "transform",
]
