"""The output folder: never a file turned into a folder, one build at a time, the user's
permissions, and nothing left behind when a build is stopped."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from gradsheet.generate.build import locked
from gradsheet.generate.cli import main
from tests.generate.test_build import write


def _error(capsys, args) -> str:
    assert main([str(a) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fix:" in err and "Traceback" not in err
    return err


def test_a_file_is_not_replaced_by_a_folder_even_with_force(tmp_path, capsys):
    spec = write(tmp_path)
    target = tmp_path / "afile"
    target.write_text("mine")
    err = _error(capsys, [spec, "--out", target, "--format", "tex", "--force"])
    assert "is a file, not a folder" in err
    assert target.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "quiz.toml"]


def test_a_folder_inside_a_file_is_refused(tmp_path, capsys):
    spec = write(tmp_path)
    (tmp_path / "afile2").write_text("mine")
    err = _error(capsys, [spec, "--out", tmp_path / "afile2" / "sub", "--format", "tex"])
    assert "afile2 is a file, not a folder" in err


def test_a_second_build_into_the_same_folder_stops_at_once(tmp_path, capsys):
    spec = write(tmp_path)
    out = tmp_path / "out"
    with locked(out):  # as a first build would hold it
        err = _error(capsys, [spec, "--out", out, "--format", "tex"])
    assert "another generate is writing into it now" in err
    assert not out.exists()
    assert main([str(spec), "--out", str(out), "--format", "tex"]) == 0  # and free again afterwards
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "quiz.toml"]  # no lock file left


def test_the_output_folder_has_the_permissions_the_umask_gives(tmp_path):
    spec = write(tmp_path)
    old = os.umask(0o022)
    try:
        assert main([str(spec), "--out", str(tmp_path / "out"), "--format", "tex"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_parent_is_a_one_line_error(tmp_path, capsys):
    spec = write(tmp_path)
    parent = tmp_path / "ro"
    parent.mkdir(mode=0o555)
    err = _error(capsys, [spec, "--out", parent / "out", "--format", "tex"])
    assert "cannot write" in err


@pytest.mark.skipif(not __import__("shutil").which("pdflatex"), reason="pdflatex not installed (CI installs TeX Live)")
@pytest.mark.parametrize("sig,status,word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_build_stopped_while_pdflatex_runs_leaves_nothing(tmp_path, sig, status, word):
    (tmp_path / "in" / "tpl" / "problems").mkdir(parents=True)
    spec = write(tmp_path / "in")
    # a problem template that keeps pdflatex busy for seconds, so the signal lands while it runs
    (tmp_path / "in" / "tpl" / "problems" / "activation.tex.j2").write_text(
        "\\count255=0 \\loop\\advance\\count255 by 1 \\ifnum\\count255<100000000 \\repeat busy\n")
    code = ("import sys; from gradsheet.derive.console import generate; print('ready', flush=True); "
            f"sys.argv = ['generate', {str(spec)!r}, '--templates', {str(tmp_path / 'in' / 'tpl')!r}, "
            f"'--out', {str(tmp_path / 'out')!r}]; sys.exit(generate())")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout.readline() == "ready\n"
    # wait until the build folder exists: pdflatex is running in it
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".out-") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status
    assert err == f"generate: {word}; nothing was written\n"
    time.sleep(0.5)  # a pdflatex that outlived its build would write here now
    assert [p.name for p in tmp_path.iterdir()] == ["in"]


def _network_spec(folder):
    """Kinds with more distinct variants than the largest roster (the activation kind has 120)."""
    spec = folder / "quiz.toml"
    spec.write_text('title = "t"\n[[problems]]\nkind = "backprop"\n[[problems]]\nkind = "update"\n')
    return spec


def _roster(folder, n: int):
    path = folder / "class.csv"
    path.write_text("id,name\n" + "".join(f"s{i:04d},Student {i}\n" for i in range(n)))
    return path


def test_an_error_while_workers_draw_is_one_line_and_ends_the_workers(tmp_path):
    """When the main process stops on an error, the pool ends its workers with SIGTERM. A
    worker that inherited generate's own SIGTERM handler raised an exception wherever it was:
    a traceback on stderr, or, swallowed by library code, a worker that lives on and a pool
    that waits for it forever. Few draws make some student's draw fail while others run."""
    spec = tmp_path / "quiz.toml"
    spec.write_text('title = "t"\n[[problems]]\nkind = "chain_rule"\ndifficulty = "hard"\n')
    code = ("import sys; from gradsheet.generate import variants; variants.MAX_ATTEMPTS = 30; "
            "from gradsheet.derive.console import generate; "
            f"sys.argv = ['generate', {str(spec)!r}, '--roster', {str(_roster(tmp_path, 2000))!r}, "
            f"'--format', 'tex', '--out', {str(tmp_path / 'out')!r}]; sys.exit(generate())")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert err.count("\n") == 1 and "no usable variant in 30 draws" in err, err
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlived the build
        os.killpg(process.pid, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class.csv", "quiz.toml"]


@pytest.mark.parametrize("sig,status,word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_build_stopped_while_workers_draw_leaves_nothing_and_no_process(tmp_path, sig, status, word):
    (tmp_path / "in").mkdir()
    spec = _network_spec(tmp_path / "in")
    roster = _roster(tmp_path / "in", 5000)
    code = ("import sys; from gradsheet.derive.console import generate; print('ready', flush=True); "
            f"sys.argv = ['generate', {str(spec)!r}, '--roster', {str(roster)!r}, '--format', 'tex', "
            f"'--out', {str(tmp_path / 'out')!r}]; sys.exit(generate())")
    # a session of its own: the signal goes to the whole process group, as Ctrl-C in a terminal does
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=tmp_path, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout.readline() == "ready\n"
    deadline = time.monotonic() + 60
    while not (tmp_path / ".out.lock").exists():  # the build has begun: drawing comes first
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(process.pid, sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status
    assert err == f"generate: {word}; nothing was written\n"
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlived the build
        os.killpg(process.pid, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
