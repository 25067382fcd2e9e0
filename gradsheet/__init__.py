"""gradsheet: neural-network gradients derived symbolically and by backpropagation, and
randomized exercise sheets with worked solutions.

In a notebook or a script::

    import gradsheet
    d = gradsheet.derive(gradsheet.example("herrmann-backprop"))   # shows the derivation in Jupyter
    d.grad_W[0]                                                    # [[-432, -288], [288, 192]]
    gradsheet.check(gradsheet.example("herrmann-backprop"), {"delta2": 13})
    gradsheet.graph("x1*x2 + sin(x1)", at={"x1": 2, "x2": 5})
    gradsheet.build("quiz.toml", roster="class.csv", formats=("pdf", "moodle"))

Everything installs under this one import name: ``gradsheet.derive`` (the mathematics; the
package is also the function above), ``gradsheet.generate`` (exercises, rendering, grading,
LMS exports) and ``gradsheet.templates`` (the LaTeX templates). The repository keeps them as
the top-level folders ``derive/``, ``generate/`` and ``templates/``; ``pyproject.toml`` maps
them here, so no bare ``derive`` or ``generate`` package lands in site-packages beside PyPI's.
"""

from typing import TYPE_CHECKING, Any

from . import derive

if TYPE_CHECKING:
    from .api import Checked, Derivation, Graph, build, check, example, graph, spec

__version__ = "0.1.0"
__all__ = ["derive", "example", "spec", "graph", "check", "build", "Derivation", "Graph", "Checked"]


def __getattr__(name: str) -> Any:
    # the API on first use (PEP 562): the commands `generate` and `derive` import their own
    # modules, not the API's (its imports cost the command line ~0.1 s at every start)
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'gradsheet' has no attribute {name!r}")
