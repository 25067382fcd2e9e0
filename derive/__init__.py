"""The mathematics: networks, traces, symbolic derivation, checking (``gradsheet.derive``).

Its groups, in the order the data flows: ``engine`` (numbers, networks, backpropagation),
``symbolic`` (the nested expression and ``sympy.diff``), ``graphs`` (computation graphs and
automatic differentiation), ``checking`` (a student's values), ``printing`` (the derivation's
steps), ``figures`` (where figures put things) and ``formats`` (one writer per output); at the
top the ``derive`` command (``cli``), the error type, the limits and the shipped examples.

The package is also the function ``gradsheet.derive(spec, …)`` of the Python API: importing
``gradsheet.derive.engine.backprop`` binds the name ``gradsheet.derive`` to this package, so the
package itself is callable (:func:`gradsheet.api.derive`) and both uses work.
"""

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from gradsheet.api import derive

        return derive(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
