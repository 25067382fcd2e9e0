"""The mathematics: networks, traces, symbolic derivation, checking (``gradsheet.derive``).

The package is also the function ``gradsheet.derive(spec, …)`` of the Python API: importing
``gradsheet.derive.backprop`` binds the name ``gradsheet.derive`` to this package, so the
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
