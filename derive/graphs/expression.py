"""Parse a formula or a list of assignments into a computation graph, in the order written.

``y = log(x1) + x1*x2 - sin(x2)`` or ``z1 = x1*x2; z2 = z1*x1; y = z2^2`` (statements
separated by ``;`` or new lines; a bare formula is ``y``). Python's own parser reads the
text (``^`` is a power, as on paper), but the graph keeps the operations as written: SymPy's
canonical form would turn a − b into a + (−1)·b and reorder factors.

Within one statement the operations are numbered level by level (an operation after its
arguments), left to right within a level, which is how Baydin et al. number their example;
statements keep their order. Names assigned and never used again are the outputs.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Sequence

import sympy as sp

from ..errors import SpecError
from ..limits import EXPONENT, EXPRESSION_CHARS, EXPRESSION_DEPTH, EXPRESSION_OPS, describe_limit, too_large
from ..engine.numbers import parse_number
from .graph import Arg, Const, Graph, Node
from .operations import FUNCTIONS
from .terms import Sym

FIELD = "expression"
_NAME = re.compile(r"^([A-Za-z]+?)_?(\d*)$")
_FIX_SYNTAX = "write it like y = log(x1) + x1*x2 - sin(x2), or z1 = x1*x2; y = z1^2"


def symbol_of(name: str) -> Sym:
    """``x1`` → x with subscript 1; ``z_2`` → z₂; ``alpha`` stays a name."""
    match = _NAME.match(name)
    if match and match.group(2):
        return Sym(match.group(1), match.group(2))
    return Sym(name)


def _natural(name: str) -> tuple[str, int, str]:
    match = _NAME.match(name)
    if match and match.group(2):
        return (match.group(1), int(match.group(2)), name)
    return (name, -1, name)


@dataclass
class _Source:
    """The text as written and where each character of the parsed text came from."""

    text: str
    lines: list[str] = field(init=False)
    shifts: list[list[int]] = field(init=False)  # per line: parsed column → written column

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")
        self.shifts = []
        for line in self.lines:
            shift, written = [], 0
            for ch in line:
                shift.append(written)
                if ch == "^":  # becomes ** in the parsed text
                    shift.append(written)
                written += 1
            shift.append(written)
            self.shifts.append(shift)

    def parsed(self) -> str:
        return "\n".join(line.replace("^", "**") for line in self.lines)

    def column(self, lineno: int, col_offset: int) -> int:
        shift = self.shifts[lineno - 1]
        return shift[min(col_offset, len(shift) - 1)] + 1

    def where(self, lineno: int, column: int) -> str:
        return f"line {lineno}, column {column}" if len(self.lines) > 1 else f"column {column}"

    def snippet(self, node: ast.AST) -> str:
        line = self.lines[node.lineno - 1]
        start = self.column(node.lineno, node.col_offset) - 1
        end = (self.column(node.end_lineno, node.end_col_offset) - 1
               if node.end_lineno == node.lineno and node.end_col_offset is not None else len(line))
        return line[start:end]

    def error(self, node: ast.AST, problem: str, fix: str) -> SpecError:
        where = self.where(node.lineno, self.column(node.lineno, node.col_offset))
        return SpecError(FIELD, f"{where}: {problem}", fix)


class _Builder:
    def __init__(self, source: _Source, inputs: Sequence[str] | None) -> None:
        self.source = source
        self.given_inputs = list(inputs) if inputs is not None else None
        self.inputs: list[str] = []
        self.ops: list[Node] = []                # operation nodes, positions as negative placeholders
        self.names: dict[str, Arg | str] = {}    # assigned name → its value
        self.used: set[str] = set()
        self.assigned: list[str] = []
        self._levels: list[int] = []             # of each operation, in self.ops order

    # An operation's arguments refer to inputs by name ("in", name) until the inputs are
    # known and numbered; operations refer to each other by their index in self.ops.

    def statement(self, stmt: ast.stmt, last: bool) -> None:
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                raise self.source.error(stmt, "assign to one name at a time", "write z1 = x1*x2")
            target = stmt.targets[0].id
            if target in self.names or target in self.inputs:
                what = "assigned twice" if target in self.names else "used before it is assigned"
                raise self.source.error(stmt.targets[0], f"{target} is {what}", "give each intermediate its own name")
            if target in FUNCTIONS:
                raise self.source.error(stmt.targets[0], f"{target} is a function's name", "choose another name")
            value = self._statement_ops(stmt.value)
            self.names[target] = value
            self.assigned.append(target)
            if isinstance(value, tuple) and value[0] == "op" and self.ops[value[1]].name is None:
                node = self.ops[value[1]]
                self.ops[value[1]] = Node(node.op, node.args, node.param, symbol_of(target), node.column, node.source)
        elif isinstance(stmt, ast.Expr):
            if not last:
                raise self.source.error(stmt, "a formula that is not assigned to a name must come last",
                                        "write z1 = ... for the intermediate ones")
            # a bare formula is y, unless y is one of its inputs
            output = self.output  # before the assignment below, which would make it "f"
            self.names[output] = self._statement_ops(stmt.value)
            self.assigned.append(output)
        else:
            raise self.source.error(stmt, f"{self.source.snippet(stmt)!r} is not a formula", _FIX_SYNTAX)

    @property
    def output(self) -> str:
        return "f" if "y" in self.inputs or "y" in self.names else "y"

    def _statement_ops(self, expr: ast.expr) -> Arg | tuple:
        start = len(self.ops)
        value = self.expr(expr)
        return _moved(value, self._order(start))

    def _order(self, start: int) -> dict[int, int]:
        """Number this statement's operations level by level, left to right (Baydin's order);
        returns where each of them moved."""
        fresh = self.ops[start:]
        levels: list[int] = []

        def level(arg: object) -> int:
            if isinstance(arg, tuple) and arg[0] == "op":
                return self._levels[arg[1]] if arg[1] < start else levels[arg[1] - start]
            return 0

        for node in fresh:
            levels.append(1 + max((level(a) for a in node.args), default=0))
        order = sorted(range(len(fresh)), key=lambda i: (levels[i], fresh[i].column or 0, i))
        moves = {start + old: start + new for new, old in enumerate(order)}
        self.ops[start:] = [Node(n.op, tuple(_moved(a, moves) for a in n.args), n.param, n.name, n.column, n.source)
                            for n in (fresh[old] for old in order)]
        self._levels += [levels[old] for old in order]
        return moves

    def expr(self, e: ast.expr) -> object:
        if isinstance(e, ast.Constant) and isinstance(e.value, (int, float)) and not isinstance(e.value, bool):
            # the number as written (0.1 is 1/10; 1e999 is refused, not read as inf)
            try:
                return Const(parse_number(self.source.snippet(e), FIELD))
            except SpecError as error:
                raise self.source.error(e, error.problem, error.fix) from None
        if isinstance(e, ast.Name):
            return self._name(e)
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, (ast.USub, ast.UAdd)):
            arg = self.expr(e.operand)
            if isinstance(e.op, ast.UAdd):
                return arg
            return Const(-arg.value) if isinstance(arg, Const) else self._op("neg", (arg,), e)
        if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Pow):
            exponent = self.expr(e.right)
            if not isinstance(exponent, Const):
                raise self.source.error(e.right, f"the exponent {self.source.snippet(e.right)!r} is not a number",
                                        "a power must be by a constant, e.g. u^2; write exp(b*log(a)) for a^b")
            p, q = exponent.value.p, exponent.value.q
            if abs(p) > EXPONENT or q > EXPONENT:
                raise self.source.error(e.right, f"the exponent {exponent.value} is past the limit",
                                        f"exponents are limited to ±{EXPONENT} (and denominators to {EXPONENT})")
            base = self.expr(e.left)
            if isinstance(base, Const) and exponent.value.is_integer and not (base.value == 0 and exponent.value < 0):
                return self._folded(Const(base.value ** int(exponent.value)), e)
            return self._op("pow", (base,), e, exponent.value)
        binary = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}
        if isinstance(e, ast.BinOp) and type(e.op) in binary:
            left, right = self.expr(e.left), self.expr(e.right)
            name = binary[type(e.op)]
            if isinstance(left, Const) and isinstance(right, Const) and not (name == "div" and right.value == 0):
                a, b = left.value, right.value
                return self._folded(Const({"add": a + b, "sub": a - b, "mul": a * b, "div": a / b if b else a}[name]), e)
            return self._op(name, (left, right), e)
        if isinstance(e, ast.Call):
            return self._call(e)
        raise self.source.error(e, f"{self.source.snippet(e)!r} is not an elementary operation",
                                "use + - * / ^ and exp, log, sin, cos, tanh, sigmoid, relu, square")

    def _folded(self, const: Const, e: ast.AST) -> Const:
        """A constant computed from constants, within the magnitude limit."""
        if const.value != 0 and (too_large(const.value, False) or too_large(1 / const.value, False)):
            raise self.source.error(e, f"the constant {self.source.snippet(e)!r} is past {describe_limit(False)}",
                                    "write smaller constants")
        return const

    def _call(self, e: ast.Call) -> object:
        fn = e.func.id if isinstance(e.func, ast.Name) else self.source.snippet(e.func)
        if fn not in FUNCTIONS:
            known = "exp, log (or ln), sin, cos, tanh, sigmoid, relu, square, sqrt"
            raise self.source.error(e, f"unknown function {fn!r}", f"use one of {known}")
        if len(e.args) != 1 or e.keywords:
            raise self.source.error(e, f"{fn} takes exactly one argument", f"write {fn}(x1)")
        arg = self.expr(e.args[0])
        if fn in ("square", "sqrt"):
            return self._op("pow", (arg,), e, sp.Integer(2) if fn == "square" else sp.Rational(1, 2))
        return self._op(FUNCTIONS[fn], (arg,), e)

    def _name(self, e: ast.Name) -> object:
        name = e.id
        if name in FUNCTIONS:
            raise self.source.error(e, f"{name} is a function", f"call it: {name}(x1)")
        self.used.add(name)
        if name in self.names:
            return self.names[name]
        if name not in self.inputs:
            self.inputs.append(name)
        return ("in", name)

    def _op(self, op: str, args: tuple, e: ast.AST, param: object = None) -> tuple:
        column = self.source.column(e.lineno, e.col_offset)
        self.ops.append(Node(op, args, param, None, column, self.source.snippet(e)))
        return ("op", len(self.ops) - 1)

    def graph(self) -> Graph:
        names = self._input_order()
        n = len(names)
        position = {name: p for p, name in enumerate(names)}

        def arg(a: object) -> Arg:
            if isinstance(a, Const):
                return a
            kind, ref = a
            return position[ref] if kind == "in" else n + ref

        nodes = [Node("input", name=symbol_of(name), source=name) for name in names]
        nodes += [Node(o.op, tuple(arg(a) for a in o.args), o.param, o.name, o.column, o.source) for o in self.ops]
        outputs, output_names = [], []
        for name in self.assigned:
            if name in self.used:
                continue
            value = self.names[name]
            if not (isinstance(value, tuple) and value[0] == "op"):
                what = "a number" if isinstance(value, Const) else f"the input {value[1]}"
                raise SpecError(FIELD, f"the output {name} is {what}, not an operation",
                                "give the output at least one operation")
            outputs.append(arg(value))
            output_names.append(symbol_of(name))
        if not self.ops:
            raise SpecError(FIELD, "the expression has no operation", _FIX_SYNTAX)
        return Graph(tuple(nodes), tuple(outputs), tuple(output_names), self.source.text)

    def _input_order(self) -> list[str]:
        if self.given_inputs is None:
            return sorted(self.inputs, key=_natural)
        unknown = [name for name in self.given_inputs if name not in self.inputs]
        if unknown:
            raise SpecError("--at", f"{unknown[0]} does not occur in the expression as an input",
                            f"give values for {', '.join(sorted(self.inputs, key=_natural))}")
        missing = [name for name in self.inputs if name not in self.given_inputs]
        if missing:
            raise SpecError("--at", f"no value for {missing[0]}", f"add {missing[0]}=... to --at")
        return list(self.given_inputs)


def _moved(arg: object, moves: dict[int, int]) -> object:
    """An argument after its statement's operations were renumbered."""
    if isinstance(arg, tuple) and arg[0] == "op":
        return ("op", moves.get(arg[1], arg[1]))
    return arg


def parse(text: str, inputs: Sequence[str] | None = None) -> Graph:
    """The computation graph of ``text``; ``inputs`` fixes the inputs' order (default: x1, x2, …)."""
    if not text.strip():
        raise SpecError(FIELD, "the expression is empty", _FIX_SYNTAX)
    if len(text) > EXPRESSION_CHARS:
        raise SpecError(FIELD, f"{len(text):,} characters", f"expressions are limited to {EXPRESSION_CHARS:,} characters")
    source = _Source(text.replace("\r\n", "\n").strip("\n"))
    try:
        module = ast.parse(source.parsed(), mode="exec")
    except (RecursionError, MemoryError):
        raise SpecError(FIELD, "nested too deeply to read", f"nest at most {EXPRESSION_DEPTH} operations") from None
    except SyntaxError as error:
        lineno = error.lineno or 1
        column = source.column(lineno, max(0, (error.offset or 1) - 1))
        line = source.lines[lineno - 1] if lineno - 1 < len(source.lines) else ""
        near = line[column - 1:column + 9] or "the end"
        raise SpecError(FIELD, f"{source.where(lineno, column)}: cannot parse at {near!r} in {line.strip()!r}",
                        _FIX_SYNTAX) from None
    if not module.body:
        raise SpecError(FIELD, "the expression is empty", _FIX_SYNTAX)
    depth, count = _shape(module)
    if depth > EXPRESSION_DEPTH:
        raise SpecError(FIELD, f"operations nested {depth} deep", f"nest at most {EXPRESSION_DEPTH}; name parts "
                        "with statements (z1 = ...; y = z1^2)")
    if count > EXPRESSION_OPS:
        raise SpecError(FIELD, f"{count} operations", f"expressions are limited to {EXPRESSION_OPS} operations")
    builder = _Builder(source, inputs)
    for k, stmt in enumerate(module.body):
        builder.statement(stmt, last=k == len(module.body) - 1)
    return builder.graph()


def _shape(module: ast.Module) -> tuple[int, int]:
    """How deeply operations nest in the parsed text, and how many there are (without recursion)."""
    operations = (ast.BinOp, ast.UnaryOp, ast.Call)
    deepest, count = 0, 0
    stack: list[tuple[ast.AST, int]] = [(module, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, operations):
            depth += 1
            count += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest, count
