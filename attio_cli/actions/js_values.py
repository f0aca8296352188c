"""Old import path of the JavaScript number rules, which now live in ``attio_cli.jsvalues``.

TODO: delete this module once nothing imports it; ``attio_cli/values/scalars.py`` still does.
"""

from attio_cli.jsvalues import JS_WHITESPACE, js_number_to_string, js_number_value, js_string_to_number

__all__ = ["JS_WHITESPACE", "js_number_to_string", "js_number_value", "js_string_to_number"]
