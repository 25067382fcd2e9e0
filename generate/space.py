"""Writing space on the exam sheet: how much room each part leaves for the student's work.

``answer_space`` (the exam's, or a problem's own) is ``"auto"``, ``"none"`` or a length.
``auto`` sizes a part from the work it asks: its share of the problem's worked solution (the
steps a student writes out, each about a line and a half of handwriting) beside the answers
it asks for; a part whose answers are words or a count (yes/no, the cheaper mode) gets a line
or two; a part that asks for something the key cannot hold (write ŷ as a nested function,
draw the graph) a few lines. ``none`` is the compact sheet, for take-home sheets.
"""

from __future__ import annotations

from typing import Any

from .problem import Problem, Question

STEP_CM = 1.0        # one worked step, written out by hand
BASE_CM = 1.5        # the part's own answer line(s)
MIN_CM, MAX_CM = 3.0, 10.0
SHORT_CM = 2.0       # an answer in words or a single count: a line or two
BY_HAND_CM = 5.0     # a question graded by hand (a nested function, a drawing)


def _steps(problem: Problem) -> int:
    """Leaf steps of the worked solution: what a student writes, one line each."""
    return sum(len(step.detail) or 1 for section in problem.solution for step in section.steps)


def auto_cm(problem: Problem, question: Question) -> float:
    """A part's room in cm, from its share of the worked solution (by the answers it asks)."""
    if not question.parts:
        return BY_HAND_CM
    texts = {a.part for a in problem.answers if isinstance(a.key_value, str)}
    if all(part in texts for part in question.parts):
        return SHORT_CM
    asked = sum(len(q.parts) for q in problem.questions) or 1
    share = _steps(problem) * len(question.parts) / asked
    return round(min(MAX_CM, max(MIN_CM, BASE_CM + STEP_CM * share)), 1)


def room(setting: str, problem: Problem, question: Question) -> str:
    """The LaTeX length a part leaves under it ("" for none)."""
    if setting == "none":
        return ""
    if setting == "auto":
        return f"{auto_cm(problem, question):g}cm"
    return setting


def setting(exam: Any, variant: Any) -> str:
    """The problem's own answer_space, else the exam's."""
    return variant.spec.answer_space or exam.answer_space
