"""Reading a problem's options from its spec table: typed, with defaults, unknown keys refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from gradsheet.derive.errors import SpecError
from gradsheet.derive.engine.numbers import parse_number

# a gradient-descent step on an exercise sheet; beyond it every variant diverges
MAX_LEARNING_RATE = 10
MAX_LAMBDA = 10  # a regularization strength; beyond it the penalty swamps every weight


@dataclass(frozen=True)
class Option:
    """One option as a kind reads it: what it accepts and its default (``generate --kinds KIND``)."""

    key: str
    accepts: str
    default: Any
    values: tuple[Any, ...] = ()  # every value it takes, where they are few (a choice, a flag, a name list)


class Drawn(str):
    """A default that is no one value: the kind draws one per variant (``drawn from 1/10, 1/2``)."""


class Table:
    """A TOML table read key by key; :meth:`done` rejects the keys nobody asked for.

    Every typed read also records the option (:attr:`read`), so the reference that
    ``generate --kinds KIND`` prints comes from the code that validates, not from a copy.
    """

    def __init__(self, data: Mapping[str, Any], field: str, ignore: Sequence[str] = (), base: Path = Path(".")) -> None:
        self.data, self.field, self.used = dict(data), field, set(ignore)
        self.base = base  # where file names in the table are relative to: the exam spec's folder
        self.read: dict[str, Option] = {}
        self.defaulted: set[str] = set()  # keys a kind filled in, not the spec
        self.aliases: dict[str, str] = {}  # an option that comes from another (sizes from network)

    def _record(self, key: str, accepts: str, default: Any, values: tuple[Any, ...] = ()) -> None:
        self.read.setdefault(key, Option(key, accepts, self.data.get(key, default), values))

    def has(self, key: str) -> bool:
        return key in self.data

    def default(self, key: str, value: Any) -> None:
        """A kind's own default for ``key``, where the spec leaves it out (the shared ones differ)."""
        if key not in self.data:
            self.data[key] = value
            self.defaulted.add(key)

    def written(self, key: str) -> bool:
        """The spec itself gives ``key`` (not a kind's default)."""
        return key in self.data and key not in self.defaulted

    def record(self, key: str, accepts: str, default: Any) -> None:
        """An option read by hand (not by a typed read), for ``generate --kinds``."""
        self._record(key, accepts, default)

    def take(self, key: str) -> Any:
        """The value as written, marked as read; None where it is not given."""
        return self._get(key, None)

    def ignore(self, key: str) -> None:
        """``key`` is read elsewhere (a kind's default that a given network replaces)."""
        self.used.add(key)

    def peek(self, key: str, default: Any) -> Any:
        """The value as written, without reading it (it is still checked where it is read)."""
        return self.data.get(key, default)

    def _get(self, key: str, default: Any) -> Any:
        self.used.add(key)
        if key in self.data and self.data[key] is None:  # JSON's null; TOML has none
            raise SpecError(self.where(key), "null is not a value", "leave the key out for its default")
        return self.data.get(key, default)

    def where(self, key: str) -> str:
        return f"{self.field}.{self.aliases.get(key, key)}"

    def choice(self, key: str, default: str, choices: Sequence[str]) -> str:
        self._record(key, "one of " + ", ".join(map(repr, choices)), default, tuple(choices))
        value = self._get(key, default)
        if value not in choices:
            raise SpecError(self.where(key), f"unknown value {value!r}", f"use one of {', '.join(map(repr, choices))}")
        return value

    def integer(self, key: str, default: int | None, low: int = 0, high: int = 10**6) -> int:
        self._record(key, f"an integer from {low} to {high:,}", default)
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SpecError(self.where(key), f"expected an integer from {low} to {high}, found {value!r}",
                            f"write e.g. {key} = {max(low, min(high, 2))}")
        return value

    def span(self, low_key: str, high_key: str, default: tuple[int, int], low: int, high: int) -> tuple[int, int]:
        """A range given as two options (min_depth, max_depth), each in [low, high], in order."""
        first, last = self.integer(low_key, default[0], low, high), self.integer(high_key, default[1], low, high)
        if first > last:
            raise SpecError(self.where(low_key), f"{first} is more than {high_key} = {last}",
                            f"give {low_key} <= {high_key}")
        return first, last

    def boolean(self, key: str, default: bool) -> bool:
        self._record(key, "true or false", default, (True, False))
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise SpecError(self.where(key), f"expected true or false, found {value!r}", f"write {key} = true")
        return value

    def number(self, key: str, default: Any, positive: bool = False, high: Any = None, below: Any = None,
               drawn: str = "") -> Any:
        """A number > 0 (``positive``), ≤ ``high``, < ``below``, as each is given; without a
        default (None) the kind draws one per variant, from what ``drawn`` says."""
        upper = f"{high}]" if high is not None else f"{below})" if below is not None else ""
        bounds = f" in (0, {upper}" if positive and upper else " > 0" if positive else ""
        self._record(key, "a number (integer, decimal or \"p/q\")" + bounds,
                     Drawn(drawn) if default is None and drawn else default)
        value = self._get(key, default)
        if value is None:
            return None
        number = parse_number(value, self.where(key))
        if positive and number <= 0:
            raise SpecError(self.where(key), f"must be positive, found {value!r}", f'write e.g. {key} = "1/10"')
        if high is not None and number > high or below is not None and number >= below:
            raise SpecError(self.where(key), f"{value!r} is not {f'at most {high}' if high is not None else f'below {below}'}",
                            f'write e.g. {key} = "1/10"')
        return number

    def integers(self, key: str, default: Sequence[int] | None, low: int = 1, high: int = 12,
                 longest: int = 100) -> tuple[int, ...] | None:
        self._record(key, f"a list of up to {longest} integers from {low} to {high}", default)
        value = self._get(key, default)
        if value is None:
            return None
        if isinstance(value, (list, tuple)) and len(value) > longest:  # before looking at each entry
            raise SpecError(self.where(key), f"a list of {len(value):,} entries", f"give at most {longest}")
        if not isinstance(value, (list, tuple)) or not value or not all(
                isinstance(v, int) and not isinstance(v, bool) and low <= v <= high for v in value):
            raise SpecError(self.where(key), f"expected a list of integers from {low} to {high}, found {value!r:.80}",
                            f"write e.g. {key} = [2, 2, 1]")
        return tuple(value)

    def strings(self, key: str, default: Sequence[str] | None,
                choices: Sequence[str] | None = None) -> tuple[str, ...] | None:
        self._record(key, "a name or a non-empty list of names" + (f" from {', '.join(choices)}" if choices else ""),
                     default, tuple(choices or ()))
        value = self._get(key, default)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)) and len(value) > 100:  # more names than any kind has
            raise SpecError(self.where(key), f"a list of {len(value):,} names", "give at most 100")
        if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
            raise SpecError(self.where(key), f"expected a name or a non-empty list of names, found {value!r}",
                            f'write e.g. {key} = "{choices[0] if choices else "relu"}"')
        for name in value:
            if choices is not None and name not in choices:
                raise SpecError(self.where(key), f"unknown or unsupported name {name!r}",
                                f"use one of {', '.join(choices)}")
        return tuple(value)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise SpecError(self.where(unknown[0]), "unknown option for this problem kind",
                            f"this kind takes {', '.join(sorted(self.used - {'kind', 'points', 'difficulty'}))}")
