"""Checks of attribute values against their Attio types, before they are sent.

``check_value(spec, value, style=...)`` returns a ``ValueResult``: the value to send, an error when
Attio would reject it, and warnings. The ``public`` style also normalises values: domains, email
domains, E.164 phone numbers, dates cut from timestamps and multiselect values as lists. The
``segment`` style sends values unchanged and only finds the ones Attio would reject.

Where Attio's docs do not say whether a shape is accepted, the ``segment`` style rejects it. A
rejected event is reported and can be sent again after a fix, while a value that Attio's batch
endpoint rejects is dropped without notice.
"""

from attio_cli.values.base import PUBLIC, SEGMENT, STYLES, ValueResult
from attio_cli.values.dispatch import ITEM_CHECKERS, check_value, value_checker

__all__ = [
    "ITEM_CHECKERS",
    "PUBLIC",
    "SEGMENT",
    "STYLES",
    "ValueResult",
    "check_value",
    "value_checker",
]
