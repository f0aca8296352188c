"""Text and checkbox values.

Attio documents only strings for text attributes. The ``public`` style converts numbers and
booleans to text the way a JavaScript template would, so ``1.0`` becomes ``"1"``. The ``segment``
style rejects them, because Attio does not document that it converts them.
"""

from __future__ import annotations

import math
from typing import Any

from attio_cli.jsvalues import js_number_to_string
from attio_cli.values.base import InvalidValue, describe, render, unwrap
from attio_cli.schema import Attribute

# Attio's limit for a text value is 10 MB. NOTE: whether Attio counts 10**7 or 2**20 * 10 bytes is
# not documented; the lower figure is used.
MAX_TEXT_BYTES = 10_000_000
# A string of at most this many characters cannot exceed the limit in UTF-8 (4 bytes a character),
# so only longer strings are encoded to count their bytes.
SAFE_TEXT_CHARACTERS = MAX_TEXT_BYTES // 4


def check_text(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    text = unwrap(item, "value")
    kind = type(text)
    if kind is not str:
        if not public or kind not in (int, float, bool):
            hint = "; the public style converts numbers and booleans to text" if kind in (int, float, bool) else ""
            raise InvalidValue(f"expected a string but got {describe(text)}{hint}")
        if kind is bool:
            return "true" if text else "false"
        if kind is float and not math.isfinite(text):
            raise InvalidValue(f"{render(text)} is not a finite number, so it cannot be written as text")
        return js_number_to_string(text)

    if len(text) > SAFE_TEXT_CHARACTERS:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_TEXT_BYTES:
            raise InvalidValue(f"the text is {size} bytes long, more than Attio's limit of {MAX_TEXT_BYTES} bytes")
    return text


_CHECKBOX_TEXT = {"true": True, "false": False}


def check_checkbox(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    flag = unwrap(item, "value")
    if type(flag) is bool:
        return flag
    if type(flag) is str:
        # Attio accepts exactly "true" and "false"; the public style also folds case and spaces.
        parsed = _CHECKBOX_TEXT.get(flag.strip().lower() if public else flag)
        if parsed is not None:
            return parsed
    raise InvalidValue(f"{render(flag)} is not a valid checkbox value; use true or false")
