"""gradsheet: neural-network gradients derived symbolically and by backpropagation, and
randomized exercise sheets with worked solutions.

Everything installs under this one import name: ``gradsheet.derive`` (the mathematics),
``gradsheet.generate`` (exercises, rendering, grading, LMS exports) and
``gradsheet.templates`` (the LaTeX templates). The repository keeps them as the top-level
folders ``derive/``, ``generate/`` and ``templates/``; ``pyproject.toml`` maps them here, so
no bare ``derive`` or ``generate`` package lands in site-packages beside PyPI's own.
"""

__version__ = "0.1.0"
