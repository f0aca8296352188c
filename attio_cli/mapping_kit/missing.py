"""The ``MISSING`` sentinel: Python's stand-in for JavaScript ``undefined``.

Segment's mapping-kit distinguishes a value that is absent (``undefined``, so the output key
is removed) from one that is JSON ``null`` (kept). ``None`` already means ``null``, so absence needs its own
value. ``MISSING`` is falsy, like ``undefined``, and there is only ever one instance of it.
"""

from __future__ import annotations

from typing import Final


class _MissingType:
    __slots__ = ()
    _instance: _MissingType | None = None

    def __new__(cls) -> _MissingType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    # Copies and unpickled values must stay the singleton, because code compares with ``is``.
    def __copy__(self) -> _MissingType:
        return self

    def __deepcopy__(self, memo: dict) -> _MissingType:
        return self

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final = _MissingType()
