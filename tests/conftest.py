"""How thorough a test run is, decided in one place.

Two settings, one switch:

* **dev** (the default, ``python -m pytest``): every test runs, property tests with
  ``DEV_EXAMPLES`` examples each, the variant sweep with ``DEV_VARIANTS`` variants per kind and
  option set. A few minutes on the 2-core reference machine. Derandomized, without an example
  database: the examples follow from each test's name alone, so every run of a commit, on any
  machine, passes or fails the same way (CI cannot fail by chance).
* **ci** (``python -m pytest --thorough -m "hypothesis or sweep"``, or ``GRADSHEET_TESTS=thorough``):
  the exhaustive set that ``.ci/run`` adds after the default run: ``CI_EXAMPLES`` examples per
  property test, derandomized so that a commit passes or fails the same way every time, and
  ``CI_VARIANTS`` variants per kind. ``hypothesis`` is the marker Hypothesis gives every
  ``@given`` test; ``sweep`` marks tests whose size follows this setting.

* **explore** (``python -m pytest --explore``, or ``GRADSHEET_TESTS=explore``): the dev sizes
  with random examples, for finding what the fixed ones miss. The run's seed is printed in
  its header; ``--hypothesis-seed=N`` repeats a run. A failure found this way is pinned as
  an ``@example`` or a plain test before it is fixed, so the fixed runs keep it.

``GRADSHEET_VARIANTS=N`` overrides the variant count either way. A property test that needs
fewer or more examples than its neighbours says so with :func:`examples`, relative to the
profile, never with a fixed number.
"""

from __future__ import annotations

import os
import secrets
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, settings

DEV_EXAMPLES, CI_EXAMPLES = 50, 500
DEV_VARIANTS, CI_VARIANTS = 60, 1000

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
_FIXED = dict(derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", max_examples=DEV_EXAMPLES, **_FIXED, **_COMMON)
settings.register_profile("ci", max_examples=CI_EXAMPLES, **_FIXED, **_COMMON)
settings.register_profile("explore", max_examples=DEV_EXAMPLES, database=None, print_blob=True, **_COMMON)


def thorough() -> bool:
    return os.environ.get("GRADSHEET_TESTS") == "thorough"


def exploring() -> bool:
    return os.environ.get("GRADSHEET_TESTS") == "explore"


def examples(factor: float) -> int:
    """``factor`` times the profile's examples per property test (at least 10)."""
    return max(10, round(settings.default.max_examples * factor))


def variants() -> int:
    """Variants per kind and option set in the variant sweep."""
    if "GRADSHEET_VARIANTS" in os.environ:
        return int(os.environ["GRADSHEET_VARIANTS"])
    return CI_VARIANTS if thorough() else DEV_VARIANTS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--thorough", action="store_true",
                     help="gradsheet: the exhaustive set's sizes (hypothesis profile 'ci', "
                          f"{CI_VARIANTS} variants per kind); same as GRADSHEET_TESTS=thorough")
    parser.addoption("--explore", action="store_true",
                     help="gradsheet: random property-test examples (hypothesis profile 'explore'), "
                          "the seed printed in the header; same as GRADSHEET_TESTS=explore")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--thorough") and config.getoption("--explore"):
        raise pytest.UsageError("--thorough and --explore: choose one (thorough is fixed, explore is random)")
    if config.getoption("--thorough"):
        os.environ["GRADSHEET_TESTS"] = "thorough"
    elif config.getoption("--explore"):
        os.environ["GRADSHEET_TESTS"] = "explore"
    config.addinivalue_line("markers", "sweep: a test whose size follows the dev/thorough setting (tests/conftest.py)")
    settings.load_profile("ci" if thorough() else "explore" if exploring() else "dev")
    if exploring():
        from hypothesis import core

        if core.global_force_seed is None:  # --hypothesis-seed not given: a fresh one, printed
            core.global_force_seed = secrets.randbelow(2**32)


def pytest_report_header(config: pytest.Config) -> str:
    name = "thorough (ci)" if thorough() else "explore (random)" if exploring() else "dev (fixed)"
    header = (f"gradsheet tests: {name} profile, {settings.default.max_examples} examples per property test, "
              f"{variants()} variants per kind")
    if exploring():
        from hypothesis import core

        header += f"; repeat this run with --explore --hypothesis-seed={core.global_force_seed}"
    return header


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if exploring():  # the header has scrolled away by the time a failure is read
        from hypothesis import core

        terminalreporter.write_line(f"explore run's seed: --explore --hypothesis-seed={core.global_force_seed}")


class Hang(BaseException):
    """Raised by :func:`bounded`'s alarm: a BaseException, so that no handler in the product
    mistakes it for an error of its own (TimeoutError is an OSError, which a build turns into
    a message)."""


@contextmanager
def bounded(seconds: int):
    """Fail a run that takes longer than ``seconds`` instead of hanging the session."""
    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_command(main, args, capsys, seconds: int):  # type: ignore[no-untyped-def]
    """A console command's ``main`` on ``args`` within ``seconds``: (status, usage error?, output)."""
    usage = False
    with bounded(seconds):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # a usage error, reported by argparse
            code, usage = exit_.code, True
    return code, usage, capsys.readouterr()


def assert_one_line_error(err: str, prog: str, usage: bool) -> None:
    """An error as the README promises it: one line, the command's name, the fix (or --help)."""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith(f"{prog}: error: "), err
    assert (f"(see {prog} --help)" if usage else "(fix: ") in err, err
