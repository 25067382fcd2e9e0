"""SymPy and mpmath loaded on first use, for the ``derive`` and ``generate`` commands.

Importing SymPy takes 0.2–0.4 s, most of a ``derive --float --no-symbolic`` run or of a
``generate`` build of ``param_count`` problems, neither of which needs it: the float engine
is NumPy's, and a parameter count is an integer. The commands' entry points call
:func:`defer` before importing anything else, so that ``import sympy as sp`` binds a stand-in
that imports the real module when first asked for anything, and from then on holds all of
its names. A route that needs SymPy works as before; the routes that do not are kept free of
such uses (tests run them with SymPy's import made to fail). A type test asks
:func:`loaded` first: no value can be one of SymPy's numbers before SymPy is loaded.

(The standard library's ``importlib.util.LazyLoader`` does not serve: on Python 3.11 every
later ``import sympy`` statement reads the module's ``__spec__``, which loads it.)

Only the commands defer: a library user or a test that imports derive gets the modules as
they are.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

HEAVY = ("sympy", "mpmath")


class Deferred(types.ModuleType):
    """A module's stand-in in ``sys.modules`` until one of its names is asked for."""

    def __getattr__(self, attribute: str) -> Any:  # only for names not (yet) in __dict__
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
            try:
                real = importlib.import_module(name)
            except BaseException:
                sys.modules.setdefault(name, self)
                raise
            # modules that imported the stand-in keep it: it takes every name the module has
            self.__dict__.update({k: v for k, v in vars(real).items() if k != "__class__"})
        return getattr(sys.modules[name], attribute)


def loaded(name: str) -> bool:
    """Whether module ``name`` is imported itself, not only its stand-in: a value can be one of
    SymPy's numbers only once SymPy is loaded, so a type test asks this first and loads nothing."""
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, Deferred)


def defer(names: tuple[str, ...] = HEAVY) -> None:
    """A :class:`Deferred` stand-in in ``sys.modules`` for each of ``names`` not yet imported."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue  # not installed: the import that needs it reports that as usual
        stand_in = Deferred(name)
        stand_in.__spec__ = spec  # what an `import` statement reads: it must not load the module
        sys.modules[name] = stand_in
