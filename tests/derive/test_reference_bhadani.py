"""Bhadani's 1-2-3-1 sigmoid/BCE example, every number the deck prints.

The deck rounds by hand to 4 decimals (some steps 5). A printed value is right when it is
the exact value rounded to the decimals shown, or what hand mode (every intermediate rounded
to 4 decimals) gives. SLIPS lists where the deck is wrong, with the correct value.
"""

import pytest

from gradsheet.derive import catalogue
from gradsheet.derive.engine.backprop import trace
from gradsheet.derive.engine.numbers import EXACT, hand

SPEC, _ = catalogue.load("bhadani-sigmoid")
EXACT_TRACE = trace(SPEC.network, SPEC.examples, EXACT)
HAND_TRACE = trace(SPEC.network, SPEC.examples, hand(4))


def _get(t, path):
    f, b, u = t.forward, t.backward, t.update
    return {
        "a1": lambda j: f.a(1)[0, j], "a2": lambda j: f.a(2)[0, j], "z2": lambda j: f.z(2)[0, j],
        "yhat": lambda j: f.output[0, 0], "cost": lambda j: f.cost, "z3": lambda j: f.z(3)[0, 0],
        "dL_dyhat": lambda j: b.layers[2].upstream[0, 0], "sig3": lambda j: b.layers[2].sigma_prime[0, 0],
        "delta3": lambda j: b.delta(3)[0, 0], "gW3": lambda j: b.layers[2].grad_W[0, j],
        "dL_da2": lambda j: b.layers[1].upstream[0, j], "sig2": lambda j: b.layers[1].sigma_prime[0, j],
        "delta2": lambda j: b.delta(2)[0, j], "dL_da1": lambda j: b.layers[0].upstream[0, j],
        "sig1": lambda j: b.layers[0].sigma_prime[0, j], "delta1": lambda j: b.delta(1)[0, j],
        "gW1": lambda j: b.layers[0].grad_W[j, 0], "gb1": lambda j: b.layers[0].grad_b[j],
        "W3new": lambda j: u.params[2][0][0, j], "b3new": lambda j: u.params[2][1][0],
        "b2new": lambda j: u.params[1][1][j], "W1new": lambda j: u.params[0][0][j, 0],
        "b1new": lambda j: u.params[0][1][j],
        "new_a1": lambda j: u.forward.a(1)[0, j], "new_z2": lambda j: u.forward.z(2)[0, j],
        "new_a2": lambda j: u.forward.a(2)[0, j], "new_z3": lambda j: u.forward.z(3)[0, 0],
        "new_yhat": lambda j: u.forward.output[0, 0], "new_cost": lambda j: u.forward.cost,
    }[path[0]](path[1])


def _gW2(t, j, k):
    return t.backward.layers[1].grad_W[j, k]


# (quantity, index, value printed on the slide)
PRINTED = [
    ("a1", 0, "0.5744"), ("a1", 1, "0.5987"), ("z2", 0, "0.4748"), ("z2", 1, "0.3921"), ("z2", 2, "0.4371"),
    ("a2", 0, "0.6165"), ("a2", 1, "0.5968"), ("a2", 2, "0.6076"), ("z3", 0, "1.2305"), ("yhat", 0, "0.7739"),
    ("cost", 0, "0.2563"), ("dL_dyhat", 0, "-1.2921"), ("dL_dyhat", 0, "-1.2922"), ("sig3", 0, "0.1750"),
    ("delta3", 0, "-0.2261"), ("gW3", 0, "-0.1394"), ("gW3", 1, "-0.1349"), ("gW3", 2, "-0.1374"),
    ("dL_da2", 0, "-0.0904"), ("dL_da2", 1, "-0.0452"), ("dL_da2", 2, "-0.1357"),
    ("sig2", 0, "0.2364"), ("sig2", 1, "0.2406"), ("sig2", 2, "0.2384"),
    ("delta2", 0, "-0.0214"), ("delta2", 1, "-0.0109"), ("delta2", 2, "-0.0323"),
    ("dL_da1", 0, "-0.01078"), ("sig1", 0, "0.2445"), ("sig1", 1, "0.2403"), ("delta1", 1, "-0.00337"),
    ("gW1", 1, "-0.00674"), ("gb1", 1, "-0.00337"),
    ("W3new", 0, "0.4139"), ("W3new", 1, "0.2135"), ("W3new", 2, "0.6137"), ("b3new", 0, "0.5226"),
    ("b2new", 0, "0.3021"), ("b2new", 1, "0.1011"), ("b2new", 2, "0.2032"),
    ("W1new", 0, "0.1005"), ("W1new", 1, "0.1007"), ("b1new", 0, "0.1003"), ("b1new", 1, "0.2003"),
    ("new_a1", 0, "0.5748"), ("new_a1", 1, "0.5991"), ("new_z2", 0, "0.4785"), ("new_z2", 1, "0.3941"),
    ("new_z2", 2, "0.4427"), ("new_a2", 0, "0.6174"), ("new_a2", 1, "0.5973"), ("new_a2", 2, "0.6089"),
    ("new_z3", 0, "1.2794"), ("new_yhat", 0, "0.7823"), ("new_cost", 0, "0.2455"),
]

# Where the deck slips: (quantity, index, printed, correct to the decimals printed, why)
SLIPS = [
    ("dL_da1", 1, "-0.01401", "-0.01402", "summed from δ's already rounded to 4 decimals"),
    ("delta1", 0, "-0.00264", "-0.00263", "−0.01078 · 0.2445 from rounded inputs; exact −0.002634"),
    ("gW1", 0, "-0.00528", "-0.00527", "twice the slipped δ^[1]_1"),
    ("new_yhat", 0, "0.7862", "0.7823", "the closing summary quotes a prediction the verification pass does not give"),
]


def _decimals(text):
    return len(text.split(".")[1])


@pytest.mark.parametrize("name,index,printed", PRINTED)
def test_bhadani_printed_value_matches_exact_rounding_or_hand_mode(name, index, printed):
    d = _decimals(printed)
    exact = round(float(_get(EXACT_TRACE, (name, index))), d)
    by_hand = round(float(_get(HAND_TRACE, (name, index))), d)
    assert float(printed) in (exact, by_hand)


@pytest.mark.parametrize("name,index,printed,correct,why", SLIPS)
def test_bhadani_slip_is_corrected(name, index, printed, correct, why):
    d = _decimals(printed)
    exact = round(float(_get(EXACT_TRACE, (name, index))), d)
    assert exact == float(correct) != float(printed)


def test_bhadani_layer2_weight_gradients_match_the_deck():
    printed = [["-0.0123", "-0.0128"], ["-0.0063", "-0.0065"], ["-0.0186", "-0.0194"]]
    for j in range(3):
        for k in range(2):
            assert round(float(_gW2(EXACT_TRACE, j, k)), 4) == float(printed[j][k])


def test_bhadani_output_delta_is_prediction_error_for_sigmoid_with_bce():
    delta = EXACT_TRACE.backward.delta(3)[0, 0]
    assert EXACT_TRACE.backward.fused
    assert float(delta) == pytest.approx(float(EXACT_TRACE.forward.output[0, 0]) - 1, abs=1e-15)


def test_bhadani_hand_mode_shows_rounding_too_early_in_delta2_3():
    # the exact value rounds to −0.0323; rounding every intermediate gives −0.0324
    assert round(float(EXACT_TRACE.backward.delta(2)[0, 2]), 4) == -0.0323
    assert float(HAND_TRACE.backward.delta(2)[0, 2]) == -0.0324


def test_bhadani_step_lowers_the_loss():
    assert EXACT_TRACE.update.forward.cost < EXACT_TRACE.forward.cost
