"""``update``: one gradient-descent step, then the verification pass: did the cost fall?"""

from __future__ import annotations

import numpy as np

from gradsheet.derive.printing.step import Section
from gradsheet.derive.printing.steps import delta_steps, forward_steps, gradient_steps, update_steps, verdict, verification_steps

from .. import networks
from ..options import Table
from ..problem import Answer, Problem
from ..sheet import Sheet
from . import Kind
from .forward import network_problem


def options(t: Table, difficulty: str) -> networks.NetOptions:
    networks.square_then_identity(t, difficulty)
    return networks.parse(t, difficulty, learning_rate=True)


def make(rng: np.random.Generator, opts: networks.NetOptions, sheet: Sheet, points: int) -> Problem:
    computed = networks.sample_computed(rng, opts, sheet)
    trace = computed.trace
    assert trace.update is not None
    before, after = trace.forward.cost, trace.update.forward.cost
    if before == after:
        networks.reject(opts, "the step leaves the cost unchanged")
    values = computed.values
    n = sheet.notation
    grads = [p for p in values if p.startswith("grad_W") or p.startswith("grad_b")]
    new = [p for p in values if "_new[" in p]
    fell = "yes" if after < before else "no"
    groups = [
        (sheet.say("Compute {C} and its gradient with respect to every parameter.", C=f"${n.cost_symbol}$"),
         ["cost"] + grads),
        (sheet.say("Take one gradient-descent step with learning rate {alpha}: the new parameters.", alpha=r"$\alpha$"),
         new),
        (sheet.say("Run the forward pass again with the new parameters: the new cost. Did the cost fall?"), ["cost_new"]),
    ]
    p, report = sheet.solution_printer(opts.numbers), computed.report
    solution = (Section("Forward pass", tuple(forward_steps(report, p, 0))),
                Section("Sensitivities", tuple(delta_steps(report, p, 0))),
                Section("Gradients", tuple(gradient_steps(report, p))),
                Section("Gradient-descent step", tuple(update_steps(report, p)), verdict(report, p, sheet.say)),
                Section("Verification pass", tuple(verification_steps(report, p, 0))))
    extra = (Answer("cost_fell", rf"\text{{{sheet.say('cost fell?')}}}", fell, rf"\text{{{sheet.say(fell)}}}", fell, 0.0),)
    return network_problem("update", "One gradient-descent step", computed, sheet, points, groups, solution,
                           learning_rate=True, extra=extra)


KIND = Kind("update", "One gradient-descent step", "one gradient-descent step, then the verification pass",
            options, make)
