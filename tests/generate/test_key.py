"""key.json is written as the standard library writes it with an indent of one, character for
character (generate/key.py writes it itself, in half the time)."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradsheet.generate.key import indented_json

_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=30)


def _standard(value: object) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, allow_nan=False)


@given(_VALUES)
def test_any_json_value_is_written_as_the_standard_library_writes_it(value):
    assert indented_json(value) == _standard(value)


def test_text_in_any_script_quotes_and_control_characters_are_written_alike():
    value = {"name": 'Zoë "Z" \\ 李小龍 محمد \n\t\x00\u2028 😀', "values": [0.1, -0.0, 1e300, 3, True, None, [], {}]}
    assert indented_json(value) == _standard(value)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_number_json_cannot_hold_is_refused_as_the_standard_library_refuses_it(number):
    with pytest.raises(ValueError):
        _standard({"v": [number]})
    with pytest.raises(ValueError):
        indented_json({"v": [number]})


def test_a_key_that_is_not_text_is_refused():
    with pytest.raises(TypeError):
        indented_json({1: "one"})
