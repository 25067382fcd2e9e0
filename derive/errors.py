"""The one error type a user ever sees: a field, what is wrong with it, and the fix."""

from __future__ import annotations


class SpecError(ValueError):
    """Bad input, reported as one line naming the field and the fix.

    The CLI prints ``str(error)`` and exits with status 2; nothing else of it reaches a user.
    """

    def __init__(self, field: str, problem: str, fix: str = "") -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
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
