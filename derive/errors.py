"""The one error type a user ever sees: a field, what is wrong with it, and the fix."""

from __future__ import annotations

import argparse


class SpecError(ValueError):
    """Bad input, reported as one line naming the field and the fix.

    The CLI prints ``str(error)`` and exits with status 2; nothing else of it reaches a user.
    """

    def __init__(self, field: str, problem: str, fix: str = "") -> None:
        # a field or value from a file can be anything (a key "\n", 5,000 characters): one line
        self.field = printable(field, 120)
        self.problem = printable(problem, 400)
        self.fix = printable(fix, 400)
        super().__init__(self.line())

    def __reduce__(self) -> tuple:
        # pickled with its three parts, so it survives a worker process intact
        return (type(self), (self.field, self.problem, self.fix))

    def line(self) -> str:
        where = f"{self.field}: " if self.field else ""
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{where}{self.problem}{fix}"

    def within(self, prefix: str) -> "SpecError":
        """The same error, its field placed inside ``prefix`` (e.g. ``layers[2]``)."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return SpecError(field, self.problem, self.fix)


def printable(text: str, limit: int) -> str:
    """``text`` on one line: control characters escaped (``\\n``), cut to ``limit`` characters."""
    out = "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in str(text))
    return out if len(out) <= limit else out[:limit - 1] + "…"


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line and exit status 2, without the usage dump (both commands)."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {printable(message, 400)} (see {self.prog} --help)\n")

    def refuse_unused(self, args: argparse.Namespace, route: str, applies: set[str],
                      hints: dict[str, str] | None = None) -> None:
        """A :class:`SpecError` for the first option given that does nothing on ``route`` (the
        options in ``applies`` are its own): an option that is silently ignored (``--tol``
        without ``--check``, a spec beside ``--params``) looks as if it had been used."""
        for action in self._actions:
            if action.dest in applies or action.dest == "help" or not hasattr(args, action.dest):
                continue
            if getattr(args, action.dest) != action.default:
                name = action.option_strings[-1] if action.option_strings else action.dest
                raise SpecError(name, f"does not apply to {route}", (hints or {}).get(action.dest, f"leave out {name}"))

