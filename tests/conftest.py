"""How thorough a test run is, decided in one place.

Two settings, one switch:

* **dev** (the default, ``python -m pytest``): every test runs, property tests with
  ``DEV_EXAMPLES`` random examples each, the variant sweep with ``DEV_VARIANTS`` variants per
  kind and option set. A few minutes on the 2-core reference machine.
* **ci** (``python -m pytest --thorough -m "hypothesis or sweep"``, or ``GRADSHEET_TESTS=thorough``):
  the exhaustive set that ``.ci/run`` adds after the default run: ``CI_EXAMPLES`` examples per
  property test, derandomized so that a commit passes or fails the same way every time, and
  ``CI_VARIANTS`` variants per kind. ``hypothesis`` is the marker Hypothesis gives every
  ``@given`` test; ``sweep`` marks tests whose size follows this setting.

``GRADSHEET_VARIANTS=N`` overrides the variant count either way. A property test that needs
fewer or more examples than its neighbours says so with :func:`examples`, relative to the
profile, never with a fixed number.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, settings

DEV_EXAMPLES, CI_EXAMPLES = 50, 500
DEV_VARIANTS, CI_VARIANTS = 60, 1000

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=DEV_EXAMPLES, **_COMMON)
settings.register_profile("ci", max_examples=CI_EXAMPLES, derandomize=True, database=None, print_blob=True,
                          **_COMMON)


def thorough() -> bool:
    return os.environ.get("GRADSHEET_TESTS") == "thorough"


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


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--thorough"):
        os.environ["GRADSHEET_TESTS"] = "thorough"
    config.addinivalue_line("markers", "sweep: a test whose size follows the dev/thorough setting (tests/conftest.py)")
    settings.load_profile("ci" if thorough() else "dev")


def pytest_report_header(config: pytest.Config) -> str:
    return (f"gradsheet tests: {'thorough (ci)' if thorough() else 'dev'} profile, "
            f"{settings.default.max_examples} examples per property test, {variants()} variants per kind")


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
