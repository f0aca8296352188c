"""Select and status values: the title of an existing option, or an option id in the object form.

Attio never creates an option on write, so a title that is not an option is an error. When the
options are not known (no workspace schema), any non-empty title passes.
"""

from __future__ import annotations

from typing import Any

from attio_cli.values.base import UUID_PATTERN, InvalidValue, describe, quote_list, render
from attio_cli.schema import Attribute, fold_title

# Longer option lists are cut in messages.
_MAX_LISTED_OPTIONS = 20


def _valid_titles(spec: Attribute) -> str:
    titles = spec.options or ()
    if not titles:
        return "the attribute has no options"
    listed = quote_list(titles[:_MAX_LISTED_OPTIONS])
    more = len(titles) - _MAX_LISTED_OPTIONS
    suffix = f" and {more} more" if more > 0 else ""
    return f"valid titles: {listed}{suffix}"


def _match_title(title: str, spec: Attribute, noun: str, key: str, public: bool, warnings: list[str]) -> Any:
    """Return the option title to send, or a ``{key: id}`` object when ``title`` is an option id."""
    if title in spec.option_titles:
        return title

    exact = spec.folded_options.get(fold_title(title))
    if exact is not None:
        if public:
            warnings.append(
                f"{render(title)} was sent as {render(exact)}, the {noun} title it matches apart from case and spaces"
            )
            return exact
        raise InvalidValue(
            f"{render(title)} is not a {noun} of this attribute, but {render(exact)} is; "
            "titles must match exactly (the public style corrects case and spaces)"
        )

    if UUID_PATTERN.fullmatch(title) and title.lower() in spec.option_id_set:
        if public:
            return {key: title}
        raise InvalidValue(f"{render(title)} is a {noun} id, which Attio reads only in the form {{\"{key}\": \"<id>\"}}")

    raise InvalidValue(f"{render(title)} is not a {noun} of this attribute; {_valid_titles(spec)}")


def _check_option(item: Any, spec: Attribute, public: bool, warnings: list[str], noun: str, key: str) -> Any:
    wrapped = type(item) is dict
    if wrapped:
        if len(item) != 1 or key not in item:
            raise InvalidValue(
                f"{render(item)} is not a valid {noun} value; the object form is {{\"{key}\": \"<title or id>\"}}"
            )
        title = item[key]
    else:
        title = item

    if type(title) is not str:
        raise InvalidValue(f"expected a {noun} title but got {describe(title)}")
    if not title.strip():
        raise InvalidValue(f"an empty string is not a {noun}; use null to unset the attribute")
    if spec.options is None:
        return item if wrapped else title

    # The object form also takes an option id, which can only be checked when the ids are known.
    if wrapped and UUID_PATTERN.fullmatch(title) and (not spec.option_id_set or title.lower() in spec.option_id_set):
        return item
    return _match_title(title, spec, noun, key, public, warnings)


def check_select(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    return _check_option(item, spec, public, warnings, "select option", "option")


def check_status(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    return _check_option(item, spec, public, warnings, "status", "status")
