"""The API's arguments, checked as the commands check their options.

A wrong value is a :class:`~gradsheet.derive.errors.SpecError` (a ``ValueError``); a wrong
type an :class:`ArgumentTypeError`, which is both a SpecError and a ``TypeError``. Either
names the argument and the fix in one line, as the commands do. What a NumPy user passes is
taken as the lists and numbers the spec files hold: arrays, tuples, NumPy scalars.
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .derive.errors import SpecError
from .derive.limits import MAX_DECIMALS


class ArgumentTypeError(SpecError, TypeError):
    """An argument of the wrong type: a ``TypeError`` for Python, one line for a person."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def plain(value: Any) -> Any:
    """``value`` as a spec file would hold it: NumPy arrays and tuples as lists, NumPy
    scalars as Python numbers, mappings as dicts (recursively); anything else unchanged, for
    the spec's own checks to judge."""
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def decimals(value: Any, name: str = "decimals") -> int | None:
    """Hand mode's places: None, or an integer from 0 to ``MAX_DECIMALS`` (a NumPy integer
    too; not a bool, a float or a string)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ArgumentTypeError(name, f"expected an integer number of decimal places, got {_shown(value)}",
                                f"give {name}=4 (0 to {MAX_DECIMALS})")
    places = int(value)
    if not 0 <= places <= MAX_DECIMALS:
        raise SpecError(name, f"{places} is out of range", f"give 0 to {MAX_DECIMALS} decimal places")
    return places


def choice(value: Any, name: str, allowed: Sequence[str | None]) -> Any:
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed if a is not None)
        raise (SpecError if isinstance(value, str) else ArgumentTypeError)(
            name, f"unknown {name} {_shown(value)}", f"use one of {listed}")
    return value


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(name, f"expected True or False, got {_shown(value)}", f"give {name}=True or False")
    return bool(value)


def mapping_or_path(value: Any, name: str, example: str) -> Mapping[str, Any] | Path:
    """A dict of values, or the path of a file holding them (.toml or .json)."""
    if isinstance(value, Mapping):
        return plain(value)
    if isinstance(value, Path) or isinstance(value, str) and Path(value).suffix.lower() in (".toml", ".json"):
        return Path(value)
    raise ArgumentTypeError(name, f"expected a dict or a .toml/.json file's path, got {_shown(value)}",
                            f"give {name}={example}")


def tolerance(value: Any) -> str | None:
    """``tol``: None, a number (absolute) or a string such as ``"0.005"`` or ``"0.1%"``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ArgumentTypeError("tol", f"expected a number or a string, got {_shown(value)}",
                                "give tol=0.005 or tol='0.1%'")
    number = plain(value)
    return str(Fraction(number) if isinstance(number, int) else repr(float(number)))


def names(value: Any, name: str, example: str) -> tuple[str, ...]:
    """A list of names, or one string of comma-separated ones (``"pdf,moodle"``)."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ArgumentTypeError(name, f"expected a string or a list of strings, got {_shown(value)}",
                            f"give {name}={example}")


def text_or_path(value: Any, name: str, example: str) -> str | Path:
    if isinstance(value, (str, Path)):
        return value
    raise ArgumentTypeError(name, f"expected a file's path, got {_shown(value)}", f"give {name}={example}")


def seed(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ArgumentTypeError("seed", f"expected an integer, got {_shown(value)}", "give seed=7")
    return int(value)
