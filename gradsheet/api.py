"""The Python API behind ``gradsheet``'s top-level functions, for notebooks and scripts.

Every function does what a command does, with the same checks (a bad spec raises
:class:`gradsheet.derive.errors.SpecError` naming the field and the fix), and returns an
object that holds the numbers, writes the command's outputs (``to_json``, ``to_latex``,
``to_text``) and shows itself in Jupyter as the lecture writes it (``_repr_markdown_``:
the steps as aligned equations, typeset by the notebook's MathJax).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .derive.checking import answers as _answers, quantities
from .derive import catalogue
from .derive.printing import report as _report
from .derive.printing import steps as _steps
from .derive.checking.check import Check, Tolerance, check as _check, inferred_tolerance
from .derive.errors import SpecError
from .derive.graphs.report import GraphReport, for_expression
from .derive.engine.network import Spec, load_spec, parse_spec
from .derive.engine.numbers import EXACT, FLOAT, Mode, hand, parse_number
from .derive.printing.printers import LatexPrinter
from .derive.checking.quantities import text_label

from . import arguments


def example(name: str) -> Spec:
    """The spec of a shipped lecture example: ``herrmann-backprop``, ``herrmann-homework``,
    ``bhadani-sigmoid``, ``batch-relu``. :func:`derive` computes it in the mode its source uses."""
    return catalogue.load(name)[0]


def spec(source: str | Path | Mapping[str, Any]) -> Spec:
    """A network spec from a TOML/JSON file, or from a dict with the same fields
    (``{"layers": [...], "example": {"x": [...], "y": [...]}}``)."""
    if isinstance(source, Mapping):
        return parse_spec(arguments.plain(source))  # NumPy arrays and tuples as the lists a file holds
    return load_spec(arguments.text_or_path(source, "spec", "'net.toml' or a dict with layers and example"))


def _mode(s: Spec, mode: str | None, decimals: int | None) -> Mode:
    """``exact``, ``float``, or ``decimals=D`` (every step rounded to D places, as by hand);
    by default the example's own mode, else exact where the values stay rational."""
    decimals = arguments.decimals(decimals)
    if decimals is not None:
        if mode not in (None, "hand"):
            raise SpecError("decimals", f"given together with mode={mode!r}", "give one of them")
        return hand(decimals)
    if mode == "hand":
        raise SpecError("mode", "hand mode rounds to a number of decimals", "give decimals=4 instead of mode='hand'")
    if mode is not None:
        modes = {"exact": EXACT, "float": FLOAT}
        arguments.choice(mode, "mode", ("exact", "float"))
        return modes[mode]
    # a shipped example computes as its source does (Bhadani's slides round to 4 decimals)
    preset = next((e.mode for e in catalogue.CATALOGUE
                   if e.mode is not None and s.name and catalogue.load(e.name)[0].name == s.name), None)
    return preset or _report.default_mode(s)


SHORT_STEP = 90  # characters of TeX: a step this short reads best on one line


def _aligned(lhs: str, parts: Sequence[str], tag: str = "") -> str:
    """A step as one display, its reference ("Eq. 3.4") the display's tag: in a span after it,
    the reference fell under the formula and read as the next one's label."""
    if sum(len(p) for p in (lhs, *parts)) <= SHORT_STEP:
        return "$$" + " = ".join((lhs, *parts)) + tag + "$$"
    rows = [f"{lhs} &= {parts[0]}"] + [f"&= {p}" for p in parts[1:]] if parts else [lhs]
    return "$$\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}" + tag + "$$"


def _sections_markdown(sections: Sequence[Any]) -> str:
    out = []
    for section in sections:
        out.append(f"**{section.title}**\n")
        for step in section.steps:
            out.append(_aligned(step.lhs, [p for p in (step.rule, step.substituted, step.intermediate, step.result)
                                           if p], step.tag))
        if section.text:
            out.append(section.text)
    return "\n\n".join(out)


@dataclass(frozen=True)
class Derivation:
    """A network's forward pass, backpropagation and (up to 128 parameters) the symbolic
    gradients beside them. Arrays are per layer, indexed from layer 1: ``z[0]`` is z⁽¹⁾."""

    report: _report.Report

    @property
    def mode(self) -> Mode:
        return self.report.mode

    @property
    def z(self) -> list[np.ndarray]:
        return [layer.z for layer in self.report.trace.forward.layers]

    @property
    def a(self) -> list[np.ndarray]:
        return [layer.a for layer in self.report.trace.forward.layers]

    @property
    def output(self) -> np.ndarray:
        return self.report.trace.forward.output

    @property
    def cost(self) -> Any:
        return self.report.trace.forward.cost

    @property
    def delta(self) -> list[np.ndarray]:
        return [layer.delta for layer in self.report.trace.backward.layers]

    @property
    def grad_W(self) -> list[np.ndarray]:
        return [layer.grad_W for layer in self.report.trace.backward.layers]

    @property
    def grad_b(self) -> list[np.ndarray | None]:
        return [layer.grad_b for layer in self.report.trace.backward.layers]

    @property
    def grad_x(self) -> np.ndarray:
        return self.report.trace.backward.grad_x

    @property
    def update(self) -> Any:
        """The gradient-descent step (``learning_rate``, new ``params``, the verification
        ``forward`` pass), or None when the spec gives no learning rate."""
        return self.report.trace.update

    @property
    def agrees(self) -> bool | None:
        """Whether the symbolic gradients equal backpropagation's (None: not derived)."""
        return self.report.agrees

    def to_json(self) -> str:
        from .derive.formats import json

        return json.render(self.report)

    def to_latex(self) -> str:
        from .derive.formats import latex

        return latex.render(self.report)

    def to_text(self) -> str:
        from .derive.formats import text

        return text.render(self.report)

    def __str__(self) -> str:  # print(d) reads as the derivation, not as a dataclass
        return self.to_text()

    def __repr__(self) -> str:  # a REPL's echo: what it is, not every array of the trace
        sizes = "–".join(map(str, self.report.spec.network.sizes))
        return f"<Derivation of a {sizes} network, {self.report.mode.name} mode; print() or .to_text() shows it>"

    def _repr_markdown_(self) -> str:
        p = LatexPrinter(self.report.mode, self.report.spec.notation, 6)
        title = self.report.spec.name or "Network " + "–".join(map(str, self.report.spec.network.sizes))
        agreement = {True: "Symbolic differentiation agrees with backpropagation.",
                     False: "**Symbolic differentiation disagrees with backpropagation.**",
                     None: self.report.skipped or ""}[self.report.agrees]
        notes = "".join(f"\n\n*Note:* {n}" for n in self.report.trace.notes)
        return f"### {title}\n\n{_sections_markdown(_steps.sections(self.report, p))}\n\n{agreement}{notes}"


def derive(s: Spec | str | Path | Mapping[str, Any], mode: str | None = None, decimals: int | None = None,
           symbolic: bool = True) -> Derivation:
    """The derivation of a network: ``mode="exact"`` or ``"float"``, or ``decimals=4`` for the
    hand computation (every step rounded); ``symbolic=False`` skips sympy's derivative."""
    s = s if isinstance(s, Spec) else spec(s)
    return Derivation(_report.build(s, _mode(s, mode, decimals), with_symbolic=arguments.flag(symbolic, "symbolic")))


@dataclass(frozen=True)
class Graph:
    """An expression's computation graph with its primal, tangent and adjoint traces."""

    report: GraphReport
    decimals: int = 3

    @property
    def value(self) -> Any:
        return self.report.traces.outputs[0]

    @property
    def gradient(self) -> tuple[Any, ...]:
        """∂y/∂x_k for every input, from the reverse pass (None if it was not run)."""
        return self.report.traces.reverse[0].gradient if self.report.traces.reverse else None  # type: ignore[return-value]

    @property
    def agrees(self) -> bool | None:
        return self.report.agrees

    def to_json(self) -> str:
        from .derive.formats import graph_json

        return graph_json.render(self.report, self.decimals)

    def to_latex(self) -> str:
        from .derive.formats import graph_latex

        return graph_latex.render(self.report, self.decimals)

    def to_text(self) -> str:
        from .derive.formats import graph_text

        return graph_text.render(self.report, self.decimals)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Graph of {self.report.title}; print() or .to_text() shows its traces>"

    def _repr_markdown_(self) -> str:
        from .derive.formats.graph_latex import equation
        from .derive.graphs.terms import printer_for

        t = self.report.traces
        p = printer_for("latex", self.decimals, mode=t.mode)
        blocks = [("Primal trace", t.primal.lines)]
        blocks += [(f"Forward mode, pass {k}: tangents", tp.lines) for k, tp in enumerate(t.forward, start=1)]
        blocks += [(f"Reverse mode, pass {k}: adjoints, last operation first", ap.lines)
                   for k, ap in enumerate(t.reverse, start=1)]
        out = [f"### Computation graph of `{self.report.title}`"]
        for title, lines in blocks:
            rows = [" &= ".join(equation(p, ln)) for ln in lines]
            out.append(f"**{title}**\n\n$$\\begin{{aligned}}" + " \\\\ ".join(rows) + "\\end{aligned}$$")
        return "\n\n".join(out)


def graph(expr: str, at: Mapping[str, Any] | str, mode: str = "both", decimals: int | None = None) -> Graph:
    """The computation graph of ``expr`` (``"y = x1*x2 + sin(x1)"`` or its right side) at the
    inputs ``at`` (``{"x1": 2, "x2": "1/2"}``, or ``"x1=2,x2=1/2"`` as ``derive --at`` takes
    them): ``mode`` is ``forward``, ``reverse`` or ``both``; exact numbers, or ``decimals=D``
    for the hand computation."""
    from .derive.graphs.report import parse_at

    if not isinstance(expr, str):
        raise arguments.ArgumentTypeError("expr", f"expected the expression as a string, got {type(expr).__name__}",
                                          "give expr='x1*x2 + sin(x1)'")
    arguments.choice(mode, "mode", ("forward", "reverse", "both"))
    decimals = arguments.decimals(decimals)
    if isinstance(at, str):
        values = parse_at(at)
    elif isinstance(at, Mapping):
        values = {str(k): parse_number(v, f"at.{k}") for k, v in arguments.plain(at).items()}
    else:
        raise arguments.ArgumentTypeError("at", f"expected a dict or 'x1=2,x2=5', got {type(at).__name__}",
                                          "give at={'x1': 2, 'x2': 5}")
    text = expr if "=" in expr else f"y = {expr}"
    numbers = hand(decimals) if decimals is not None else EXACT
    return Graph(for_expression(text, values, numbers, mode), decimals if decimals is not None else 3)



# the lectures' notation as derive's text writes it, a symbol at a time
_SYMBOL = re.compile(r"(?P<d>∂C/∂)?(?:σ'\((?P<inner>[zab])\^\((?P<il>\d+)\)_(?P<ij>\d+)\)"
                     r"|(?P<name>[δzawb])\^\((?P<l>\d+|l)\)_(?P<j>\d+|[jk]+)|(?P<plain>[xyŷ])_(?P<pj>\d+|[jk]))")
_TEX = {"δ": r"\delta", "ŷ": r"\hat{y}"}


def typeset(text: str) -> str:
    """derive's plain-text notation (δ^(1)_2, ∂C/∂w^(1)_21, σ'(z^(1)_1), x_1, ŷ_1) as inline
    math, a symbol at a time, for a notebook's table: its sentences then read as its values."""
    def tex(m: re.Match[str]) -> str:
        if m["inner"]:
            body = "\\sigma'(" + f"{m['inner']}^{{({m['il']})}}_{{{m['ij']}}})"
        elif m["name"]:
            body = f"{_TEX.get(m['name'], m['name'])}^{{({m['l']})}}_{{{m['j']}}}"
        else:
            body = f"{_TEX.get(m['plain'], m['plain'])}_{{{m['pj']}}}"
        return "$" + ("\\partial C/\\partial " if m["d"] else "") + body + "$"
    return _SYMBOL.sub(tex, text).replace("|", "\\|")


@dataclass(frozen=True)
class Checked:
    """A student's values against the network's: one row per value, with the verdict
    (``correct``, ``carried``: right from their own earlier values, ``wrong``) and, for a
    wrong one, the typical mistake that gives it."""

    result: Check

    @property
    def rows(self) -> tuple[Any, ...]:
        return self.result.rows

    def verdicts(self) -> dict[str, str]:
        return {r.name: r.verdict for r in self.result.rows}

    def counts(self) -> dict[str, int]:
        return self.result.counts()

    def to_json(self) -> str:
        from .derive.formats import check as check_format

        return check_format.to_json(self.result)

    def to_text(self) -> str:
        from .derive.formats import check as check_format

        return check_format.text(self.result)

    def __str__(self) -> str:  # print(gradsheet.check(...)) reads as the table derive --check prints
        return self.to_text()

    def __repr__(self) -> str:
        c = self.counts()
        return f"<Checked: {c['correct']} correct, {c['carried']} carried, {c['wrong']} wrong; print() shows the table>"

    def _repr_markdown_(self) -> str:
        from .derive.formats import check as check_format

        mark = {"correct": "✓ correct", "carried": "→ carried", "wrong": "✗ wrong"}
        lines = ["| value | given | expected | verdict | why |", "|---|---|---|---|---|"]
        for r in self.result.rows:
            why = typeset(check_format.why(r, not self.result.mode.is_float))
            # the value as the student wrote it (0.1, not 1/10); the expected one as precisely
            given = r.written or _number(r.given)
            expected = check_format.expected(r, not self.result.mode.is_float, self.result.tolerance.decimals is not None)
            lines.append(f"| {typeset(text_label(r.name))} | {given} | {expected} | {mark[r.verdict]} | {why} |")
        c = self.counts()
        return f"{c['correct']} correct, {c['carried']} carried, {c['wrong']} wrong " \
               f"({self.result.tolerance.describe()})\n\n" + "\n".join(lines)


def _number(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(value) if getattr(value, "is_Rational", False) and len(str(value)) <= 12 else f"{f:.6g}"


def check(s: Spec | str | Path | Mapping[str, Any], answers: Mapping[str, Any] | str | Path,
          decimals: int | None = None, tol: str | float | None = None) -> Checked:
    """A student's values (as in an answers file: ``{"delta2": 13, "grad_W1": [[...]]}``, or
    that file's path) checked against the network's: rounded to ``decimals`` (by default the most decimals the
    student wrote), or within ``tol`` (``"0.005"`` or ``"0.1%"``)."""
    s = s if isinstance(s, Spec) else spec(s)
    source = arguments.mapping_or_path(answers, "answers", "{'delta2': 13} or 'mine.toml'")
    decimals, tol = arguments.decimals(decimals), arguments.tolerance(tol)
    names = quantities.names(s)
    given = _answers.load(source, names, len(s.examples)) if isinstance(source, Path) else \
        _answers.parse(source, names, len(s.examples))
    if tol is not None and decimals is not None:
        raise SpecError("tol", "given together with decimals", "give one of them")
    if tol is not None:
        try:
            tolerance = Tolerance.parse(tol)
        except ValueError:
            raise SpecError("tol", f"{tol!r} is not a tolerance", "give e.g. '0.005' or '0.1%'") from None
    else:
        tolerance = Tolerance(decimals=decimals) if decimals is not None else inferred_tolerance(given)
    return Checked(_check(s, given, tolerance))


def build(exam: str | Path | Mapping[str, Any], roster: str | Path | Sequence[tuple[str, str]] | None = None,
          out: str | Path | None = None, formats: Sequence[str] | str = ("pdf",), *, seed: int | None = None,
          force: bool = False) -> Path:
    """Build an exam as ``generate`` does: the spec (a TOML file or a dict), a roster (a CSV
    file, or (id, name) pairs; by default the spec's, else one sample sheet), into ``out``
    (default ``output/<exam name>``) in ``formats`` (``pdf``, ``tex``, ``moodle``, ``qti``).
    Returns the folder written."""
    from dataclasses import replace

    from .generate import roster as rosters, spec as exam_spec
    from .generate.build import Request, build as run, formats as known

    e = exam_spec.parse(arguments.plain(exam)) if isinstance(exam, Mapping) else \
        exam_spec.load(arguments.text_or_path(exam, "exam", "'quiz.toml' or a dict with title and problems"))
    seed, force = arguments.seed(seed), arguments.flag(force, "force")
    if seed is not None:
        e = replace(e, seed=seed)
    if roster is None:
        students = rosters.load(Path(e.roster)) if e.roster else rosters.SAMPLE
    elif isinstance(roster, (str, Path)):
        students = rosters.load(Path(roster))
    else:
        if not isinstance(roster, Sequence) or not all(isinstance(row, Sequence) and not isinstance(row, str)
                                                       and len(row) == 2 for row in roster):
            raise arguments.ArgumentTypeError("roster", "expected a CSV file's path or (id, name) pairs",
                                              "give roster='class.csv' or roster=[('s01', 'Ada')]")
        lines = "\n".join(",".join('"' + str(c).replace('"', '""') + '"' for c in row) for row in roster)
        students = rosters.parse("id,name\n" + lines)
    asked = arguments.names(formats, "formats", "('pdf', 'moodle') or 'pdf,moodle'")
    try:
        wanted = ",".join(known(",".join(asked)))
    except SpecError as error:
        raise SpecError("formats", error.problem, "use one or more of pdf, tex, moodle, qti, e.g. ('pdf', 'moodle')") \
            from None
    folder = Path(arguments.text_or_path(out, "out", "'output/quiz'")) if out is not None else Path("output") / e.name
    made, _ = run(Request(e, students, folder, force, wanted))
    return made
