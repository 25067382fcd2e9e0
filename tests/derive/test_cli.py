"""The derive command: output for good input, one line and status 2 for bad input."""

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradsheet.derive.cli import main
from tests.conftest import examples, run_command


def _run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _spec(tmp_path, text, name="spec.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD = """
loss = "half_sse"
[[layers]]
weights = [[1, -3], [-2, 1]]
activation = "square"
[[layers]]
weights = [[2, -1]]
activation = "square"
[example]
x = [3, 2]
y = [1]
"""


def test_example_prints_the_forward_pass_and_gradients(capsys):
    code, out, _ = _run(capsys, "--example", "herrmann-backprop")
    assert code == 0
    assert "= (−3, −4)" in out and "96 · 2 = 192" in out and "agree" in out


def test_list_examples_names_every_shipped_example(capsys):
    code, out, _ = _run(capsys, "--list-examples")
    assert code == 0
    for name in ("herrmann-backprop", "herrmann-homework", "bhadani-sigmoid", "batch-relu"):
        assert name in out


def test_json_output_follows_the_contract(capsys):
    code, out, _ = _run(capsys, "--example", "herrmann-backprop", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["mode"] == "exact" and doc["sizes"] == [2, 2, 1]
    assert doc["forward"]["z"] == [["-3", "-4"], ["2"]]
    assert doc["forward"]["output"] == ["4"] and doc["forward"]["cost"] == "9/2"
    assert doc["backward"]["delta"] == [["-144", "96"], ["12"]]
    assert doc["backward"]["grad_W"] == [[["-432", "-288"], ["288", "192"]], [["108", "192"]]]
    assert doc["backward"]["grad_b"] is None and doc["backward"]["grad_x"] == ["-336", "528"]
    assert doc["symbolic"]["agrees"] is True
    assert doc["update"]["W"][1] == [["473/250", "-149/125"]]


def test_json_batch_lists_one_entry_per_example(capsys):
    code, out, _ = _run(capsys, "--example", "batch-relu", "--format", "json")
    doc = json.loads(out)
    assert len(doc["forward"]["z"]) == 3 and len(doc["backward"]["grad_x"]) == 3
    assert isinstance(doc["forward"]["cost"], str)


def test_float_mode_writes_json_numbers(capsys):
    _, out, _ = _run(capsys, "--example", "herrmann-backprop", "--format", "json", "--float")
    assert json.loads(out)["forward"]["cost"] == 4.5


def test_decimals_flag_selects_hand_mode(capsys):
    _, out, _ = _run(capsys, "--example", "bhadani-sigmoid", "--decimals", "4", "--format", "json")
    doc = json.loads(out)
    assert doc["mode"] == "hand" and doc["forward"]["output"] == [0.7739]


def test_params_prints_lecture_figures(capsys):
    code, out, _ = _run(capsys, "--params", "2x300,10x100", "--inputs", "2", "--outputs", "1")
    assert code == 0 and "91,501" in out and "91,301" in out


def test_output_file_is_not_overwritten_without_force(capsys, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep")
    code, _, err = _run(capsys, "--example", "herrmann-backprop", "-o", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "keep"
    assert _run(capsys, "--example", "herrmann-backprop", "-o", str(target), "--force")[0] == 0
    assert "192" in target.read_text()


BAD = [
    ("malformed TOML", "layers = [[[", "malformed TOML"),
    ("shape mismatch", GOOD.replace("weights = [[2, -1]]", "weights = [[2, -1, 5]]"),
     "layers[2].weights: shape mismatch: expected 1×2"),
    ("unknown activation", GOOD.replace('activation = "square"', 'activation = "swish"', 1),
     "layers[1].activation: unknown activation 'swish'"),
    ("unknown loss", GOOD.replace('"half_sse"', '"hinge"'), "loss: unknown loss 'hinge'"),
    ("softmax in a hidden layer", GOOD.replace('activation = "square"', 'activation = "softmax"', 1),
     "layers[1].activation: softmax is allowed only in the output layer"),
    ("BCE target outside [0, 1]", GOOD.replace('"half_sse"', '"bce"').replace("y = [1]", "y = [2]").replace(
        'weights = [[2, -1]]\nactivation = "square"', 'weights = [[2, -1]]\nactivation = "sigmoid"'),
     "example.y[1]: bce needs targets in [0, 1]"),
    ("BCE on a square output", GOOD.replace('"half_sse"', '"bce"'),
     "layers[2].activation: bce takes logarithms of ŷ and needs a sigmoid output layer"),
    ("non-numeric entry", GOOD.replace("[[1, -3]", '[["one", -3]'), "layers[1].weights[1,1]: expected a number"),
    ("missing example", GOOD.split("[example]")[0], "example: missing"),
    ("wrong input size", GOOD.replace("x = [3, 2]", "x = [3]"), "example.x: shape mismatch"),
    ("bias of the wrong length", GOOD.replace('activation = "square"\n[[layers]]', 'activation = "square"\nbias = [1]\n[[layers]]', 1),
     "layers[1].bias: shape mismatch"),
    ("unknown key", GOOD + "\nlearningrate = 3\n", "learningrate: unknown key"),
    # σ(z) = z² twice on 10^300: 10^1800 is past exact arithmetic's limit
    ("past the magnitude limit", GOOD.replace("[[1, -3], [-2, 1]]", "[[1e300, -3], [-2, 1]]").replace(
        "[[2, -1]]", "[[1e300, -1]]"), "layers[2]: a^(2)_1 (example 1) passes 10^1000"),
]


@pytest.mark.parametrize("case,text,message", BAD, ids=[b[0] for b in BAD])
def test_bad_spec_gives_one_line_naming_the_field_and_status_2(capsys, tmp_path, case, text, message):
    code, out, err = _run(capsys, _spec(tmp_path, text))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err and "fix:" in err


def test_malformed_json_names_line_and_column(capsys, tmp_path):
    code, _, err = _run(capsys, _spec(tmp_path, '{"layers": [}', "spec.json"))
    assert code == 2 and "malformed JSON at line 1, column 13" in err


def test_json_spec_works_like_toml(capsys, tmp_path):
    spec = {"layers": [{"weights": [[1, -3], [-2, 1]], "activation": "square"},
                       {"weights": [[2, -1]], "activation": "square"}], "example": {"x": [3, 2], "y": [1]}}
    code, out, _ = _run(capsys, _spec(tmp_path, json.dumps(spec), "spec.json"), "--format", "json")
    assert code == 0 and json.loads(out)["forward"]["cost"] == "9/2"


def test_missing_file_and_unknown_flag_are_one_line_errors(capsys):
    code, _, err = _run(capsys, "no/such/file.toml")
    assert code == 2 and "no such file" in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["--frobnicate"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_command_line_bad_input_has_no_traceback(tmp_path):
    path = _spec(tmp_path, GOOD.replace('"half_sse"', '"hinge"'))
    result = subprocess.run([sys.executable, "-m", "gradsheet.derive", path], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1


# --- computation graphs ---------------------------------------------------------------------

def test_graph_prints_both_modes_and_the_derivatives(capsys):
    code, out, _ = _run(capsys, "--graph", "y = log(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5")
    assert code == 0
    assert "Forward mode, pass 2 of 2" in out and "Reverse mode, pass 1 of 1" in out
    assert "∂y/∂x₁ = 5.5 (forward) = 5.5 (reverse) = x2 + 1/x1 (formula)" in out
    assert "contribution 2 of 2" in out


def test_graph_reverse_only_and_json(capsys):
    code, out, _ = _run(capsys, "--graph", "z1 = x1*x2; z2 = z1*x1; y = z2^2", "--at", "x1=2,x2=3",
                        "--mode", "reverse", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["format"] == "gradsheet-graph/1"
    assert doc["forward"] == [] and doc["reverse"][0]["gradient"] == {"x1": "288", "x2": "96"}
    assert doc["passes"] == {"forward": 2, "reverse": 1}


def test_graph_dot_has_a_node_per_operation_and_an_edge_per_argument(capsys):
    code, out, _ = _run(capsys, "--graph", "y = log(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5", "--format", "dot")
    assert code == 0 and out.startswith("digraph")
    assert out.count("->") == 8 + 1  # eight edges and the arrow to y
    assert 'n0 -> n2 [label="0.5"]' in out


def test_network_graph_agrees_with_backprop(capsys):
    code, out, _ = _run(capsys, "--example", "herrmann-backprop", "--graph")
    assert code == 0
    assert "agree: reverse mode and the backprop engine, node for node" in out
    assert "w̄^(1)₂₂ = v̄₆ ∂v₆/∂w^(1)₂₂ = v̄₆ × x₂ = 96 × 2 = 192" in out


@pytest.mark.parametrize("args, field", [
    (["--graph", "y = log(x1) + * x2", "--at", "x1=1,x2=2"], "expression: column 15"),
    (["--graph", "y = foo(x1)", "--at", "x1=1"], "unknown function 'foo'"),
    (["--graph", "y = log(x1 - x2)", "--at", "x1=1,x2=3"], "--at: log(x1 - x2) (column 5) is undefined"),
    (["--graph", "y = x1*x2", "--at", "x1=1"], "--at: no value for x2"),
    (["--graph", "y = x1*x2", "--at", "x1=1,x2"], "--at: 'x2' is not name=value"),
    (["--graph", "y = x1*x2"], "--at: no input values"),
    (["--graph", "y = x1", "--at", "x1=1", "--wrt", "x3"], "the output y is the input x1"),
    (["--graph", "y = x1*x2", "--at", "x1=1,x2=2", "--wrt", "x3"], "--wrt: x3 is not an input"),
    (["--example", "herrmann-backprop", "--graph", "--mode", "forward"], "--mode: forward mode on a network"),
    (["--example", "herrmann-backprop", "--format", "dot"], "--format: dot draws a computation graph"),
    (["--example", "herrmann-backprop", "--at", "x1=2"], "--at: belongs to --graph"),
])
def test_bad_graph_input_is_one_line_with_status_2(capsys, args, field):
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and field in err


@pytest.mark.parametrize("args, field", [
    (["--example", "herrmann-backprop", "--params", "1x5"], "--example: does not apply to --params"),
    (["--params", "1x5", "--exact"], "--exact: does not apply to --params"),
    (["--example", "herrmann-backprop", "--tol", "0.1"], "--tol: does not apply to a network's derivation"),
    (["--example", "herrmann-backprop", "--inputs", "3"], "--inputs: does not apply to a network's derivation"),
    (["--list-examples", "--decimals", "2"], "--decimals: does not apply to --list-examples"),
    (["--graph", "y = x1*2", "--at", "x1=2", "--layer-index", "[]"], "--layer-index: does not apply to --graph EXPR"),
    (["--example", "herrmann-backprop", "--graph", "--no-symbolic"], "--no-symbolic: does not apply to a network's --graph"),
    (["--scaling", "--format", "json"], "--format: does not apply to --scaling"),
])
def test_an_option_that_would_be_ignored_is_refused_naming_it(capsys, args, field):
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and field in err and "fix:" in err


def test_every_route_takes_the_options_it_documents(capsys, tmp_path):
    answers = tmp_path / "mine.toml"
    answers.write_text('"delta1[2]" = 96\n')
    for args in (["--params", "1x5", "--inputs", "3", "--outputs", "2", "--no-bias"],
                 ["--example", "herrmann-backprop", "--check", answers, "--tol", "0.1", "--format", "json"],
                 ["--example", "herrmann-backprop", "--decimals", "3", "--no-symbolic", "--layer-index", "[]"],
                 ["--example", "herrmann-backprop", "--graph", "--mode", "reverse", "--exact"],
                 ["--graph", "y = x1*x2", "--at", "x1=2,x2=3", "--wrt", "x1", "--mode", "forward", "--float"]):
        code, _, err = _run(capsys, *map(str, args))
        assert code == 0, (args, err)


@pytest.mark.parametrize("args, message", [
    (["--example", "herrmann-backprop", "--decimals", "1"],
     "learning_rate: 0.001 has more decimals than hand mode keeps (1 decimal); it would compute with 0 "
     "(fix: give --decimals 3 or more)"),
])
def test_hand_mode_refuses_to_round_what_it_is_given(capsys, args, message):
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == "" and message in err


def test_hand_mode_names_a_given_that_no_decimals_hold(capsys, tmp_path):
    path = _spec(tmp_path, 'loss = "half_sse"\n[[layers]]\nweights = [["1/3"]]\nactivation = "identity"\n'
                           "[example]\nx = [1]\ny = [0]\n")
    code, _, err = _run(capsys, path, "--decimals", "4")
    assert code == 2 and "layers[1].weights: 1/3 has more decimals than hand mode keeps (4 decimals)" in err
    assert "write it in the spec as rounded as the exercise wants it" in err


# every option with a value that works where it applies; the property: no run succeeds while
# an option it was given did nothing (errors.refuse_unused over cli.ROUTES)
_OPTIONS = {
    "--params": ["1x5"], "--inputs": ["3"], "--outputs": ["2"], "--no-bias": [], "--list-examples": [],
    "--exact": [], "--float": [], "--decimals": ["3"], "--graph": [], "--at": ["x1=2"], "--mode": ["reverse"],
    "--wrt": ["x1"], "--tol": ["0.5"], "--format": ["json"], "--no-symbolic": [], "--layer-index": ["[]"],
    "--bias-as": ["w0"], "--cost-symbol": ["L"], "--index-order": ["kj"], "--check": ["ANSWERS"],
}


@settings(max_examples=examples(2), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from([[], ["--example", "herrmann-backprop"], ["--graph", "y = x1*x1"]]),
       chosen=st.lists(st.sampled_from(sorted(_OPTIONS)), max_size=4, unique=True))
def test_no_run_succeeds_while_ignoring_an_option_it_was_given(capsys, tmp_path, source, chosen):
    from gradsheet.derive.cli import ROUTES, _route, parser

    answers = tmp_path / "mine.toml"
    answers.write_text('"delta1[2]" = 96\n')
    args = list(source)
    for option in chosen:
        if option == "--graph" and "--graph" in args:
            continue
        args += [option, *(str(answers) if v == "ANSWERS" else v for v in _OPTIONS[option])]
    code, _, captured = run_command(main, args, capsys, 30)
    assert code in (0, 1, 2) and "Traceback" not in captured.err
    if code in (0, 1):
        namespace = parser().parse_args(args)
        applies = ROUTES[_route(namespace)][1]
        given = {a.dest for a in parser()._actions if getattr(namespace, a.dest, a.default) != a.default}
        assert given <= applies, (args, given - applies)


def test_the_json_says_why_the_symbolic_route_was_skipped(capsys, tmp_path):
    from gradsheet.derive.printing.report import SYMBOLIC_LIMIT

    # 2-8-8-8-1 with biases: 24 + 72 + 72 + 9 = 177 parameters, past the limit
    sizes = [2, 8, 8, 8, 1]
    layers = [{"weights": [[1] * a for _ in range(b)], "bias": [0] * b, "activation": "relu"}
              for a, b in zip(sizes, sizes[1:])]
    path = tmp_path / "net.json"
    path.write_text(json.dumps({"layers": layers, "example": {"x": [1, 2], "y": [0]}}))
    code, out, _ = _run(capsys, str(path), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["symbolic"] is None
    assert doc["symbolic_skipped"].startswith(f"symbolic derivation skipped: 177 parameters (more than {SYMBOLIC_LIMIT}")
    code, out, _ = _run(capsys, "--example", "herrmann-backprop", "--format", "json", "--no-symbolic")
    assert json.loads(out)["symbolic_skipped"] == "symbolic derivation not requested"
    code, out, _ = _run(capsys, "--example", "herrmann-backprop", "--format", "json")
    assert json.loads(out)["symbolic"]["agrees"] is True and json.loads(out)["symbolic_skipped"] is None


MAZUR = """
loss = "half_sse"
[[layers]]
weights = [[0.15, 0.20], [0.25, 0.30]]
bias = [0.35, 0.35]
activation = "sigmoid"
[[layers]]
weights = [[0.40, 0.45]]
bias = [0.60]
activation = "sigmoid"
[example]
x = [0.05, 0.10]
y = [0.01]
"""


def test_hand_mode_says_why_a_rounded_gradient_differs_from_the_symbolic_one(capsys, tmp_path):
    # at 4 decimals ∂C/∂w^(1)_21 prints 0.0008 beside the symbolic 0.0007 under "agree" (issue 33)
    code, out, _ = _run(capsys, _spec(tmp_path, MAZUR), "--decimals", "4")
    assert code == 0
    table = out[out.index("Backpropagation beside symbolic"):]
    row = next(line for line in table.splitlines() if line.strip().startswith("∂C/∂w^(1)_21"))
    assert row.split() == ["∂C/∂w^(1)_21", "0.0008", "0.0007", "*"]
    assert "* the backprop value is the computation rounded to 4 decimals at every step" in out
    assert sum(line.rstrip().endswith("*") for line in out.splitlines()) == 1
    # float mode has no such rows, and no such note
    code, out, _ = _run(capsys, _spec(tmp_path, MAZUR), "--float")
    assert "rounded to" not in out and not any(line.rstrip().endswith("*") for line in out.splitlines())


def test_equation_references_can_be_left_out(capsys, tmp_path):
    # "Eq. 3.14" numbers one set of lecture notes (issue 34, item 4)
    for fmt in ("text", "latex"):
        code, out, _ = _run(capsys, "--example", "herrmann-backprop", "--format", fmt)
        assert code == 0 and out.count("Eq. 3.") >= 10
        code, out, _ = _run(capsys, "--example", "herrmann-backprop", "--format", fmt, "--no-equation-refs")
        assert code == 0 and "Eq." not in out and ("192" in out)
    code, out, _ = _run(capsys, _spec(tmp_path, MAZUR + "[notation]\nequation_refs = false\n"))
    assert code == 0 and "Eq." not in out
    code, _, err = _run(capsys, _spec(tmp_path, MAZUR + '[notation]\nequation_refs = "no"\n'))
    assert code == 2 and "notation.equation_refs: expected true, false or a table" in err
    # or the instructor's own numbering; an equation it does not name has no tag
    own = '[notation.equation_refs]\n"3.14" = "Eq. 5"\n"3.18" = "7"\n'
    code, out, _ = _run(capsys, _spec(tmp_path, MAZUR + own))
    assert code == 0 and "Eq. 3." not in out and "[Eq. 5]" in out and "[7]" in out
    code, out, _ = _run(capsys, _spec(tmp_path, MAZUR + own), "--format", "latex")
    assert r"\tag*{(Eq. 5)}" in out and "Eq. 3." not in out
    code, _, err = _run(capsys, _spec(tmp_path, MAZUR + '[notation.equation_refs]\n"3.14" = "\\\\input{x}"\n'))
    assert code == 2 and "notation.equation_refs.3.14: expected a short tag" in err
