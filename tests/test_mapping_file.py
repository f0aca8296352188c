import textwrap

import pytest

from attio_cli.errors import ConfigError
from attio_cli.mapping_file import load_mapping_file, load_mapping_files


def _mapping(tmp_path, text: str, name: str = "m.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def _error(tmp_path, text: str) -> ConfigError:
    path = _mapping(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_mapping_file(path)
    return caught.value


def test_action_only_is_segment_preset(tmp_path):
    [subscription] = load_mapping_file(_mapping(tmp_path, "action: identify-user\n"))
    assert subscription.action == "identify-user"
    assert subscription.subscribe == 'type = "identify"'
    assert subscription.mapping["user_id"] == {"@path": "$.userId"}
    assert subscription.mapping["email_address"]["@if"]["else"] == {"@path": "$.email"}
    assert subscription.enable_batching is False
    assert subscription.batch_size == 1000


def test_group_default_trigger(tmp_path):
    [subscription] = load_mapping_file(_mapping(tmp_path, "action: group-workspace\n"))
    assert subscription.subscribe == 'type = "group"'


def test_segment_action_names_accepted(tmp_path):
    [subscription] = load_mapping_file(_mapping(tmp_path, "action: identifyUser\n"))
    assert subscription.action == "identify-user"


def test_shorthand_path_and_literal(tmp_path):
    path = _mapping(
        tmp_path,
        """
        action: identify-user
        mapping:
          user_attributes:
            plan: $.traits.plan
            source: backfill
            raw: {"@literal": "$.not.a.path"}
        """,
    )
    [subscription] = load_mapping_file(path)
    payload = subscription.compiled.transform({"traits": {"plan": "pro"}})
    assert payload["user_attributes"] == {"plan": "pro", "source": "backfill", "raw": "$.not.a.path"}


def test_mapping_overrides_one_default(tmp_path):
    path = _mapping(tmp_path, 'action: identify-user\nmapping:\n  user_id: $.anonymousId\n')
    [subscription] = load_mapping_file(path)
    assert subscription.mapping["user_id"] == {"@path": "$.anonymousId"}
    assert "@if" in subscription.mapping["email_address"]


def test_subscriptions_list(tmp_path):
    path = _mapping(
        tmp_path,
        """
        subscriptions:
          - name: users
            action: identify-user
          - name: companies
            action: assert-record
            subscribe: type = "group"
            mapping:
              object: companies
              matching_attribute: domains
        """,
    )
    subscriptions = load_mapping_file(path)
    assert [s.name for s in subscriptions] == ["users", "companies"]
    assert [s.line for s in subscriptions] == [2, 4]


def test_yaml_11_booleans_stay_text(tmp_path):
    path = _mapping(tmp_path, "action: identify-user\nmapping:\n  user_attributes:\n    flag: on\n    other: yes\n    real: true\n")
    [subscription] = load_mapping_file(path)
    assert subscription.mapping["user_attributes"] == {"flag": "on", "other": "yes", "real": True}


def test_misspelled_action_suggests(tmp_path):
    error = _error(tmp_path, "name: x\naction: identify-users\n")
    assert error.message.endswith("m.yaml:2: action: unknown action 'identify-users'")
    assert error.hint == "Did you mean 'identify-user'?"


def test_missing_action(tmp_path):
    error = _error(tmp_path, "name: x\n")
    assert error.message.endswith("m.yaml:1: (top level): missing 'action'")


def test_unknown_subscription_key_suggests(tmp_path):
    error = _error(tmp_path, 'action: identify-user\nsubscription: type = "identify"\n')
    assert error.message.endswith("m.yaml:2: subscription: unknown key 'subscription'")
    assert error.hint == "Did you mean 'subscribe'?"


def test_assert_record_needs_subscribe(tmp_path):
    error = _error(tmp_path, "action: assert-record\n")
    assert "missing 'subscribe': assert-record has no default trigger" in error.message


def test_unknown_field_suggests(tmp_path):
    error = _error(tmp_path, "action: identify-user\nmapping:\n  user_atributes: {}\n")
    assert error.message.endswith("m.yaml:3: mapping.user_atributes: unknown field 'user_atributes' for identify-user")
    assert error.hint == "Did you mean 'user_attributes'?"


def test_directive_error_points_at_line(tmp_path):
    path = _mapping(
        tmp_path,
        """
        action: identify-user
        mapping:
          user_attributes:
            name: {"@path": true}
        """,
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping_file(path)
    assert caught.value.message == f"{path}:4: mapping.user_attributes.name.@path: should be a string or a mapping directive but it is a boolean"


def test_unknown_directive(tmp_path):
    error = _error(tmp_path, 'action: identify-user\nmapping:\n  user_attributes:\n    name: {"@oops": 1}\n')
    assert error.message.endswith("m.yaml:4: mapping.user_attributes.name: has an invalid directive: @oops")


def test_liquid_rejected(tmp_path):
    error = _error(tmp_path, 'action: identify-user\nmapping:\n  user_attributes:\n    name: {"@liquid": "{{ traits.name }}"}\n')
    assert ":4: mapping.user_attributes.name" in error.message
    assert "@template" in error.message


def test_invalid_trigger_names_column(tmp_path):
    error = _error(tmp_path, 'action: identify-user\nsubscribe: type = "identify" and\n')
    assert "m.yaml:2: subscribe: invalid trigger at column" in error.message


@pytest.mark.parametrize("value", ["0", "10001", "ten", "1.5", "true"])
def test_batch_size_range(tmp_path, value):
    error = _error(tmp_path, f"action: identify-user\nmapping:\n  batch_size: {value}\n")
    assert "m.yaml:3: mapping.batch_size: must be a whole number from 1 to 10,000" in error.message


def test_enable_batching_must_be_boolean(tmp_path):
    error = _error(tmp_path, 'action: identify-user\nmapping:\n  enable_batching: "yes"\n')
    assert error.message.endswith("m.yaml:3: mapping.enable_batching: must be true or false")


def test_unquoted_at_key_gets_hint(tmp_path):
    error = _error(tmp_path, "action: identify-user\nmapping:\n  user_id:\n    @path: $.userId\n")
    assert "invalid YAML" in error.message
    assert error.hint.startswith("Quote keys that start with @")


def test_not_a_mapping(tmp_path):
    error = _error(tmp_path, "- a\n- b\n")
    assert "a mapping file must be a YAML mapping" in error.message


def test_empty_subscriptions_list(tmp_path):
    error = _error(tmp_path, "subscriptions: []\n")
    assert error.message.endswith("m.yaml:1: subscriptions: must be a non-empty list of subscriptions")


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="mapping file not found"):
        load_mapping_files([str(tmp_path / "none.yaml")])


def test_presets_load(repo_root):
    names = sorted((repo_root / "mappings").glob("*.yaml"))
    assert len(names) == 3
    subscriptions = load_mapping_files([str(name) for name in names])
    assert {s.action for s in subscriptions} == {"identify-user", "group-workspace", "assert-record"}
    assert all(s.warnings == [] for s in subscriptions)


def test_yaml_scalars_follow_json(tmp_path):
    path = _mapping(
        tmp_path,
        "action: identify-user\nmapping:\n  user_attributes:\n    zip: 01234\n    clock: 12:30\n    hex: 0x1F\n    day: 2024-01-05\n    inf: .inf\n    count: 12\n    ratio: -1.5e3\n    none: null\n",
    )
    [subscription] = load_mapping_file(path)
    assert subscription.mapping["user_attributes"] == {
        "zip": "01234",
        "clock": "12:30",
        "hex": "0x1F",
        "day": "2024-01-05",
        "inf": ".inf",
        "count": 12,
        "ratio": -1500.0,
        "none": None,
    }


def test_duplicate_key_rejected(tmp_path):
    error = _error(tmp_path, "action: identify-user\naction: group-workspace\n")
    assert error.message.endswith("m.yaml:2: action: the key appears twice")


def test_action_must_be_text(tmp_path):
    error = _error(tmp_path, "action: [identify-user]\n")
    assert error.message.endswith("m.yaml:1: action: must be one action name")


def test_huge_integer_rejected(tmp_path):
    error = _error(tmp_path, "action: identify-user\nmapping:\n  user_attributes:\n    big: 123456789012345678901234567890\n")
    assert "m.yaml:4: mapping.user_attributes.big: the number 123456789012345678901234567890 is too large" in error.message


def test_binary_value_rejected(tmp_path):
    error = _error(tmp_path, "action: identify-user\nmapping:\n  user_attributes:\n    blob: !!binary aGVsbG8=\n")
    assert "a bytes value has no JSON form" in error.message


def test_empty_subscribe_rejected(tmp_path):
    error = _error(tmp_path, "action: identify-user\nsubscribe:\n")
    assert error.message.endswith("m.yaml:2: subscribe: is empty")


def test_same_file_twice_rejected(tmp_path):
    path = _mapping(tmp_path, "action: identify-user\n")
    with pytest.raises(ConfigError, match="is given twice"):
        load_mapping_files([path, path])


def test_folder_as_mapping_file(tmp_path):
    with pytest.raises(ConfigError, match="is a folder"):
        load_mapping_files([str(tmp_path)])
