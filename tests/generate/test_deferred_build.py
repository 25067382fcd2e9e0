"""A build whose kinds need no SymPy runs without it (derive/deferred.py): same files, no import."""

import filecmp
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gradsheet.generate import build, roster, spec

# a child that defers SymPy and mpmath as the generate command does; ``refuse``: and makes their
# import fail outright, so that any use on the route is an error, not a slow start
CHILD = textwrap.dedent("""
    import json, sys
    from gradsheet.derive.deferred import defer
    defer()
    if sys.argv[1] == "refuse":
        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("sympy", "mpmath"):
                    raise ImportError(f"{name} imported by a build that needs neither")
        sys.meta_path.insert(0, Refuse())
    from gradsheet.generate.cli import main
    code = main(sys.argv[2:])
    loaded = [m for m in ("sympy", "mpmath") if type(sys.modules.get(m)).__name__ != "Deferred"]
    print(json.dumps({"code": code, "loaded": loaded}))
""")

COUNTING = """
title = "Counting <parameters> & $weights$"
seed = 5
[[problems]]
kind = "param_count"
points = 2
difficulty = "{difficulty}"
"""


def _child(mode: str, argv: list[str]) -> dict:
    child = subprocess.run([sys.executable, "-c", CHILD, mode, *argv], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    return json.loads(child.stdout.splitlines()[-1])


def _same_files(left: Path, right: Path) -> None:
    names = sorted(p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def _roster(folder: Path, count: int) -> Path:
    path = folder / "class.csv"
    path.write_text("id,name\n" + "".join(f"s{i:02d},Student {i}\n" for i in range(count)), encoding="utf-8")
    return path


def _in_process(spec_path: Path, class_csv: Path, out: Path, fmt: str, per_student: bool = False) -> None:
    exam = spec.load(spec_path)
    build.build(build.Request(exam, roster.load(class_csv), out, format=fmt, per_student=per_student,
                              progress=False))


@pytest.mark.parametrize("difficulty", ["easy", "hard"])
def test_a_parameter_count_build_writes_the_same_files_without_importing_sympy(tmp_path, difficulty):
    spec_path = tmp_path / "count.toml"
    spec_path.write_text(COUNTING.format(difficulty=difficulty), encoding="utf-8")
    class_csv = _roster(tmp_path, 20)  # more students than one process draws: the workers fork
    fmt = "pdf,moodle,qti" if shutil.which("pdflatex") else "tex,moodle,qti"
    result = _child("refuse", [str(spec_path), "--roster", str(class_csv), "--format", fmt, "--per-student",
                               "--out", str(tmp_path / "deferred")])
    assert result == {"code": 0, "loaded": []}
    _in_process(spec_path, class_csv, tmp_path / "eager", fmt, per_student="pdf" in fmt)
    assert (tmp_path / "deferred" / "key.json").read_text(encoding="utf-8").count('"part": "params"') == 20
    _same_files(tmp_path / "deferred", tmp_path / "eager")


def test_a_build_whose_kinds_need_sympy_loads_it_through_the_stand_in_and_writes_the_same_files(tmp_path):
    spec_path = tmp_path / "mixed.toml"
    spec_path.write_text(COUNTING.format(difficulty="medium") + textwrap.dedent("""
        [[problems]]
        kind = "forward"
        points = 4
        [[problems]]
        kind = "activation"
        points = 4
    """), encoding="utf-8")
    class_csv = _roster(tmp_path, 20)
    result = _child("defer", [str(spec_path), "--roster", str(class_csv), "--format", "tex,moodle,qti",
                              "--out", str(tmp_path / "deferred")])
    assert result == {"code": 0, "loaded": ["sympy", "mpmath"]}
    _in_process(spec_path, class_csv, tmp_path / "eager", "tex,moodle,qti")
    _same_files(tmp_path / "deferred", tmp_path / "eager")
