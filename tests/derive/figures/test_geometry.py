"""The label-size estimate the figure layouts rely on errs wide, but not by much: measured
against the boxes TeX itself sets for the labels the figures print."""

from __future__ import annotations

import re
import subprocess

import pytest

from gradsheet.derive.figures import geometry as geo

LABELS = [
    "v_{-1} = 2", r"\bar{v}_{-2} = -0.510", r"\bar{v}_{3} = 1405835670.784", "v_{5} = 11.652",
    r"v_{3} = \tfrac{81}{256}", r"\bar{v}_{0} = -\tfrac{17}{64}", "-1.528", "0.8", r"-\tfrac{4}{3}",
    r"w^{(1)}_{11} = 1", r"\bar{z}^{(2)}_{1} = 12", r"\hat{y} = 0.5744", r"\operatorname{sigmoid}", r"\Box^2",
    r"\frac{1}{1 + e^{-0.3}}", r"\sqrt{2} \cdot \exp\left(-\frac{z^{2}}{2}\right)", r"v_{1} = \ln 2 \approx 0.693",
]


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, tuple[float, float]]:
    """(width, height + depth) in pt of each label at \\scriptsize in an 11 pt document."""
    folder = tmp_path_factory.mktemp("measure")
    lines = [r"\documentclass[11pt]{article}", r"\usepackage{amsmath,amssymb}", r"\newsavebox\probe",
             r"\begin{document}"]
    for n, tex in enumerate(LABELS):
        lines.append(rf"\sbox\probe{{\scriptsize${tex}$}}"
                     rf"\typeout{{M{n}:\the\wd\probe:\the\ht\probe:\the\dp\probe}}")
    lines.append(r"x\end{document}")
    (folder / "m.tex").write_text("\n".join(lines), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "m.tex"],
                         cwd=folder, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    found = {int(n): (float(w), float(h) + float(d))
             for n, w, h, d in re.findall(r"M(\d+):([\d.]+)pt:([\d.]+)pt:([\d.]+)pt", run.stdout)}
    return {tex: found[n] for n, tex in enumerate(LABELS)}


@pytest.mark.parametrize("tex", LABELS)
def test_a_label_box_is_estimated_a_little_wide(measured, tex):
    width_pt, height_pt = measured[tex]
    x0, y0, x1, y1 = geo.text_box(0, 0, tex, 8.0)
    estimated_w, estimated_h = (x1 - x0) / geo.PT_CM, (y1 - y0) / geo.PT_CM
    assert width_pt <= estimated_w <= 1.6 * width_pt + 2, (width_pt, estimated_w)
    assert height_pt <= estimated_h <= 2.0 * height_pt + 2, (height_pt, estimated_h)


def test_a_cubic_curve_starts_and_ends_at_its_ends_and_bends_towards_its_controls():
    path = geo.bezier((0, 0), (0, 1), (1, 1), (1, 0), pieces=10)
    assert path[0] == (0, 0) and path[-1] == (1, 0)
    assert max(y for _, y in path) == pytest.approx(0.75)


def test_distances_and_paths_through_boxes():
    assert geo.segment_distance((1, 1), (0, 0), (2, 0)) == pytest.approx(1)
    assert geo.meets_path((0.9, -0.1, 1.1, 0.1), ((0, 0), (2, 0)))
    assert not geo.meets_path((0.9, 0.2, 1.1, 0.4), ((0, 0), (2, 0)))
