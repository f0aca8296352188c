"""Select and status values: option titles, loose matches, option ids and unknown options."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

OPTION_ID = "5a0d2c6e-1b7f-4c59-9f1e-2d3c4b5a6f70"
CATEGORIES = Attribute(
    "categories", "select", is_multiselect=True, options=("SaaS", "B2B", "E-commerce"), option_ids=(OPTION_ID,)
)
TIER = Attribute("tier", "select", options=("Gold", "Silver"))
STAGE = Attribute("stage", "status", options=("Lead", "In Progress", "Won"))
OPEN_SELECT = Attribute("source", "select")


@pytest.mark.parametrize("style", ["public", "segment"])
def test_select_exact_title(style):
    result = check_value(TIER, "Gold", style=style)
    assert result.error is None
    assert result.value == "Gold"
    assert result.warnings == []


def test_select_multiselect_titles():
    result = check_value(CATEGORIES, ["SaaS", "B2B"], style="public")
    assert result.value == ["SaaS", "B2B"]


def test_select_object_form_title_public():
    result = check_value(TIER, {"option": "Silver"}, style="public")
    assert result.value == "Silver"


@pytest.mark.parametrize("value", ["saas", " SaaS ", "SAAS"])
def test_select_loose_title_public(value):
    result = check_value(CATEGORIES, value, style="public")
    assert result.value == ["SaaS"]
    assert result.warnings == [
        f'categories: "{value}" was sent as "SaaS", the select option title it matches apart from case and spaces'
    ]


def test_status_inner_spaces_public():
    result = check_value(STAGE, "in  progress", style="public")
    assert result.value == "In Progress"


def test_select_loose_title_segment_rejected():
    result = check_value(TIER, "gold", style="segment")
    assert result.error == (
        'tier: "gold" is not a select option of this attribute, but "Gold" is; titles must match exactly '
        "(the public style corrects case and spaces)"
    )


def test_status_loose_title_segment_rejected():
    result = check_value(STAGE, "won ", style="segment")
    assert result.error == (
        'stage: "won " is not a status of this attribute, but "Won" is; titles must match exactly '
        "(the public style corrects case and spaces)"
    )


def test_select_unknown_title():
    result = check_value(TIER, "Bronze", style="public")
    assert result.error == 'tier: "Bronze" is not a select option of this attribute; valid titles: "Gold", "Silver"'


def test_status_unknown_title():
    result = check_value(STAGE, "Lost", style="segment")
    assert result.error == 'stage: "Lost" is not a status of this attribute; valid titles: "Lead", "In Progress", "Won"'


def test_select_unknown_title_long_list_cut():
    spec = Attribute("size", "select", options=tuple(f"S{index}" for index in range(25)))
    result = check_value(spec, "XL", style="public")
    assert result.error.endswith('"S18", "S19" and 5 more')


def test_select_no_options():
    spec = Attribute("empty", "select", options=())
    result = check_value(spec, "Gold", style="public")
    assert result.error == 'empty: "Gold" is not a select option of this attribute; the attribute has no options'


def test_select_ambiguous_fold_not_suggested():
    spec = Attribute("mode", "select", options=("On", "ON"))
    result = check_value(spec, "on", style="public")
    assert result.error == 'mode: "on" is not a select option of this attribute; valid titles: "On", "ON"'


def test_select_option_id_object_form():
    value = {"option": OPTION_ID}
    result = check_value(CATEGORIES, [value], style="segment")
    assert result.error is None
    assert result.value == [value]


def test_select_option_id_bare_public():
    result = check_value(CATEGORIES, OPTION_ID, style="public")
    assert result.value == [{"option": OPTION_ID}]


def test_select_option_id_bare_segment_rejected():
    result = check_value(CATEGORIES, OPTION_ID, style="segment")
    assert result.error == (
        f'categories: "{OPTION_ID}" is a select option id, which Attio reads only in the form {{"option": "<id>"}}'
    )


def test_select_unchecked_id_object_form():
    value = {"option": OPTION_ID}
    result = check_value(TIER, value, style="public")
    assert result.value == value


def test_status_object_form():
    result = check_value(STAGE, {"status": "lead"}, style="public")
    assert result.value == "Lead"


def test_status_object_wrong_key():
    result = check_value(STAGE, {"option": "Lead"}, style="public")
    assert result.error == 'stage: {"option": "Lead"} is not a valid status value; the object form is {"status": "<title or id>"}'


def test_select_options_unknown_pass():
    result = check_value(OPEN_SELECT, "Anything", style="segment")
    assert result.error is None


def test_select_options_unknown_object_kept():
    value = {"option": "Anything"}
    result = check_value(OPEN_SELECT, value, style="public")
    assert result.value == value


@pytest.mark.parametrize("value", ["", "  "])
def test_select_empty_title(value):
    result = check_value(OPEN_SELECT, value, style="public")
    assert result.error == "source: an empty string is not a select option; use null to unset the attribute"


def test_select_number_rejected():
    result = check_value(TIER, 3, style="public")
    assert result.error == "tier: expected a select option title but got the number 3"
