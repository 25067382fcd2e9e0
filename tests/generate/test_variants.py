"""Every problem kind draws many variants without error, degeneracy or an unbounded number,
and every key entry recomputed independently through ``derive`` is equal."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from gradsheet.derive.engine import backprop
from gradsheet.derive.checking import quantities
from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.network import parse_spec
from gradsheet.derive.engine.numbers import EXACT, FLOAT, hand, round_half_away
from gradsheet.generate import problems, spec
from gradsheet.generate.printing import rounded
from gradsheet.generate.roster import Student
from gradsheet.generate.variants import draw, draw_all, draw_stream
from tests.conftest import variants

# 60 variants per kind and option set by default, 1,000 in the thorough run (tests/conftest.py)
N = variants()

KIND_TABLES = {
    "forward": [{"difficulty": "easy"}, {"difficulty": "medium"}, {"difficulty": "hard", "numbers": "decimal"}],
    "backprop": [{"difficulty": "medium"}, {"numbers": "decimal", "loss": "bce", "activation": "sigmoid"}],
    "update": [{"difficulty": "easy"}, {"numbers": "decimal"}],
    "chain_rule": [{}],
    "activation": [{"difficulty": "easy"}, {"difficulty": "hard"}],
    "param_count": [{"difficulty": "hard"}],
    "regularization": [{}],
    "batching": [{}, {"numbers": "decimal", "difficulty": "hard"}],
    "dropout": [{}, {"numbers": "decimal", "inverted": False}],
    "perceptron": [{"difficulty": "medium"}],
    "autodiff": [{}, {"difficulty": "hard"}, {"difficulty": "hard", "numbers": "decimal"}],
}


def exam_for(kind: str, table: dict) -> spec.ExamSpec:
    return spec.parse({"title": "t", "decimals": 4, "problems": [{"kind": kind, **table}]})


def test_every_kind_is_covered() -> None:
    assert set(KIND_TABLES) == set(problems.NAMES)


@pytest.mark.sweep
@pytest.mark.parametrize("kind,table", [(k, t) for k, ts in KIND_TABLES.items() for t in ts])
def test_variants_are_sound_and_the_key_recomputes_through_derive(kind: str, table: dict) -> None:
    exam = exam_for(kind, table)
    pspec = exam.problems[0]
    seen = set()
    for seed in range(N):
        variant = draw(exam.__class__(**{**exam.__dict__, "seed": seed}), Student(f"s{seed}", ""), pspec)
        problem = variant.problem
        assert problem.answers, "a problem with nothing to grade"
        seen.add(problem.fingerprint)
        for a in problem.answers:
            if isinstance(a.key_value, str):
                continue
            assert math.isfinite(a.key_value) and math.isfinite(a.tolerance)
            assert a.tolerance >= 0
            bound = getattr(getattr(pspec.options, "net", pspec.options), "bound", None)
            if isinstance(bound, int):
                assert abs(a.key_value) <= bound
        checked = RECOMPUTE.get(kind, _recompute)(problem, exam.decimals)
        assert checked == {a.part for a in problem.answers if not isinstance(a.key_value, str)}, "unchecked entries"
    assert len(seen) >= min(N // 2, 40), "too few distinct variants"


def _compare(problem, expected: dict, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """Every key entry named in ``expected`` equals that value rounded; the names compared.
    A float64 value may sit a hair off a tie (−0.56515 as −0.565149999…): it is within half
    a unit of the key."""
    checked = set()
    for a in problem.answers:
        if a.part in expected:
            if isinstance(expected[a.part], float):
                assert abs(expected[a.part] - a.key_value) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9), a.part
            else:
                assert float(rounded(expected[a.part], decimals)) == a.key_value, a.part
            checked.add(a.part)
    return checked


def _integer_style(network: dict) -> bool:
    return all(isinstance(w, int) for layer in network["layers"] for row in layer["weights"] for w in row)


def _recompute(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """Independently: the key's network through derive, every entry compared. Integer style:
    exact mode. Decimal style: the key holds what the worked solution prints, derive's hand
    mode, and its tolerance admits the exact value rounded at the end."""
    spec_ = parse_spec(problem.network)
    trace = backprop.trace(spec_.network, spec_.examples, EXACT)
    assert not trace.kinks
    exact = quantities.entries(trace)
    if _integer_style(problem.network):
        return _compare(problem, exact, decimals)
    for a in problem.answers:
        if a.part in exact:
            assert abs(float(rounded(exact[a.part], decimals)) - a.key_value) <= a.tolerance * (1 + 1e-9), a.part
    return _compare(problem, quantities.entries(backprop.trace(spec_.network, spec_.examples, hand(decimals))),
                    decimals)


def _recompute_batching(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """Each epoch as a sequence of derive traces, one per (mini-)batch: its update is the next start."""
    data = problem.network
    examples, size = data["examples"], problem.statement["batch"]
    m = len(examples)
    schemes = {"full": [list(range(m))], "sgd": [[i] for i in range(m)],
               "mini": [list(range(s, min(s + size, m))) for s in range(0, m, size)]}
    # integer style: exact, each update's parameters written as fractions; decimal style: the
    # key is the worked solution's hand computation (every intermediate rounded), recomputed
    # in derive's hand mode, and float64 (whose 1e-16 cannot move a value rounded to the
    # sheet's decimals) checks that the tolerance admits the unrounded computation
    if not _integer_style(data):
        hand_values = _epochs(data, examples, schemes, hand(decimals), str, sp.Rational)
        exact = _epochs(data, examples, schemes, FLOAT, lambda v: format(float(v), ".17g"), float)
        for a in problem.answers:
            assert abs(exact[a.part] - a.key_value) <= a.tolerance + 0.5 * 10.0 ** -decimals + 1e-9, a.part
        return _compare(problem, hand_values, decimals)
    return _compare(problem, _epochs(data, examples, schemes, EXACT, str, sp.Rational), decimals)


def _epochs(data, examples, schemes, mode, write, read) -> dict:  # type: ignore[no-untyped-def]
    """Full batch: its mean gradient (full_grad_…) and the parameters after (full_…); SGD and
    mini-batch: the parameters after each update u (sgd{u}_…, mini{u}_…)."""
    expected: dict = {}
    for key, batches in schemes.items():
        layers = [dict(layer) for layer in data["layers"]]
        for u, batch in enumerate(batches, start=1):
            spec_ = parse_spec({**data, "layers": layers, "examples": [examples[i] for i in batch]})
            traced = backprop.trace(spec_.network, spec_.examples, mode)
            layers = [{**layer, "weights": [[write(v) for v in row] for row in w],
                       **({"bias": [write(v) for v in b]} if b is not None else {})}
                      for layer, (w, b) in zip(layers, traced.update.params)]
            prefix = "full_" if key == "full" else f"{key}{u}_"
            if key == "full":
                for l, g in enumerate(traced.backward.layers, start=1):
                    expected.update({f"full_grad_W{l}[{j + 1},{k + 1}]": read(write(v))
                                     for (j, k), v in np.ndenumerate(np.asarray(g.grad_W, dtype=object))})
                    if g.grad_b is not None:
                        expected.update({f"full_grad_b{l}[{j + 1}]": read(write(v)) for j, v in enumerate(g.grad_b)})
            for l, layer in enumerate(layers, start=1):
                for j, row in enumerate(layer["weights"], start=1):
                    expected.update({f"{prefix}W{l}[{j},{k}]": read(v) for k, v in enumerate(row, start=1)})
                expected.update({f"{prefix}b{l}[{j}]": read(v) for j, v in enumerate(layer.get("bias", []), start=1)})
    return expected


def _recompute_dropout(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """a^(1) from derive's trace of the whole network; then by hand: ã = m ⊙ a (/(1 − p)),
    ŷ = σ(W^(2) ã + b^(2)) with σ's SymPy formula. Decimal style: as the worked solution
    computes it, a^(1) from derive's hand trace and ã, z^(2) and ŷ each rounded once; the
    exact ŷ is within the key's tolerance."""
    if _integer_style(problem.network):
        return _compare(problem, _dropout_values(problem, EXACT, lambda v: v), decimals)
    expected = _dropout_values(problem, hand(decimals), lambda v: round_half_away(v, decimals))
    true = _dropout_values(problem, EXACT, lambda v: v)
    for a in problem.answers:
        if a.part.startswith("output"):
            assert abs(float(true[a.part]) - a.key_value) <= a.tolerance + 1e-12, a.part
    return _compare(problem, expected, decimals)


def _dropout_values(problem, mode, fix) -> dict:  # type: ignore[no-untyped-def]
    from gradsheet.derive.engine import activations

    spec_ = parse_spec(problem.network)
    trace = backprop.trace(spec_.network, spec_.examples, mode)
    st = problem.statement
    scale = 1 / (1 - sp.Rational(st["values"]["p"])) if st["inverted"] else 1
    a1 = [fix(getattr(v, "expr", v) * m * scale) for v, m in zip(trace.forward.a(1)[0], st["values"]["mask"])]
    layer = problem.network["layers"][1]
    act = layer["activation"]
    act = activations.get(act) if isinstance(act, str) else activations.get(act["name"], {"alpha": act["alpha"]})
    expected = {k: v for k, v in quantities.entries(trace).items() if k.startswith("a1[")}
    for j, row in enumerate(layer["weights"]):
        z = fix(sum(sp.Rational(str(w)) * a for w, a in zip(row, a1)) + sp.Rational(str(layer.get("bias", [0] * 9)[j])))
        expected[f"output[{j + 1}]"] = fix(sp.N(act.expr.subs(activations.z, z), 40))
    return expected


def _recompute_activation(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """σ(z0) and σ'(z0) by sympy.diff of the activation's own formula."""
    from gradsheet.derive.engine import activations

    act, z0 = activations.get(problem.statement["activation"]), sp.Rational(problem.statement["at"])
    value = act.expr.subs(activations.z, z0)
    prime = sp.diff(act.expr, activations.z).subs(activations.z, z0)
    return _compare(problem, {"value": sp.N(value, 40), "derivative": sp.N(prime, 40)}, decimals)


def _recompute_param_count(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    st = problem.statement
    sizes = [st["inputs"]] + [st["width"]] * st["depth"] + [st["outputs"]]
    total = sum(n_out * n_in + (n_out if st["bias"] else 0) for n_in, n_out in zip(sizes, sizes[1:]))
    return _compare(problem, {"params": sp.Integer(total)}, decimals)


def _recompute_regularization(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """∂C̃/∂w and w' = w − α ∂C̃/∂w with C̃ = C + λ‖w‖₁ or C + (λ/2) wᵀw, differentiated by sympy
    (C stands in as g·w, which has the given gradient g)."""
    v = problem.statement["values"]
    w0, g = [sp.Rational(x) for x in v["w"]], [sp.Rational(x) for x in v["g"]]
    alpha, lam = sp.Rational(v["alpha"]), sp.Rational(v["lambda"])
    w = sp.symbols(f"w1:{len(w0) + 1}", real=True)
    cost = sum(gi * wi for gi, wi in zip(g, w))
    expected = {}
    for name, penalty in (("l1", lam * sum(sp.Abs(wi) for wi in w)), ("l2", lam / 2 * sum(wi**2 for wi in w))):
        at = dict(zip(w, w0))
        for i, wi in enumerate(w):
            expected[f"{name}_grad[{i + 1}]"] = sp.diff(cost + penalty, wi).subs(at)
            expected[f"{name}_w[{i + 1}]"] = w0[i] - alpha * expected[f"{name}_grad[{i + 1}]"]
    return _compare(problem, expected, decimals)


def _recompute_autodiff(problem, decimals: int) -> set:  # type: ignore[no-untyped-def]
    """Independently of the traces: y and ∂y/∂x_k by sympy.diff of the formula, rounded."""
    st = problem.statement
    x = {name: sp.Symbol(name) for name in st["at"]}
    y = sp.sympify(st["source"].replace("^", "**"), locals={**x, "sigmoid": lambda u: 1 / (1 + sp.exp(-u))})
    point = {x[name]: sp.Rational(v) for name, v in st["at"].items()}
    expected = {"y": y, "tangent_y": sp.diff(y, x["x1"])}
    expected.update({f"grad_{name}": sp.diff(y, s) for name, s in x.items()})
    key = {a.part: a for a in problem.answers}
    decimal = any(not sp.Rational(v).is_integer for v in st["at"].values())  # one-decimal inputs
    hand_values = _autodiff_by_hand(st, decimals) if decimal else {}
    for part, expr in expected.items():
        value = sp.N(expr.subs(point), 40)
        if decimal:  # the key is the solution's computation by hand; the true value within tolerance
            assert float(rounded(hand_values[part], decimals)) == key[part].key_value, part
            # and the student who carries every digit and rounds at the end is right too
            assert abs(float(rounded(value, decimals)) - key[part].key_value) <= key[part].tolerance + 1e-12, part
        else:
            assert float(rounded(value, decimals)) == key[part].key_value, part
        assert part == "y" or key[part].key_value != 0, part  # a zero gradient is degenerate
    assert key["cheaper"].key_value == ("reverse" if key["passes_reverse"].key_value < key["passes_forward"].key_value
                                        else "forward")
    # the pass counts for an n-input, m-output function: one forward pass per input, one reverse per output
    assert (key["passes_forward"].key_value, key["passes_reverse"].key_value) == (st["jacobian"]["n"],
                                                                                 st["jacobian"]["m"])
    return set(expected) | {"passes_forward", "passes_reverse"}


def _autodiff_by_hand(statement: dict, decimals: int) -> dict:
    """y, ẏ and each ∂y/∂x_k from derive's hand-mode traces (every value rounded as computed)."""
    from gradsheet.derive.graphs.autodiff import trace
    from gradsheet.derive.graphs.expression import parse

    names = list(statement["at"])
    graph = parse(f"y = {statement['source']}", names)
    t = trace(graph, {k: sp.Rational(v) for k, v in statement["at"].items()}, hand(decimals))
    return {"y": t.outputs[0], "tangent_y": t.forward[0].derivatives[0],
            **{f"grad_{name}": t.reverse[0].gradient[k] for k, name in enumerate(names)}}


RECOMPUTE = {"batching": _recompute_batching, "dropout": _recompute_dropout, "activation": _recompute_activation, "param_count": _recompute_param_count,
             "regularization": _recompute_regularization, "autodiff": _recompute_autodiff}


def test_a_variant_depends_only_on_seed_student_and_problem() -> None:
    exam = spec.parse({"title": "t", "seed": 5, "problems": [{"kind": "forward"}, {"kind": "activation"}]})
    alone = draw_all(exam, [Student("bob", "Bob")])
    crowd = draw_all(exam, [Student("amy", "Amy"), Student("bob", "Bob"), Student("cy", "Cy")])
    assert alone[0].variants == crowd[1].variants
    other = draw_all(spec.parse({"title": "t", "seed": 6, "problems": [{"kind": "forward"}, {"kind": "activation"}]}),
                     [Student("bob", "Bob")])
    assert other[0].variants != alone[0].variants


def test_no_two_students_share_a_variant() -> None:
    exam = spec.parse({"title": "t", "problems": [{"kind": "param_count", "difficulty": "easy"}]})
    sheets = draw_all(exam, [Student(f"s{i}", "") for i in range(30)])
    prints = [s.variants[0].problem.fingerprint for s in sheets]
    assert len(set(prints)) == len(prints)


def test_parallel_drawing_gives_the_sequential_sheets() -> None:
    # param_count has few variants, so duplicates are redrawn after the parallel stage
    exam = spec.parse({"title": "t", "problems": [{"kind": "param_count", "difficulty": "easy"}, {"kind": "forward"}]})
    roster = [Student(f"s{i}", "") for i in range(40)]
    one, two = draw_all(exam, roster, workers=1), draw_all(exam, roster, workers=2)
    assert [[(v.attempt, v.problem.fingerprint) for v in s.variants] for s in one] == \
           [[(v.attempt, v.problem.fingerprint) for v in s.variants] for s in two]
    assert any(v.attempt > 0 for s in one for v in s.variants)


@pytest.mark.parametrize("main_draws", [True, False])
def test_the_main_process_drawing_its_share_gives_the_sequential_sheets_and_counts_each_student_once(main_draws):
    exam = spec.parse({"title": "t", "seed": 3, "problems": [{"kind": "forward"}, {"kind": "activation"}]})
    roster = [Student(f"s{i}", "") for i in range(37)]
    counted: list[int] = []
    one = draw_all(exam, roster, workers=1)
    three = tuple(draw_stream(exam, roster, counted.append, workers=3, main_draws=main_draws))
    assert [[(v.attempt, v.problem.fingerprint) for v in s.variants] for s in one] == \
           [[(v.attempt, v.problem.fingerprint) for v in s.variants] for s in three]
    assert [s.student.id for s in three] == [s.id for s in roster] and sum(counted) == len(roster)


def test_the_heap_frozen_for_the_workers_is_given_back_to_the_collector_when_the_drawing_ends() -> None:
    import gc

    exam = spec.parse({"title": "t", "problems": [{"kind": "forward"}]})
    roster = [Student(f"s{i}", "") for i in range(24)]
    stream = draw_stream(exam, roster, workers=2)
    next(stream), next(stream)  # the workers have forked: what they inherited is frozen here too
    assert gc.get_freeze_count() > 0
    stream.close()  # a build stopped halfway
    assert gc.get_freeze_count() == 0
    draw_all(exam, roster, workers=2)
    assert gc.get_freeze_count() == 0


def test_an_error_in_the_main_process_share_is_raised_in_roster_order(monkeypatch):
    exam = spec.parse({"title": "t", "problems": [{"kind": "forward"}]})
    roster = [Student(f"s{i}", "") for i in range(24)]
    from gradsheet.generate import variants as drawing

    real = drawing._student_draws

    def failing(e, student):  # the last student is the main process's own (the roster's tail)
        if student.id == "s23":
            return SpecError("problems[1]", "no usable variant", "loosen the options")
        return real(e, student)

    monkeypatch.setattr(drawing, "_student_draws", failing)
    got = []
    with pytest.raises(SpecError, match="no usable variant"):
        for sheet in draw_stream(exam, roster, workers=2):
            got.append(sheet.student.id)
    assert got == [s.id for s in roster[:-1]]


def test_herrmann_style_integer_variant_is_exact() -> None:
    exam = exam_for("backprop", {"difficulty": "medium"})
    problem = draw(exam, Student("x", ""), exam.problems[0]).problem
    for a in problem.answers:
        assert isinstance(a.value, (sp.Integer, sp.Rational))
        assert a.tolerance == 0


def test_decimal_tolerance_covers_the_hand_rounded_student() -> None:
    exam = exam_for("forward", {"numbers": "decimal", "activation": "sigmoid", "sizes": [1, 2, 3, 1]})
    problem = draw(exam, Student("x", ""), exam.problems[0]).problem
    spec_ = parse_spec(problem.network)
    from gradsheet.derive.engine.numbers import hand

    hand_values = quantities.entries(backprop.trace(spec_.network, spec_.examples, hand(4)))
    for a in problem.answers:
        assert abs(float(hand_values[a.part]) - a.key_value) <= a.tolerance + 1e-12
        assert np.isclose(float(a.value), a.key_value, atol=0.5e-4 + 1e-12)


def test_a_problem_without_a_usable_variant_names_its_most_frequent_reason_whatever_the_values():
    exam = spec.parse({"title": "t", "seed": 3, "problems": [{"kind": "backprop", "bound": 1, "sizes": [3, 3, 3]}]})
    with pytest.raises(SpecError) as failed:
        draw(exam, Student("s1", "S"), exam.problems[0])
    # each draw's own value (2.5, 7, …) is left out, so that one reason is counted, not a thousand
    assert failed.value.problem == ("no usable variant in 1000 draws (most often: a forward value = … is beyond "
                                    "the bound 1)")
