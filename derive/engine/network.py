"""Fully connected networks, their examples, and the spec format that describes them.

The spec (TOML or JSON, or the same structure as a Python dict) is a public contract::

    loss = "half_sse"            # optional, default half_sse
    learning_rate = "1/1000"     # optional; without it there is no update step

    [[layers]]
    weights = [[1, -3], [-2, 1]] # row j = neuron j of this layer, column k = neuron k before
    activation = "square"        # or { name = "leaky_relu", alpha = "1/10" }
    bias = [0, 0]                # optional

    [example]                    # or [[examples]] for a batch
    x = [3, 2]
    y = [1]

Every number is read exactly as written. Layers are numbered 1…L, as in the lectures.
"""

from __future__ import annotations

import json
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from . import activations, losses
from .activations import Activation
from ..errors import SpecError
from .losses import Loss
from .notation import Notation
from ..limits import FILE_BYTES, MAX_EXAMPLES, MAX_LAYERS, MAX_PARAMETERS, MAX_WIDTH, NUMBER_CHARS
from .numbers import Written, parse_number, read_number

Vector = tuple["sp.Rational", ...]  # SymPy numbers; ints and Fractions in a spec read for float mode
Matrix = tuple[Vector, ...]

_TOP_KEYS = ("name", "description", "loss", "learning_rate", "layers", "example", "examples", "notation")
_LAYER_KEYS = ("weights", "activation", "bias")


@dataclass(frozen=True)
class Layer:
    """z^(l) = W^(l) a^(l−1) + b^(l), a^(l) = σ(z^(l)) (Herrmann Eq. 3.4)."""

    weights: Matrix
    activation: Activation
    bias: Vector | None = None

    @property
    def n_out(self) -> int:
        return len(self.weights)

    @property
    def n_in(self) -> int:
        return len(self.weights[0])

    @property
    def parameter_count(self) -> int:
        return self.n_out * self.n_in + (self.n_out if self.bias is not None else 0)


@dataclass(frozen=True)
class Example:
    x: Vector
    y: Vector


@dataclass(frozen=True)
class Network:
    layers: tuple[Layer, ...]
    loss: Loss = field(default_factory=lambda: losses.get("half_sse"))
    learning_rate: sp.Rational | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        """(n_0, n_1, …, n_L): inputs, then each layer's neurons."""
        return (self.layers[0].n_in,) + tuple(layer.n_out for layer in self.layers)

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def has_bias(self) -> bool:
        return any(layer.bias is not None for layer in self.layers)

    @property
    def parameter_count(self) -> int:
        return sum(layer.parameter_count for layer in self.layers)

    @property
    def rational(self) -> bool:
        """Rational inputs give rational values throughout (σ = z², ReLU, step, …; squared error)."""
        return all(layer.activation.rational for layer in self.layers) and self.loss.name in ("half_sse", "mse")

    @property
    def fused_output(self) -> bool:
        """True where ∂C/∂z^(L) simplifies to ŷ − y (sigmoid + BCE, softmax + cross-entropy)."""
        return self.loss.fused_with == self.layers[-1].activation.name


@dataclass(frozen=True)
class Spec:
    """A network with its examples and the notation its derivation is written in."""

    network: Network
    examples: tuple[Example, ...]
    notation: Notation = Notation()
    name: str = ""
    description: str = ""


# --- parsing -----------------------------------------------------------------------------

Reader = Callable[[Any, str], Any]


def _matrix(value: Any, field: str, number: Reader) -> Matrix:
    if not isinstance(value, list) or not value:
        raise SpecError(field, "expected a non-empty list of rows", "write e.g. [[1, -3], [-2, 1]]")
    rows = []
    for j, row in enumerate(value, start=1):
        if not isinstance(row, list) or not row:
            raise SpecError(f"{field}[{j}]", "expected a non-empty row of numbers",
                            "write the weights as a list of rows, one row per neuron: [[1, -3], [-2, 1]]")
        rows.append(tuple(number(v, f"{field}[{j},{k}]") for k, v in enumerate(row, start=1)))
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise SpecError(field, f"rows have different lengths {sorted(widths)}", "give every row one entry per input")
    return tuple(rows)


def _vector(value: Any, field: str, number: Reader) -> Vector:
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        raise SpecError(field, "expected a non-empty list of numbers", "write e.g. [3, 2]")
    return tuple(number(v, f"{field}[{k}]") for k, v in enumerate(value, start=1))


def _activation(value: Any, field: str) -> Activation:
    if isinstance(value, str):
        return activations.get(value, field=field)
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        params = {k: v for k, v in value.items() if k != "name"}
        return activations.get(value["name"], params, field=field)
    raise SpecError(field, f"expected an activation name, found {value!r}",
                    f'write activation = "sigmoid" or {{ name = "leaky_relu", alpha = 0.1 }}; known: {", ".join(activations.NAMES)}')


def _layer(table: Any, field: str, n_in: int | None, is_last: bool, budget: int, number: Reader) -> Layer:
    if not isinstance(table, Mapping):
        raise SpecError(field, "expected a table with weights and activation", "write [[layers]] tables")
    unknown = sorted(set(table) - set(_LAYER_KEYS))
    if unknown:
        raise SpecError(f"{field}.{unknown[0]}", "unknown key", f"a layer takes {', '.join(_LAYER_KEYS)}")
    if "weights" not in table:
        raise SpecError(f"{field}.weights", "missing", "give the weight matrix, one row per neuron")
    if "activation" not in table:
        raise SpecError(f"{field}.activation", "missing", f"name one of {', '.join(activations.NAMES)}")
    raw = table["weights"]
    if isinstance(raw, list) and raw:
        rows, cols = len(raw), max((len(r) for r in raw if isinstance(r, list)), default=0)
        if max(rows, cols) > MAX_WIDTH:
            raise SpecError(f"{field}.weights", f"{rows}×{cols} is wider than {MAX_WIDTH:,} neurons",
                            f"derive takes layers of up to {MAX_WIDTH:,} neurons")
        if rows * cols > budget:
            raise SpecError(f"{field}.weights", f"more than {MAX_PARAMETERS:,} parameters in the network",
                            f"derive takes networks of up to {MAX_PARAMETERS:,} parameters")
    weights = _matrix(raw, f"{field}.weights", number)
    rows, cols = len(weights), len(weights[0])
    if n_in is not None and cols != n_in:
        raise SpecError(f"{field}.weights", f"shape mismatch: expected {rows}×{n_in} (columns = {n_in} neurons of the "
                        f"layer before), found {rows}×{cols}", f"give each row {n_in} entries")
    activation = _activation(table["activation"], f"{field}.activation")
    if activation.output_only and not is_last:
        raise SpecError(f"{field}.activation", f"{activation.name} is allowed only in the output layer",
                        "use an elementwise activation such as sigmoid here")
    bias = None
    if "bias" in table:
        bias = _vector(table["bias"], f"{field}.bias", number)
        if len(bias) != rows:
            raise SpecError(f"{field}.bias", f"shape mismatch: expected {rows} entries (one per neuron), found {len(bias)}",
                            f"give {rows} bias values")
    return Layer(weights, activation, bias)


def _example(table: Any, field: str, sizes: tuple[int, int], loss: Loss, number: Reader) -> Example:
    if not isinstance(table, Mapping):
        raise SpecError(field, "expected a table with x and y", "write [example] with x = [...] and y = [...]")
    for key in ("x", "y"):
        if key not in table:
            raise SpecError(f"{field}.{key}", "missing", f"give the {'input' if key == 'x' else 'target'} vector")
    unknown = sorted(set(table) - {"x", "y"})
    if unknown:
        raise SpecError(f"{field}.{unknown[0]}", "unknown key", "an example takes x and y")
    x, y = _vector(table["x"], f"{field}.x", number), _vector(table["y"], f"{field}.y", number)
    n_in, n_out = sizes
    if len(x) != n_in:
        raise SpecError(f"{field}.x", f"shape mismatch: layer 1 takes {n_in} inputs, found {len(x)}", f"give {n_in} values")
    if len(y) != n_out:
        raise SpecError(f"{field}.y", f"shape mismatch: the output layer has {n_out} neurons, found {len(y)} targets",
                        f"give {n_out} values")
    loss.check_targets(y, f"{field}.y")
    return Example(x, y)


def parse_spec(data: Mapping[str, Any], exact: bool = True) -> Spec:
    """A :class:`Spec` from the spec's dict form, validated; raises :class:`SpecError`.

    Its numbers are SymPy numbers; with ``exact=False``, Python ints and ``Fraction``s, which
    only the float engine takes (``derive --float --no-symbolic`` then runs without SymPy).
    """
    number: Reader = parse_number if exact else read_number
    if not isinstance(data, Mapping):
        raise SpecError("", "a spec must be a table (TOML) or an object (JSON)", "see the README's spec format")
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise SpecError(unknown[0], "unknown key", f"a spec takes {', '.join(_TOP_KEYS)}")
    loss_name = data.get("loss", "half_sse")
    if not isinstance(loss_name, str):
        raise SpecError("loss", f"expected a loss name, found {loss_name!r}", f"use one of {', '.join(losses.NAMES)}")
    loss = losses.get(loss_name)
    if not isinstance(data.get("layers"), list) or not data["layers"]:
        raise SpecError("layers", "missing or empty", "add at least one [[layers]] table with weights and activation")
    if len(data["layers"]) > MAX_LAYERS:
        raise SpecError("layers", f"{len(data['layers'])} layers", f"derive takes networks of up to {MAX_LAYERS} layers")
    layers: list[Layer] = []
    for l, table in enumerate(data["layers"], start=1):
        n_in = layers[-1].n_out if layers else None
        used = sum(layer.n_out * (layer.n_in + (layer.bias is not None)) for layer in layers)
        layers.append(_layer(table, f"layers[{l}]", n_in, l == len(data["layers"]), MAX_PARAMETERS - used, number))
    if sum(layer.n_out * (layer.n_in + (layer.bias is not None)) for layer in layers) > MAX_PARAMETERS:
        raise SpecError("layers", f"more than {MAX_PARAMETERS:,} parameters",
                        f"derive takes networks of up to {MAX_PARAMETERS:,} parameters")
    if loss.fused_with is not None and layers[-1].activation.name != loss.fused_with:
        raise SpecError(f"layers[{len(layers)}].activation",
                        f"{loss.name} takes logarithms of ŷ and needs a {loss.fused_with} output layer "
                        f"(ŷ in (0, 1)), found {layers[-1].activation.name}",
                        f'make the output activation "{loss.fused_with}", or use loss = "half_sse"')
    rate = None
    if data.get("learning_rate") is not None:
        rate = number(data["learning_rate"], "learning_rate")
        if rate <= 0:
            raise SpecError("learning_rate", f"must be positive, found {rate}", 'give a rate such as "1/1000" or 0.1')
    network = Network(tuple(layers), loss, rate)

    if "example" in data and "examples" in data:
        raise SpecError("examples", "both [example] and [[examples]] given", "keep one of them")
    if "example" in data:
        tables, field_of = [data["example"]], (lambda i: "example")
    elif "examples" in data:
        tables = data["examples"] if isinstance(data["examples"], list) else [None]
        field_of = lambda i: f"examples[{i}]"  # noqa: E731
    else:
        raise SpecError("example", "missing", "add an [example] table with x = [...] and y = [...]")
    if not tables:
        raise SpecError("examples", "empty", "add at least one [[examples]] table")
    if len(tables) > MAX_EXAMPLES:
        raise SpecError("examples", f"{len(tables):,} examples", f"derive takes up to {MAX_EXAMPLES:,} examples")
    sizes = (network.sizes[0], network.sizes[-1])
    examples = tuple(_example(t, field_of(i), sizes, loss, number) for i, t in enumerate(tables, start=1))

    notation = Notation.parse(data.get("notation"))
    wide = max(network.sizes) >= 10
    return Spec(network, examples, notation.updated(wide=wide or None), str(data.get("name", "")),
                str(data.get("description", "")))


def load_spec(path: str | Path, exact: bool = True) -> Spec:
    """Read a TOML (``.toml``) or JSON (``.json``) spec file (``exact``: see :func:`parse_spec`)."""
    return parse_spec(read(Path(path), "check the path, or run `derive --list-examples`"), exact)


def read(path: Path, missing_fix: str) -> Any:
    """A spec file's contents (TOML, or JSON by its suffix); one-line errors for a missing,
    unreadable, oversized or malformed file, and for anything but a regular file (a FIFO
    would block, ``/dev/zero`` would never end)."""
    return loads(read_text(path, missing_fix), path.suffix.lower(), str(path))


def read_text(path: Path, missing_fix: str, expected: str = "a .toml or .json file", limit: int = FILE_BYTES) -> str:
    """A regular UTF-8 file of at most ``limit`` bytes, as text (a BOM dropped)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SpecError(str(path), "no such file", missing_fix) from None
    except OSError as error:
        raise SpecError(str(path), f"cannot read: {error.strerror or error}", "give a readable file") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise SpecError(str(path), kind, f"give {expected}")
    too_big = SpecError(str(path), f"larger than {limit:,} bytes", "split it, or give a smaller file")
    if info.st_size > limit:
        raise too_big
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise too_big
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(str(path), f"cannot read: {error}", f"give {expected} in UTF-8") from None


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > NUMBER_CHARS:
        raise SpecError("", f"an integer of {len(text.lstrip('-'))} digits",
                        f"numbers are limited to {NUMBER_CHARS} characters")
    return int(text)


def loads(text: str, suffix: str, name: str) -> Any:
    """TOML or JSON, its floats kept as written (:class:`~derive.engine.numbers.Written`)."""
    if suffix == ".json":
        try:
            return json.loads(text, parse_float=Written, parse_constant=Written, parse_int=_json_int)
        except json.JSONDecodeError as error:
            raise SpecError(name, f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                            "fix the JSON syntax there") from None
        except SpecError as error:
            raise error.within(name) from None
        except RecursionError:
            raise SpecError(name, "nested too deeply", "a spec nests lists a few levels deep") from None
    try:
        return tomllib.loads(text, parse_float=Written)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(name, f"malformed TOML: {error}", "fix the TOML syntax there") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise SpecError(name, "a number too long to read", f"numbers are limited to {NUMBER_CHARS} characters") from None
    except RecursionError:
        raise SpecError(name, "nested too deeply", "a spec nests lists a few levels deep") from None


def network_from(layers: Sequence[Mapping[str, Any]], *, x: Sequence[Any] | None = None, y: Sequence[Any] | None = None,
                 examples: Sequence[Mapping[str, Any]] | None = None, loss: str = "half_sse",
                 learning_rate: Any = None, notation: Mapping[str, str] | None = None) -> Spec:
    """The Python API: the same structure as the spec file, as keyword arguments.

    >>> spec = network_from([{"weights": [[2]], "activation": "identity"}], x=[3], y=[1])
    >>> spec.network.sizes
    (1, 1)
    """
    data: dict[str, Any] = {"layers": list(layers), "loss": loss}
    if learning_rate is not None:
        data["learning_rate"] = learning_rate
    if examples is not None:
        data["examples"] = list(examples)
    else:
        data["example"] = {"x": list(x or []), "y": list(y or [])}
    if notation:
        data["notation"] = dict(notation)
    return parse_spec(data)
