"""The derive command's float route without SymPy (derive/deferred.py): same output, no import."""

import json
import subprocess
import sys
import textwrap

import pytest

from gradsheet.derive.engine import activations
from gradsheet.derive.cli import main

# a child that defers SymPy and mpmath as the command does, and makes their import fail
# outright: any use on the route is an error, not a slow start
CHILD = textwrap.dedent("""
    import io, json, sys
    from contextlib import redirect_stdout
    from gradsheet.derive.deferred import defer

    defer()

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("sympy", "mpmath"):
                raise ImportError(f"{name} imported on the float route")

    sys.meta_path.insert(0, Refuse())
    from gradsheet.derive.cli import main

    outputs = []
    for argv in json.loads(sys.stdin.read()):
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            code = main(argv)
        outputs.append([code, buffer.getvalue()])
    loaded = [m for m in ("sympy", "mpmath") if type(sys.modules.get(m)).__name__ != "Deferred"]
    print(json.dumps({"outputs": outputs, "loaded": loaded}))
""")

HIDDEN = [name for name in activations.NAMES if activations.get(name).elementwise]


def _spec(hidden: str, output: str = "sigmoid", loss: str = "bce", y: str = "[1]", rows: str = "[[1, -1]]") -> str:
    return textwrap.dedent(f"""
        loss = "{loss}"
        learning_rate = 0.1
        [[layers]]
        weights = [[0.5, -1.5], [2, 0.25]]
        bias = [0.1, "-1/3"]
        activation = "{hidden}"
        [[layers]]
        weights = {rows}
        activation = "{output}"
        [[examples]]
        x = [1, -2]
        y = {y}
        [[examples]]
        x = [0, 3]
        y = {y}
    """)


def test_the_float_route_prints_the_same_without_importing_sympy(tmp_path, capsys):
    specs = [_spec(name) for name in HIDDEN]
    specs.append(_spec("relu", "softmax", "cross_entropy", "[0, 1]", "[[1, -1], [0.5, 2]]"))
    specs.append(_spec("tanh", "identity", "half_sse", "[0.5]"))
    argvs = []
    for i, text in enumerate(specs):
        path = tmp_path / f"s{i}.toml"
        path.write_text(text, encoding="utf-8")
        for fmt in ("text", "json"):
            argvs.append([str(path), "--float", "--no-symbolic", "--format", fmt])
    argvs.append(["--example", "herrmann-backprop", "--float", "--no-symbolic"])
    argvs.append([argvs[0][0], "--no-symbolic"])  # sigmoid and BCE: float mode by default
    child = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(argvs), capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout.splitlines()[-1])
    assert result["loaded"] == []
    for argv, (code, out) in zip(argvs, result["outputs"]):
        assert main(argv) == code == 0
        assert capsys.readouterr().out == out, argv


def test_a_rational_network_without_a_mode_is_computed_exactly_when_read_for_float(tmp_path, capsys):
    path = tmp_path / "r.toml"
    path.write_text(_spec("relu", "identity", "half_sse", "[0.5]"), encoding="utf-8")
    assert main([str(path), "--no-symbolic"]) == 0
    out = capsys.readouterr().out
    assert "exact mode" in out.splitlines()[0]
    assert "C = 16481/14400 before" in out
    assert main(["--example", "bhadani-sigmoid", "--no-symbolic"]) == 0  # the example's own mode: hand, 4 decimals
    assert capsys.readouterr().out.splitlines()[0].endswith("hand, 4 decimals mode")


def test_a_route_that_needs_sympy_loads_it_through_the_stand_in(capsys):
    code = textwrap.dedent("""
        import sys
        from gradsheet.derive.deferred import defer
        defer()
        from gradsheet.derive.cli import main
        assert type(sys.modules["sympy"]).__name__ == "Deferred"
        main(["--example", "herrmann-backprop"])          # exact mode with the symbolic route
        import sympy
        print(type(sys.modules["sympy"]).__name__, sympy.Rational(1, 3) + 1)
    """)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    assert main(["--example", "herrmann-backprop"]) == 0
    assert child.stdout == capsys.readouterr().out + "module 4/3\n"


def test_an_activation_outside_the_shipped_table_is_printed_through_sympy(tmp_path, capsys):
    text = _spec("relu", "identity", "half_sse").replace('activation = "relu"',
                                                         'activation = { name = "leaky_relu", alpha = "1/10" }')
    path = tmp_path / "p.toml"
    path.write_text(text.replace("x = [1, -2]", "x = [-1, 1]"), encoding="utf-8")
    assert main([str(path), "--float", "--no-symbolic"]) == 0
    # z^(1) = (0.5·(−1) − 1.5·1 + 0.1, 2·(−1) + 0.25·1 − 1/3): the branch αz, with α = 1/10 in it
    assert "a^(1) = leaky_relu(z^(1)) = ((−1.9)/10, (−2.083333333)/10) = (−0.19, −0.2083333333)" in \
        capsys.readouterr().out
