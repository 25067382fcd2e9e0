"""``generate --kinds KIND``: a kind's options, what each accepts and its defaults, read from
the code that validates them (:class:`~generate.options.Table` records every read).

Defaults can depend on the difficulty and on ``numbers``; each combination's options are read
once from an empty table, and a default that differs is shown per combination.
"""

from __future__ import annotations

import json
from typing import Any

from . import problems
from .options import Drawn, Option, Table
from .spec import DIFFICULTIES

# what each option means; the same name means the same thing in every kind
MEANING = {
    "points": "the problem's points",
    "difficulty": "chooses the defaults below",
    "network": "the lecture's own network, the same for every student; its sizes, activations, loss, biases "
               "and learning rate replace those options",
    "vary": "the parts of the given network drawn per student, within the kind's usual ranges",
    "layer": "the given network's layer whose weights the step updates",
    "numbers": "integer: integer weights, exact answers; decimal: one-decimal weights, rounded answers",
    "sizes": "neurons per layer, inputs first",
    "activation": "one name for every layer, a (hidden, output) pair, or one per layer",
    "loss": "the cost function",
    "alpha": "the leaky ReLU's slope for z ≤ 0",
    "bias": "whether the layers have biases",
    "bound": "no value of the exercise beyond ±bound",
    "learning_rate": "the gradient-descent step size α",
    "ask": '"all" gradients, or a list of names such as "grad_W1[2,1]"',
    "min_operations": "operations in the expression, at least",
    "max_operations": "operations in the expression, at most",
    "operations_from": "the operations an expression is drawn from",
    "inputs": "input variables x1, x2, …",
    "min_depth": "hidden layers, at least", "max_depth": "hidden layers, at most",
    "min_width": "neurons a hidden layer, at least", "max_width": "neurons a hidden layer, at most",
    "weights": "how many weights the step updates",
    "lambda": "the regularization strength λ",
    "examples": "training examples in the epoch",
    "batch_size": "examples per mini-batch",
    "p": "the probability of dropping a neuron",
    "inverted": "inverted dropout (survivors scaled by 1/(1 − p)) or plain",
    "answer_space": "the writing space under each part (by default the exam's answer_space): auto sizes it to "
                    "the work the part asks (its worked solution's steps), none leaves none",
    "new_page": "whether the problem starts a new page",
    "text": "the problem's statement in your words; {{ figure }}, {{ given }}, {{ formulas }}, {{ x }}, {{ W1 }}, "
            "… place the variant's quantities (a wrong name lists the problem's)",
    "questions": "each question in your words, in order",
}

COMMON = [Option("points", "an integer from 1 to 1,000, at least one for each question the problem asks", 10),
          Option("difficulty", "one of " + ", ".join(map(repr, DIFFICULTIES)), "easy"),
          Option("answer_space", '"auto", "none" or a length such as "6cm" (at most 24cm)', "auto"),
          Option("new_page", "true or false", False),
          Option("text", "text with {{ name }} placeholders (up to 2,000 characters)", Drawn("the kind's own statement")),
          Option("questions", "a list of texts with {{ name }} placeholders, \"\" keeping one", [])]


def _read(kind: str, table: dict[str, Any], difficulty: str) -> dict[str, Option]:
    t = Table(table, "problems[1]", ignore=("kind", "points", "difficulty"))
    problems.get(kind).options(t, difficulty)
    return t.read


def _shown(value: Any) -> str:
    if isinstance(value, Drawn):
        return str(value)
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) or not value.isidentifier() \
        else json.dumps(value)


def _by_difficulty(values: dict[str, Any]) -> str:
    """"x" when every difficulty has the same default, else "easy x · medium y · hard z"."""
    shown = {d: _shown(v) for d, v in values.items()}
    if len(set(shown.values())) == 1:
        return next(iter(shown.values()))
    return " · ".join(f"{d} {v}" for d, v in shown.items())


def reference(kind: str) -> str:
    """The options of ``kind`` as a listing for the terminal."""
    entry = problems.get(kind)
    styles = ["integer", "decimal"] if "numbers" in _read(kind, {}, "easy") else [None]
    accepts: dict[str, str] = {}
    defaults: dict[str | None, dict[str, dict[str, Any]]] = {style: {} for style in styles}
    for style in styles:
        for difficulty in DIFFICULTIES:
            for key, option in _read(kind, {"numbers": style} if style else {}, difficulty).items():
                accepts.setdefault(key, option.accepts)
                defaults[style].setdefault(key, {})[difficulty] = option.default
    lines = [f"{kind}: {entry.title} ({entry.summary})", "",
             "options (keys of its [[problems]] table, all optional):"]
    for option in COMMON:
        lines += _entry(option.key, option.accepts, _shown(option.default))
    first = styles[0]
    for key, accepted in accepts.items():
        if key == "numbers":
            lines += _entry(key, accepted, _shown("integer"))
            continue
        default = _by_difficulty(defaults[first][key])
        lines += _entry(key, accepted, default)
        if "decimal" in defaults and _by_difficulty(defaults["decimal"][key]) != default:
            lines.append(f"{'':<20}with numbers = \"decimal\": {_by_difficulty(defaults['decimal'][key])}")
    lines += ["", "Example:", "  [[problems]]", f'  kind = "{kind}"', "  points = 6", '  difficulty = "medium"']
    return "\n".join(lines) + "\n"


def _entry(key: str, accepts: str, default: str) -> list[str]:
    import textwrap

    meaning = MEANING.get(key, "")
    text = textwrap.wrap((meaning + ": " if meaning else "") + accepts, 76)
    return [f"  {key:<18}{text[0]}", *(f"{'':<20}{t}" for t in text[1:]), f"{'':<20}default: {default}"]
