"""Hostile and unlucky input to every ``derive`` entry point: a table of bad files and
options, and generated ones (hypothesis).

Whatever the input, each run must end within seconds with status 0 (or 1: a --check found a
wrong value) or 2; an error is one line on stderr and no traceback; JSON output is strict
JSON; and nothing is left in or beside the output file's folder.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradsheet.derive.cli import main
from tests.derive.test_cli import GOOD as CLI_GOOD
from tests.conftest import assert_one_line_error, examples, run_command
from tests.strategies import extreme_specs, hostile_expressions, hostile_specs

SECONDS = 20  # far above any honest run; a hang fails the test instead of the session


def _strict(text: str) -> object:
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def assert_well_behaved(capsys, args, out_dir: Path | None = None, allowed=(0, 2)) -> tuple[int, str, str]:
    before = sorted(os.listdir(out_dir)) if out_dir is not None else None
    code, usage, captured = run_command(main, args, capsys, SECONDS)
    assert code in allowed, (args, captured.err)
    assert "Traceback" not in captured.err
    if code == 2:
        assert_one_line_error(captured.err, "derive", usage)
        if out_dir is not None:
            assert sorted(os.listdir(out_dir)) == before  # nothing half-written
    elif "json" in args and "-o" not in args:
        _strict(captured.out)
    return code, captured.out, captured.err


GOOD = "learning_rate = 0.1\n" + CLI_GOOD  # Herrmann 3.4, with a gradient-descent step


def _sigmoid(weight: str, loss: str = "bce", y: str = "0") -> str:
    return f'loss = "{loss}"\n[[layers]]\nweights = [[{weight}]]\nactivation = "sigmoid"\n[example]\nx = [2]\ny = [{y}]\n'


# (case, file text, suffix): each must be a one-line error or a correct result, in every mode
HOSTILE_FILES = [
    ("BCE on a ReLU output", GOOD.replace('"half_sse"', '"bce"').replace('activation = "square"\n[example]',
                                                                      'activation = "relu"\n[example]'), ".toml"),
    ("cross-entropy on identity", GOOD.replace('"half_sse"', '"cross_entropy"').replace(
        'activation = "square"\n[example]', 'activation = "identity"\n[example]'), ".toml"),
    ("sigmoid with weight 1000", _sigmoid("1000"), ".toml"),
    ("sigmoid with weight -1000", _sigmoid("-1000", y="1"), ".toml"),
    ("saturated BCE", _sigmoid("6"), ".toml"),
    ("saturated softmax", 'loss = "cross_entropy"\n[[layers]]\nweights = [[3, 0], [0, -3]]\n'
                          'activation = "softmax"\n[example]\nx = [2, 2]\ny = [0, 1]\n', ".toml"),
    ("ReLU with weight 1e308", GOOD.replace("[[2, -1]]", "[[1e308, -1]]").replace('"square"\n[example]', '"relu"\n[example]'),
     ".toml"),
    ("exponent 999999999 quoted", GOOD.replace("[[2, -1]]", '[["1e999999999", -1]]'), ".toml"),
    ("exponent 999999999 bare", GOOD.replace("[[2, -1]]", "[[1e999999999, -1]]"), ".toml"),
    ("1e5000", GOOD.replace("[[2, -1]]", '[["1e5000", -1]]'), ".toml"),
    ("5000-digit integer", GOOD.replace("[[2, -1]]", f"[[{'7' * 5000}, -1]]"), ".toml"),
    ("5000-digit integer in JSON", json.dumps({"layers": [{"weights": [[1]], "activation": "identity"}],
                                               "example": {"x": [1], "y": [0]}}).replace('[[1]]', f"[[{'7' * 5000}]]"),
     ".json"),
    ("NaN in JSON", '{"layers": [{"weights": [[NaN]], "activation": "identity"}], "example": {"x": [1], "y": [0]}}',
     ".json"),
    ("Infinity in JSON", '{"layers": [{"weights": [[1]], "activation": "identity"}], "example": {"x": [Infinity], "y": [0]}}',
     ".json"),
    ("inf in TOML", GOOD.replace("[[2, -1]]", "[[inf, -1]]"), ".toml"),
    ("nan in TOML", GOOD.replace("[[2, -1]]", "[[nan, -1]]"), ".toml"),
    ("notation a string", 'notation = "abc"\n' + GOOD, ".toml"),
    ("notation a number", "notation = 5\n" + GOOD, ".toml"),
    ("notation a list", "notation = [1, 2]\n" + GOOD, ".toml"),
    ("deeply nested JSON", "[" * 100_000 + "]" * 100_000, ".json"),
    ("2001 neurons", json.dumps({"layers": [{"weights": [[1]] * 2001, "activation": "identity"}],
                                 "example": {"x": [1], "y": [0] * 2001}}), ".json"),
    ("51 layers", "\n".join(["[[layers]]\nweights = [[1]]\nactivation = \"identity\""] * 51) + "\n[example]\nx=[1]\ny=[1]\n",
     ".toml"),
    ("square past 10^1000", GOOD.replace("[[1, -3], [-2, 1]]", "[[1e300, -3], [-2, 1]]").replace("[[2, -1]]", "[[1e300, -1]]"),
     ".toml"),
    ("tanh on 1e200 squared", 'loss = "half_sse"\n[[layers]]\nweights = [[1e200]]\nactivation = "tanh"\n'
                              "[example]\nx = [1e200]\ny = [0]\n", ".toml"),
    *[(f"{name} with {param} = {value}", GOOD.replace('activation = "square"\n[example]',
                                                      f'activation = {{ name = "{name}", {param} = {value} }}\n[example]'),
       ".toml")
      for name, param in [("leaky_relu", "alpha"), ("elu", "alpha"), ("step", "threshold"), ("step", "at_threshold")]
      for value in ["1e999", "-1e999", "1e-999", '"1e308"']],
    ("binary junk", "\x00\xff\xfe" * 100, ".toml"),
    ("empty file", "", ".toml"),
]
MODES = [[], ["--exact"], ["--float"], ["--decimals", "2"], ["--format", "json"], ["--float", "--format", "json"],
         ["--format", "latex"]]


@pytest.mark.parametrize("case,text,suffix", HOSTILE_FILES, ids=[c[0] for c in HOSTILE_FILES])
def test_a_hostile_spec_is_a_one_line_error_or_a_result(capsys, tmp_path, case, text, suffix):
    path = tmp_path / f"spec{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    for mode in MODES:
        assert_well_behaved(capsys, [path, *mode])


def test_more_digits_than_a_float_holds_are_read_as_written(capsys, tmp_path):
    path = tmp_path / "spec.toml"
    path.write_text(GOOD.replace("y = [1]", "y = [1.00000000000000000001]"))
    code, out, _ = assert_well_behaved(capsys, [path, "--format", "json"])
    assert code == 0
    cost = _strict(out)["forward"]["cost"]
    # ½(4 − 1.00000000000000000001)²; the float 1.0 those digits round to would give 9/2
    assert cost == str(sp.Rational(1, 2) * (4 - sp.Rational("1.00000000000000000001")) ** 2).replace(" ", "")


@pytest.mark.parametrize("make", ["directory", "fifo", "device", "oversized"])
def test_a_spec_that_is_not_a_small_regular_file_is_refused_without_reading_it(capsys, tmp_path, make):
    if make == "directory":
        path = tmp_path / "spec.toml"
        path.mkdir()
    elif make == "fifo":
        path = tmp_path / "spec.toml"
        os.mkfifo(path)  # opening it would block until someone writes
    elif make == "device":
        path = Path("/dev/zero")  # reading it would never end
    else:
        path = tmp_path / "spec.toml"
        path.write_text(GOOD + "#" * 6_000_000)
    _, _, err = assert_well_behaved(capsys, [path])
    assert err


@pytest.mark.parametrize("args", [
    ["--graph", "y = " + " + ".join(f"x1*{k}" for k in range(1000)), "--at", "x1=1"],
    ["--graph", "y = " + " + ".join(["x1"] * 300), "--at", "x1=1"],
    ["--graph", "y = exp(exp(exp(x1)))", "--at", "x1=10"],
    ["--graph", "y = 1e999*1e999*x1", "--at", "x1=1"],
    ["--graph", "y = x1*1e1000", "--at", "x1=1"],
    ["--graph", "y = x1^1000000", "--at", "x1=2"],
    ["--graph", "y = 9^999*9^999*9^999*x1", "--at", "x1=2"],
    ["--graph", "y = " + "square(" * 16 + "x1" + ")" * 16, "--at", "x1=2"],
    ["--graph", "y = " + "square(" * 60 + "x1" + ")" * 60, "--at", "x1=1"],
    ["--graph", "y = (((x1^1000)^1000)^1000)^1000", "--at", "x1=2"],
    ["--graph", "y = " + "(" * 1000 + "x1" + ")" * 1000, "--at", "x1=1"],
    ["--graph", "y = x1*x2", "--at", "x1=2,x2=3", "--decimals", "100000"],
    ["--graph", "y = sin(x1)", "--at", "x1=1e999999"],
    ["--params", "1" * 30 + "x2"],
    ["--params", "2x" + "9" * 30],
    ["--params", "2x3", "--inputs", "9" * 30],
    ["--example", "herrmann-backprop", "--decimals", "100000"],
    ["--example", "herrmann-backprop", "--decimals", "-1"],
])
def test_hostile_expressions_and_options_are_refused_with_the_limit_named(capsys, args):
    code, _, err = assert_well_behaved(capsys, args)
    assert code == 2 and any(word in err for word in ("limit", "past", "exceeds", "deep", "characters", "decimals",
                                                       "operations", "order 10^"))


@pytest.mark.parametrize("tol", ["-1", "nan", "inf", "-0.1%", "100%", "abc", "1e999%"])
def test_a_tolerance_must_be_a_finite_non_negative_number(capsys, tmp_path, tol):
    answers = tmp_path / "a.toml"
    answers.write_text("output = 4\n")
    code, _, err = assert_well_behaved(capsys, ["--example", "herrmann-backprop", "--check", answers, f"--tol={tol}"])
    assert code == 2 and "--tol" in err


@pytest.mark.parametrize("target", ["/dev/null", "dir", "missing/out.txt"])
def test_output_onto_a_device_a_directory_or_a_missing_folder_is_refused(capsys, tmp_path, target):
    (tmp_path / "dir").mkdir()
    path = target if target.startswith("/") else tmp_path / target
    code, _, err = assert_well_behaved(capsys, ["--example", "herrmann-backprop", "-o", path, "--force"], tmp_path)
    assert code == 2 and "--output" in err


@settings(max_examples=examples(2), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=hostile_specs(), mode=st.sampled_from(MODES))
def test_generated_hostile_specs_never_crash_hang_or_leave_files(capsys, tmp_path, spec, mode):
    path = tmp_path / "spec.json"
    path.write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    for entry in os.listdir(out):
        os.remove(out / entry)
    assert_well_behaved(capsys, [path, *mode, "-o", out / "result.txt"], out)


@settings(max_examples=examples(2), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=extreme_specs(), mode=st.sampled_from(MODES))
def test_valid_networks_with_extreme_numbers_give_a_result_or_name_the_limit(capsys, tmp_path, spec, mode):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert_well_behaved(capsys, [path, *mode])


@settings(max_examples=examples(2), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expression=hostile_expressions(), at=st.sampled_from(["x1=2", "x1=2,x2=1e300", "x1=0,x2=-1", "x1=1/0",
                                                             "x1=1e999", "x2=3"]),
       extra=st.sampled_from([[], ["--mode", "forward"], ["--format", "json"], ["--format", "latex"],
                              ["--decimals", "3"]]))
def test_generated_expressions_never_crash_or_hang(capsys, expression, at, extra):
    assert_well_behaved(capsys, ["--graph", expression, "--at", at, *extra])


@settings(max_examples=examples(2), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=hostile_specs(answers=True), tol=st.sampled_from([[], ["--tol", "0.01"], ["--tol", "1%"],
                                                                  ["--decimals", "2"], ["--format", "json"]]))
def test_generated_answers_files_never_crash(capsys, tmp_path, answers, tol):
    path = tmp_path / "answers.json"
    path.write_text(answers, encoding="utf-8")
    assert_well_behaved(capsys, ["--example", "herrmann-backprop", "--check", path, *tol], allowed=(0, 1, 2))


@pytest.mark.parametrize("delay", [0.01, 2.0])  # during SymPy's import, and during the work
def test_ctrl_c_is_status_130_and_one_line(tmp_path, delay):
    import subprocess
    import sys
    import time

    # "ready" once Python runs (before that, SIGINT would kill the interpreter, not our code)
    code = ("import sys; from gradsheet.derive.console import derive; print('ready', flush=True); "
            "sys.argv = ['derive', '--scaling']; sys.exit(derive())")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout.readline() == "ready\n"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == "derive: interrupted; nothing was written\n"
    assert os.listdir(tmp_path) == []


# ---- time and memory: what each arithmetic computes in seconds (derive/limits.py, README "Limits")


def _network(sizes: list[int], examples: int, activation: str) -> str:
    layers = [{"weights": [[0.5] * a for _ in range(b)], "activation": activation} for a, b in zip(sizes, sizes[1:])]
    layers[-1]["activation"] = "identity"
    return json.dumps({"loss": "half_sse", "layers": layers,
                       "examples": [{"x": [0.25] * sizes[0], "y": [0.5] * sizes[-1]}] * examples})


@pytest.mark.parametrize("sizes,examples,activation,options,message", [
    ([10, 1000, 10], 1000, "sigmoid", ["--float"], "--format: the derivation would print 20,000,000 values"),
    ([10, 1000, 10], 6, "sigmoid", ["--float", "--format", "latex"], "more than 100,000"),
    ([10, 1000, 10], 21, "relu", ["--exact", "--format", "json"], "more than exact arithmetic computes in seconds (400,000)"),
    ([10, 1000, 10], 21, "sigmoid", ["--decimals", "4", "--format", "json"], "hand arithmetic computes in seconds"),
    ([10, 100, 10], 11, "sigmoid", ["--exact", "--format", "json"], "through an irrational activation"),
    ([10, 1000, 10], 1000, "relu", ["--check", "ANSWERS"], "exact arithmetic computes in seconds"),
    ([10, 200, 2], 1, "tanh", ["--graph", "--float"], "--graph: a network of 2,400 parameters"),
])
def test_a_computation_past_what_its_arithmetic_does_in_seconds_is_refused_at_once(capsys, tmp_path, sizes, examples,
                                                                                   activation, options, message):
    import time

    path = tmp_path / "net.json"
    path.write_text(_network(sizes, examples, activation))
    (tmp_path / "answers.toml").write_text("cost = 1\n")
    options = [str(tmp_path / "answers.toml") if o == "ANSWERS" else o for o in options]
    started = time.perf_counter()
    code, _, err = assert_well_behaved(capsys, [path, *options])
    assert code == 2 and message in err, err
    assert time.perf_counter() - started < 5  # refused before computing, not after


def test_a_graph_too_large_to_draw_keeps_its_traces_and_says_why(capsys, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(_network([6, 6, 6, 6, 6, 6], 1, "tanh"))  # 180 parameters: about 520 nodes
    code, out, _ = assert_well_behaved(capsys, [path, "--graph", "--float", "--format", "latex"])
    assert code == 0 and "The figure is drawn for graphs of up to 300 nodes; this one has" in out
    assert "\\begin{tikzpicture}" not in out and "Reverse mode" in out
