"""The figures of an LMS export as SVG: one LaTeX document with a page per figure, compiled
once with the sheets' flags and timeout, each page converted by ``pdftocairo -svg``."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from gradsheet.derive.errors import SpecError

from .. import pdf

# The figures' labels are \\scriptsize (8 pt): at their printed size a digit is 7 px tall on a
# screen at 100 %. Drawn 1.75 times as large it is 12 px, as large as the page's own text.
SCREEN_SCALE = 1.75


def svgs(figures: list[str], env: Any, skeletons: list[tuple[str, Any]], timeout: int,
         cache: dict[str, bytes] | None = None) -> list[bytes]:
    """Each figure's LaTeX (a picture or a tikzpicture) as an SVG image, in order. ``cache``
    (LaTeX → SVG) is shared by the exports of one build: each figure is compiled once."""
    cache = {} if cache is None else cache
    figures = [bare(f) for f in figures]
    missing = list(dict.fromkeys(f for f in figures if f not in cache))
    cache.update(zip(missing, _compiled(missing, env, skeletons, timeout)))
    return [cache[f] for f in figures]


def bare(tex: str) -> str:
    """A figure without the centring the sheets give it: each page is cropped to its figure."""
    return tex.replace("\\begin{center}", "").replace("\\end{center}", "").strip()


def _compiled(figures: list[str], env: Any, skeletons: list[tuple[str, Any]], timeout: int) -> list[bytes]:
    if not figures:
        return []
    if shutil.which("pdftocairo") is None:
        raise SpecError("pdftocairo", "not found (it turns the figures into SVG)",
                        "install poppler-utils (Debian: apt-get install poppler-utils)")
    source = env.get_template("figures.tex.j2").render(figures=figures, skeletons=skeletons, lualatex=False,
                                                        fallbacks=(), writing_space=False)
    with tempfile.TemporaryDirectory(prefix="gradsheet-figures-") as folder:
        tex = Path(folder) / "figures.tex"
        tex.write_text(source, encoding="utf-8")
        made = pdf.compile_all([tex], timeout)[0]
        out = []
        for page in range(1, len(figures) + 1):
            target = Path(folder) / f"figure-{page}.svg"
            try:
                subprocess.run(["pdftocairo", "-svg", "-f", str(page), "-l", str(page), made.name, target.name],
                               cwd=folder, check=True, timeout=timeout, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except subprocess.TimeoutExpired:
                raise SpecError("pdftocairo", f"did not finish within {timeout} s", "raise --timeout") from None
            except subprocess.CalledProcessError as error:
                raise SpecError("pdftocairo", f"failed on figure {page}: {error.stderr.decode(errors='replace')[:200]}",
                                "check the poppler-utils installation") from None
            out.append(enlarged(target.read_bytes()))
        return out


def enlarged(svg: bytes, factor: float = SCREEN_SCALE) -> bytes:
    """The SVG displayed ``factor`` times its printed size: its width and height grow, its
    viewBox (the drawing's own coordinates) stays, so the vector drawing scales without loss."""
    def grow(m: re.Match[bytes]) -> bytes:
        return m[1] + b"%.3f" % (float(m[2]) * factor) + m[3]

    root = re.search(rb"<svg [^>]*", svg)
    if root is None:
        raise SpecError("pdftocairo", "wrote an SVG without an <svg> element", "check the poppler-utils installation")
    tag = re.sub(rb'( (?:width|height)=")([\d.]+)(pt")', grow, root[0])
    return svg[:root.start()] + tag + svg[root.end():]
