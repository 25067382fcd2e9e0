"""Randomized forward-/backprop exercise sheets with worked solutions and answer keys.

The pipeline, one way: exam spec → :mod:`generate.variants` (one seeded variant per student
and problem, through the kinds in :mod:`generate.problems`, computed by :mod:`derive`) →
:mod:`generate.render` (Jinja2 templates in ``templates/``) → :mod:`generate.pdf` and
:mod:`generate.key` → the files :mod:`generate.build` writes.
"""
