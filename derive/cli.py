"""The ``derive`` command: a network spec in, its whole derivation out."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from . import catalogue
from .printing import report
from .errors import OneLineParser, SpecError, printable
from .engine.network import Spec, load_spec
from .limits import MAX_DECIMALS, check_printed
from .engine.numbers import EXACT, FLOAT, Mode, hand

if TYPE_CHECKING:  # the graph routes are imported when asked for: they need SymPy
    from .graphs.report import GraphReport

MODES = ("forward", "reverse", "both")  # of --graph: forward-mode tangents, reverse-mode adjoints

DESCRIPTION = """\
Forward pass, cost, deltas (Eq. 3.18/3.23), gradients (Eq. 3.14/3.16) by backpropagation and,
beside them, by symbolic differentiation of the nested function, then one gradient-descent
step and the pass after it.

Number modes:
  exact    integers and fractions stay exact (default when every value stays rational)
  float    float64 (default otherwise)
  hand     every intermediate rounded to D decimals, as a student computes (--decimals D)
"""

EPILOG = """\
examples:
  derive --list-examples                    the lectures' worked examples shipped with gradsheet
  derive --example herrmann-backprop        Herrmann 3.4: ŷ = 4, C = 9/2, ∂C/∂w = ...
  derive --example bhadani-sigmoid          Bhadani's 1-2-3-1 sigmoid/BCE network, 4 decimals
  derive net.toml --format latex -o d.tex   a compilable LaTeX derivation
  derive net.toml --format json             the machine form (see README)
  derive --params 2x300,5x150 --inputs 2 --outputs 1
  derive --scaling                          why symbolic differentiation does not scale
  derive --example herrmann-backprop --check mine.toml
                                            check a hand computation step by step
  derive --graph "y = log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5
                                            Baydin et al.'s traces: forward and reverse mode
  derive --graph "z1 = x1*x2; z2 = z1*x1; y = z2^2" --at x1=2,x2=3 --mode reverse
  derive --graph "..." --at ... --format latex -o g.tex   the graph in TikZ and every trace line
  derive --example herrmann-backprop --graph              backprop as reverse mode on the network's graph

computation graphs (--graph): + - * / ^ (by a constant), exp, log (ln), sin, cos, tanh, sigmoid,
relu, square; one node per operation, numbered v_1, v_2, ... in the order written, inputs
v_{1-n} ... v_0 (Baydin's convention). Forward mode makes one pass per input, reverse mode one
per output; a node used twice gets two contributions to its adjoint, each on its own line.

checking answers (--check FILE): the file names values as derive's JSON does, whole or by
entry, 1-based:  z1 = [-3, -4]   "delta1[2]" = 96   grad_W1 = [[-432, -288], [288, 192]]
Each value is correct, wrong, or carried (wrong, but right from your own earlier values);
a wrong value that a typical mistake explains is named with the correct formula. Values are
compared exactly, or as rounded to --decimals D (intermediates too; by default the most
decimals you wrote), or within --tol 0.005 / --tol 0.1%. Exit status 1 when a value is wrong.

spec format (TOML; the same structure in JSON):
  loss = "half_sse"            # half_sse | mse | bce | cross_entropy
  learning_rate = "1/1000"     # optional: adds the update step and verification pass
  [[layers]]
  weights = [[1, -3], [-2, 1]] # row j = neuron j, column k = neuron k of the layer before
  activation = "square"        # or { name = "leaky_relu", alpha = "1/10" }
  bias = [0, 0]                # optional
  [example]                    # or [[examples]] for a batch
  x = [3, 2]
  y = [1]
"""


def parser() -> argparse.ArgumentParser:
    ap = OneLineParser(prog="derive", description=DESCRIPTION, epilog=EPILOG,
                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec", nargs="?", help="network spec, .toml or .json")
    src = ap.add_argument_group("other sources")
    src.add_argument("--example", metavar="NAME", help="run a lecture example shipped with gradsheet")
    src.add_argument("--list-examples", action="store_true", help="list the shipped examples")
    src.add_argument("--scaling", action="store_true", help="measure naive symbolic vs CSE vs backprop")
    src.add_argument("--params", metavar="DxW[,DxW…]", help="parameter counts of fully connected networks "
                     "with D hidden layers of W neurons")
    src.add_argument("--inputs", type=int, default=2, help="inputs for --params (default 2)")
    src.add_argument("--outputs", type=int, default=1, help="outputs for --params (default 1)")
    src.add_argument("--no-bias", action="store_true", help="count --params without biases")
    modes = ap.add_argument_group("number mode").add_mutually_exclusive_group()
    modes.add_argument("--exact", action="store_true", help="exact integers/fractions (irrationals stay exact)")
    modes.add_argument("--float", action="store_true", help="float64")
    modes.add_argument("--decimals", type=int, metavar="D", help="hand mode: round every intermediate to D decimals")
    gr = ap.add_argument_group("computation graphs (automatic differentiation)")
    gr.add_argument("--graph", nargs="?", const="", metavar="EXPR",
                    help='the graph of EXPR ("y = log(x1) + x1*x2 - sin(x2)" or "z1 = x1*x2; y = z1^2"); '
                         "without EXPR, the graph of the spec's network and cost")
    gr.add_argument("--at", metavar="x1=2,x2=5", help="the inputs' values for --graph EXPR (also fixes their order)")
    gr.add_argument("--mode", choices=MODES,
                    help="forward-mode tangents, reverse-mode adjoints, or both (default: both; reverse for a network)")
    gr.add_argument("--wrt", metavar="x1[,x2…]", help="the inputs to make forward-mode passes for (default: all)")
    chk = ap.add_argument_group("checking a hand computation")
    chk.add_argument("--check", metavar="ANSWERS", help="check the values in ANSWERS (.toml/.json) against the spec")
    chk.add_argument("--tol", metavar="T", help="tolerance for --check: absolute (0.005) or relative (0.1%%)")
    out = ap.add_argument_group("output")
    out.add_argument("--format", choices=("text", "latex", "pdf", "json", "dot"), default="text",
                     help="pdf: the LaTeX derivation compiled (pdflatex, with -o FILE); dot (Graphviz) with --graph only")
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    out.add_argument("--force", action="store_true", help="overwrite an existing --output file")
    out.add_argument("--no-symbolic", action="store_true", help="skip the symbolic derivation")
    out.add_argument("--symbolic-for", metavar="GRADS",
                     help="with --format latex: write sympy.diff's derivative, a term per path, for these "
                          "gradients ('grad_W1[2,1],grad_b2[1]'; default: the first weight of each layer)")
    out.add_argument("--fragment", nargs="?", const="beamer", choices=("beamer", "column"),
                     help="with --format latex: the body alone, no preamble, laid out to a beamer frame's width "
                          "(or an article column's, --fragment column), to paste into slides or notes")
    nota = ap.add_argument_group("notation")
    nota.add_argument("--layer-index", choices=("()", "[]"), help="w^(l) or w^[l]")
    nota.add_argument("--bias-as", choices=("b", "w0"), help="bias written b_j or w_j0")
    nota.add_argument("--cost-symbol", choices=("C", "L"))
    nota.add_argument("--index-order", choices=("jk", "kj"), help="w_jk: to j from k (Herrmann) or w_kj (Bhadani)")
    nota.add_argument("--no-equation-refs", action="store_true",
                      help="leave out the (Eq. 3.14) tags, which number one set of lecture notes")
    return ap


def _mode(args: argparse.Namespace, spec: Spec, preset: Mode | None) -> Mode | None:
    if args.exact:
        return EXACT
    if args.float:
        return FLOAT
    if args.decimals is not None:
        return hand(args.decimals)
    return preset


def _render(rep: report.Report, fmt: str, symbolic_for: str | None = None, fragment: str | None = None) -> str | bytes:
    from importlib import import_module

    if fmt == "pdf":
        return _compiled(str(_render(rep, "latex", symbolic_for)))
    # only the writer asked for: LaTeX's imports the symbolic route's printer (and SymPy)
    writer = import_module(f".formats.{fmt}", __package__)
    options: dict = {"fragment": fragment} if fragment else {}
    if symbolic_for is not None:
        options["symbolic_for"] = _gradients(symbolic_for, rep.spec.network)
    return writer.render(rep, **options)


def _compiled(latex: str) -> bytes:
    """The derivation's LaTeX compiled to PDF in a folder of its own, which goes with it."""
    import tempfile

    from .tex import compile_document

    with tempfile.TemporaryDirectory(prefix="derive-pdf-") as folder:
        tex = Path(folder) / "derivation.tex"
        tex.write_text(latex, encoding="utf-8")
        return compile_document(tex, runs=2).read_bytes()  # longtable settles its columns on the second run


_GRADIENT = re.compile(r"grad_(?P<kind>[Wb])(?P<l>\d+)\[(?P<index>[\d, ]+)\]")


def _gradients(text: str, network: Any) -> tuple[tuple[str, int, int, int], ...]:
    """``grad_W1[2,1],grad_b2[1]`` as (kind, layer, j, k), 1-based, each within the network."""
    out = []
    for name in (n.strip() for n in re.split(r",\s*(?=grad_)", text.strip())):
        m = _GRADIENT.fullmatch(name)
        if m is None:
            raise SpecError("--symbolic-for", f"{name[:40]!r} is not a gradient's name",
                            "name them as the answers files do: grad_W1[2,1], grad_b2[1]")
        l, index = int(m["l"]), tuple(int(i) for i in m["index"].replace(" ", "").split(","))
        if not 1 <= l <= network.depth:
            raise SpecError("--symbolic-for", f"{name}: the network has layers 1 to {network.depth}",
                            "give a layer of the network")
        layer = network.layers[l - 1]
        shape = (layer.n_out, layer.n_in) if m["kind"] == "W" else (layer.n_out,)
        if m["kind"] == "b" and layer.bias is None:
            raise SpecError("--symbolic-for", f"{name}: layer {l} has no bias", "name a weight of it")
        if len(index) != len(shape) or any(not 1 <= i <= n for i, n in zip(index, shape)):
            raise SpecError("--symbolic-for", f"{name}: the index is outside {'×'.join(map(str, shape))}",
                            "indices start at 1: row j = neuron j, column k = neuron k of the layer before")
        out.append(("w" if m["kind"] == "W" else "b", l, index[0], index[1] if len(index) > 1 else 0))
    return tuple(dict.fromkeys(out))  # a name given twice is written once


def writable(target: str, force: bool) -> Path:
    """``--output``, where it may be written: checked before any work is done for it."""
    path = Path(target)
    if path.exists() and not path.is_file():
        raise SpecError("--output", f"{path} is a directory or a device, not a file", "give a file name")
    if path.exists() and not force:
        raise SpecError("--output", f"{path} exists", "pass --force to overwrite it, or choose another file")
    if not path.parent.is_dir():
        raise SpecError("--output", f"folder {path.parent} does not exist", "create it first")
    return path


def write(text: str | bytes, target: str | None, force: bool) -> None:
    """Standard output, or a file written whole (a temporary file renamed into place)."""
    if target is None:
        sys.stdout.write(text) if isinstance(text, str) else sys.stdout.buffer.write(text)
        return
    path = writable(target, force)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8") if isinstance(text, str) else tmp.write_bytes(text)
        tmp.replace(path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise SpecError("--output", f"cannot write {path}: {error.strerror or error}",
                        "choose a writable folder") from None
    except BaseException:  # Ctrl-C while writing: no half-written temporary file left behind
        tmp.unlink(missing_ok=True)
        raise


# what each route of the command reads; any other option given is refused (errors.refuse_unused)
_OUTPUT = {"output", "force"}
_MODES = {"exact", "float", "decimals"}
_NOTATION = {"layer_index", "bias_as", "cost_symbol", "index_order", "no_equation_refs"}
_NETWORK = {"spec", "example"} | _OUTPUT | _NOTATION | {"format"}
ROUTES = {
    "list_examples": ("--list-examples", {"list_examples"} | _OUTPUT),
    "params": ("--params", {"params", "inputs", "outputs", "no_bias"} | _OUTPUT),
    "scaling": ("--scaling", {"scaling"}),
    "graph_expression": ("--graph EXPR", {"graph", "at", "mode", "wrt", "format"} | _MODES | _OUTPUT),
    "check": ("--check", _NETWORK | {"check", "tol", "decimals"}),
    "graph_network": ("a network's --graph", _NETWORK | _MODES | {"graph", "mode", "wrt"}),
    "report": ("a network's derivation", _NETWORK | _MODES | {"no_symbolic", "symbolic_for", "fragment"}),
}


def _route(args: argparse.Namespace) -> str:
    if args.list_examples:
        return "list_examples"
    if args.params:
        return "params"
    if args.scaling:
        return "scaling"
    if args.graph:
        return "graph_expression"
    if args.check:
        return "check"
    return "graph_network" if args.graph is not None else "report"


def run(argv: Sequence[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.decimals is not None and not 0 <= args.decimals <= MAX_DECIMALS:
        raise SpecError("--decimals", f"{args.decimals} is out of range", f"give 0 to {MAX_DECIMALS} decimal places")
    route = _route(args)
    if route == "graph_expression" and (args.spec or args.example):
        raise SpecError("--graph", "an expression given together with a network",
                        "give --graph EXPR alone, or --graph without EXPR for the network's graph")
    if route == "check" and (args.exact or args.float):
        raise SpecError("--exact" if args.exact else "--float", "does not apply to --check, which compares exactly "
                        "where the spec's numbers are rational and in float otherwise",
                        "leave it out; --decimals D or --tol T say how close counts")
    if route == "check" and args.graph is not None:
        raise SpecError("--check", "checks a network's values", "leave out --check with --graph")
    if route == "graph_network" and args.at:
        raise SpecError("--at", "a network's graph takes its values from the spec", "leave out --at")
    for option in ("at", "mode", "wrt"):
        if getattr(args, option) is not None and args.graph is None:
            raise SpecError(f"--{option}", "belongs to --graph", f"add --graph \"EXPR\", or leave out --{option}")
    if args.format == "pdf" and (args.graph is not None or args.check):
        raise SpecError("--format", "pdf compiles a network's derivation",
                        "use --format latex (and pdflatex) for a graph, text or json for --check")
    if args.format == "dot" and args.graph is None:
        raise SpecError("--format", "dot draws a computation graph", "add --graph, or use --format text, latex or json")
    ap.refuse_unused(args, *ROUTES[route], hints={
        "tol": "--tol says how close --check counts: add --check ANSWERS, or leave out --tol",
        "no_symbolic": "leave out --no-symbolic: only a network's derivation has a symbolic route"})
    if args.list_examples:
        write(catalogue.listing(), args.output, args.force)
        return 0
    if args.params:
        from .engine.params import table

        write(table(args.params, args.inputs, args.outputs, not args.no_bias), args.output, args.force)
        return 0
    if args.scaling:
        from .symbolic.scaling import run as run_scaling

        run_scaling(sys.stdout)
        return 0
    if args.graph is not None and args.graph != "":
        return _graph_expression(args)
    if args.example and args.spec:
        raise SpecError("--example", "given together with a spec file", "give one of them")
    if not (args.example or args.spec):
        raise SpecError("spec", "no network given", "name a spec file, or try derive --example herrmann-backprop")
    # float mode without the symbolic route reads the spec's numbers as Python's own and runs
    # without SymPy (its import is most of the start-up, which a student pays at every run)
    light = args.no_symbolic and not (args.exact or args.decimals is not None or args.check or args.graph is not None)
    spec, preset = _load(args, exact=not light)
    if light and not args.float and (preset is not None or spec.network.rational):
        spec, preset = _load(args, exact=True)  # exact or hand mode by default: SymPy's numbers
    spec = Spec(spec.network, spec.examples,
                spec.notation.updated(layer_index=args.layer_index, bias=args.bias_as, cost=args.cost_symbol,
                                      index_order=args.index_order,
                                      equation_refs=False if args.no_equation_refs else None),
                spec.name, spec.description)
    if args.check:
        return _check(spec, args)
    if args.graph is not None:
        return _graph_network(spec, args, preset)
    if args.format in ("text", "latex", "pdf"):  # before computing what could not be printed
        check_printed(spec.network.parameter_count, len(spec.examples))
    if args.format == "pdf" and args.output is None:
        raise SpecError("--format", "pdf is a binary file", "give the file to write: -o derivation.pdf")
    if args.format == "pdf":
        writable(args.output, args.force)  # before pdflatex's seconds, not after
    if args.fragment is not None and args.format != "latex":
        raise SpecError("--fragment", "is a piece of LaTeX to paste into a document", "add --format latex")
    if args.symbolic_for is not None and args.format not in ("latex", "pdf"):
        raise SpecError("--symbolic-for", "writes the derivative into the LaTeX derivation",
                        "add --format latex (or pdf)")
    if args.symbolic_for is not None and args.no_symbolic:
        raise SpecError("--symbolic-for", "given together with --no-symbolic", "leave out one of them")
    rep = report.build(spec, _mode(args, spec, preset), with_symbolic=not args.no_symbolic)
    write(_render(rep, args.format, args.symbolic_for, args.fragment), args.output, args.force)
    return 0


def _load(args: argparse.Namespace, exact: bool) -> tuple[Spec, Mode | None]:
    if args.example:
        return catalogue.load(args.example, exact)
    return load_spec(args.spec, exact), None


def _graph_write(report: GraphReport, args: argparse.Namespace) -> int:
    from .formats import graph_dot, graph_json, graph_latex, graph_text

    writer = {"text": graph_text, "latex": graph_latex, "json": graph_json, "dot": graph_dot}[args.format]
    mode = report.traces.mode
    decimals = args.decimals if args.decimals is not None else (
        mode.decimals if mode is not None and mode.name == "hand" else 3)
    write(writer.render(report, decimals), args.output, args.force)
    return 0


def _names(text: str | None) -> list[str] | None:
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def _graph_expression(args: argparse.Namespace) -> int:
    from .graphs.report import for_expression, parse_at

    if args.check:
        raise SpecError("--check", "checks a network's values", "leave out --check with --graph")
    mode = _mode(args, None, None) or EXACT
    report = for_expression(args.graph, parse_at(args.at), mode, args.mode or "both", _names(args.wrt))
    return _graph_write(report, args)


def _graph_network(spec: Spec, args: argparse.Namespace, preset: Mode | None) -> int:
    from .graphs.report import for_network
    from .printing.report import default_mode

    if args.at:
        raise SpecError("--at", "a network's graph takes its values from the spec", "leave out --at")
    mode = _mode(args, spec, preset) or default_mode(spec)
    return _graph_write(for_network(spec, mode, 0, args.mode or "reverse", _names(args.wrt)), args)


def _check(spec: Spec, args: argparse.Namespace) -> int:
    from .checking import answers, quantities
    from .checking.check import Tolerance, check, inferred_tolerance
    from .formats import check as check_format

    if args.format == "latex":
        raise SpecError("--format", "latex is not available with --check", "use --format text or json")
    names = quantities.names(spec)
    given = answers.load(args.check, names, len(spec.examples))
    if args.tol is not None and args.decimals is not None:
        raise SpecError("--tol", "given together with --decimals", "give one of them")
    if args.tol is not None:
        try:
            tolerance = Tolerance.parse(args.tol)
        except ValueError:
            raise SpecError("--tol", f"{args.tol!r} is not a tolerance",
                            "give a finite number >= 0 (absolute, e.g. 0.005) or a percentage below 100 (0.1%)") from None
    elif args.decimals is not None:
        tolerance = Tolerance(decimals=args.decimals)
    else:
        tolerance = inferred_tolerance(given)
    result = check(spec, given, tolerance)
    text = check_format.to_json(result) if args.format == "json" else check_format.text(result, args.check)
    write(text, args.output, args.force)
    return 1 if result.counts()["wrong"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except SpecError as error:
        print(f"derive: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("derive: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
