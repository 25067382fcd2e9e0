"""The generate command's front door: help and usage errors answer before the build is imported."""

import json
import subprocess
import sys
import textwrap

import pytest

from gradsheet.generate.cli import main

# a child in which importing SymPy (and so the build: variants, problems, derive's engines)
# fails outright: help and usage errors must not need it
CHILD = textwrap.dedent("""
    import io, json, sys
    from contextlib import redirect_stderr, redirect_stdout

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("sympy", "mpmath", "numpy", "jinja2"):
                raise ImportError(f"{name} imported for help or a usage error")

    sys.meta_path.insert(0, Refuse())
    from gradsheet.generate.cli import main

    results = []
    for argv in json.loads(sys.stdin.read()):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:
                code = stop.code
        results.append([code, out.getvalue(), err.getvalue()])
    print(json.dumps(results))
""")


def _in_child(*argvs: list[str]) -> list[list]:
    done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(argvs), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_help_and_usage_errors_answer_without_importing_the_build():
    (help_code, help_out, _), (bad_code, _, bad_err), (int_code, _, int_err) = _in_child(
        ["--help"], ["--bogus"], ["--seed", "seven"])
    assert help_code == 0 and "usage: generate" in help_out and "--per-student" in help_out
    assert bad_code == 2 and bad_err == "generate: error: unrecognized arguments: --bogus (see generate --help)\n"
    assert int_code == 2 and int_err.startswith("generate: error: argument --seed: invalid int value: 'seven'")
    assert int_err.count("\n") == 1


@pytest.mark.parametrize("args, field", [
    (["quiz.toml", "--kinds"], "spec: does not apply to --kinds"),
    (["--kinds", "backprop", "--seed", "3"], "--seed: does not apply to --kinds"),
    (["--grade", "key.json", "--answers", "a.csv", "--per-student"], "--per-student: does not apply to grading"),
    (["--grade", "key.json", "--answers", "a.csv", "--seed", "3"], "--seed: does not apply to grading"),
    (["with-roster.toml", "--variants", "3"], "nope.csv"),  # overridden, but still a roster it must read
])
def test_an_option_that_would_be_ignored_is_refused_naming_it(capsys, tmp_path, monkeypatch, args, field):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quiz.toml").write_text('title = "t"\n[[problems]]\nkind = "forward"\n')
    (tmp_path / "with-roster.toml").write_text('title = "t"\nroster = "nope.csv"\n[[problems]]\nkind = "forward"\n')
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and field in err and "fix:" in err
    assert not (tmp_path / "output").exists()
