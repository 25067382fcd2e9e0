"""Learning-management-system exports over the same draw as the PDFs (R/exams' one driver per
format): the statement, the questions, the key's values and tolerances and the worked solution
of every variant, as Moodle XML (:mod:`.moodle`).

:mod:`.html` turns the LaTeX the templates write into HTML with its mathematics left as TeX
for MathJax; :mod:`.figures` compiles the figures once and converts each page to SVG.
"""

# the words a key's text answers are drawn from, offered as the choices of a question
CHOICES = (("yes", "no"), ("forward", "reverse"))


def choices(answer: str) -> tuple[str, ...]:
    """The words offered for a text answer, in a fixed order: yes/no, forward/reverse."""
    return next((c for c in CHOICES if answer in c), (answer,))
