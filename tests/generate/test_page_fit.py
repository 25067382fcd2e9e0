"""Sheets stay on the page (issue 15): nothing runs past a margin or over the footer, a long key
breaks across pages, and a problem's statement is not split from its heading."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gradsheet.generate.cli import main
from tests.generate.test_build import needs_tex

BIG = """title = "Big"
seed = {seed}
decimals = 4
[[problems]]
kind = "backprop"
sizes = [6, 6, 6, 6]
[[problems]]
kind = "update"
numbers = "decimal"
sizes = [6, 6, 6, 6, 6, 6]
activation = ["sigmoid", "softmax"]
loss = "cross_entropy"
[[problems]]
kind = "backprop"
numbers = "decimal"
sizes = [6, 6, 6]
"""


def compiled_logs(out: Path) -> dict[str, str]:
    """The build's LaTeX compiled again from ``out/tex``, for its logs (the build keeps none)."""
    logs = {}
    for name in ("exam", "solutions"):
        subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", f"{name}.tex"], cwd=out / "tex",
                       stdout=subprocess.DEVNULL, check=True, timeout=300)
        logs[name] = (out / "tex" / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    return logs


def built_without_overfull_boxes(tmp_path: Path, spec_text: str) -> Path:
    """Build the exam of ``spec_text``; assert nothing in it is overfull; its output folder."""
    (tmp_path / "exam.toml").write_text(spec_text)
    out = tmp_path / "out"
    assert main([str(tmp_path / "exam.toml"), "--out", str(out)]) == 0
    for name, log in compiled_logs(out).items():
        assert "Overfull" not in log, (name, re.findall(r"Overfull.*", log)[:3])
    return out


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@needs_tex
@pytest.mark.parametrize("seed", [1, 2])
def test_the_largest_networks_fit_their_pages(tmp_path: Path, seed: int) -> None:
    out = built_without_overfull_boxes(tmp_path, BIG.format(seed=seed))
    pages = page_texts(out / "solutions.pdf")
    # the 6-6-6-6 key (over 100 entries) continues on a following page, under the running header
    keys = [n for n, page in enumerate(pages) if re.search(r"^\s*Key\s*$", page, re.M)]
    assert len(keys) == 3 and "exact" in pages[keys[0] + 1] and "Key" not in pages[keys[0] + 1]


SEVEN = """title = "Seven"
seed = {seed}
[[problems]]
kind = "forward"
[[problems]]
kind = "backprop"
difficulty = "hard"
[[problems]]
kind = "update"
[[problems]]
kind = "backprop"
numbers = "decimal"
[[problems]]
kind = "forward"
difficulty = "hard"
[[problems]]
kind = "update"
numbers = "decimal"
[[problems]]
kind = "backprop"
sizes = [3, 3, 2]
"""


@needs_tex
@pytest.mark.parametrize("seed", [5, 6, 7])
def test_a_network_problem_keeps_its_figure_and_matrices_with_its_heading(tmp_path: Path, seed: int) -> None:
    (tmp_path / "seven.toml").write_text(SEVEN.format(seed=seed))
    out = tmp_path / "out"
    assert main([str(tmp_path / "seven.toml"), "--out", str(out)]) == 0
    pages = page_texts(out / "exam.pdf")
    seen = 0
    for page in pages:
        for match in re.finditer(r"^\s*(\d)\. (Forward propagation|Backpropagation|One gradient-descent step)", page,
                                 re.M):
            rest = page[match.end():]
            following = re.search(r"^\s*\d\. [A-Z]", rest, re.M)
            statement = rest[:following.start()] if following else rest
            # the statement's last line (activations and the cost) is on the heading's page
            assert re.search(r"C\s*=", statement), f"problem {match[1]}: its statement continues on the next page"
            seen += 1
    assert seen == 7


EVERY_KIND = """title = "Every kind"
seed = {seed}
decimals = 4
[[problems]]
kind = "forward"
numbers = "decimal"
[[problems]]
kind = "backprop"
numbers = "decimal"
loss = "bce"
activation = ["tanh", "sigmoid"]
[[problems]]
kind = "update"
[[problems]]
kind = "chain_rule"
[[problems]]
kind = "activation"
activation = ["sigmoid", "tanh", "elu", "softplus", "silu"]
[[problems]]
kind = "param_count"
[[problems]]
kind = "regularization"
[[problems]]
kind = "batching"
numbers = "decimal"
[[problems]]
kind = "dropout"
numbers = "decimal"
activation = ["sigmoid", "identity"]
[[problems]]
kind = "perceptron"
[[problems]]
kind = "autodiff"
numbers = "decimal"
difficulty = "hard"
"""


@needs_tex
@pytest.mark.parametrize("seed", [11, 12])
def test_every_kind_fits_its_pages(tmp_path: Path, seed: int) -> None:
    """Nothing overfull anywhere: the autodiff key's long symbols once ran past the margin."""
    built_without_overfull_boxes(tmp_path, EVERY_KIND.format(seed=seed))


@needs_tex
def test_a_network_deeper_than_the_line_is_scaled_to_it(tmp_path: Path) -> None:
    # 8 layers are 22 cm of figure: it ran 5 cm into the right margin; inputs beside their
    # circles ("x_1 = −0.8") must not widen a 6-layer figure past the line either
    built_without_overfull_boxes(tmp_path, """title = "Deep"
seed = 1
[[problems]]
kind = "forward"
sizes = [2, 2, 2, 2, 2, 2, 2, 1]
[[problems]]
kind = "forward"
numbers = "decimal"
sizes = [2, 2, 2, 2, 2, 1]
""")


def key_rows_per_page(pdf: Path) -> list[dict[int, int]]:
    """Each key table of the solutions (in order): how many of its rows each page holds. A row
    is a line with a tolerance ("±") or an "exact"; a table runs from its "Key" heading to the
    next problem's number."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tables: list[dict[int, set[int]]] = []
    current: dict[int, set[int]] | None = None
    for n, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S)):
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page):
            x, middle, word = float(m[1]), round((float(m[2]) + float(m[3])) / 2), m[4]
            if word == "Key":
                current = {}
                tables.append(current)
            elif current is not None and word in ("exact", "±"):
                current.setdefault(n, set()).add(middle)
            elif current is not None and re.fullmatch(r"\d+\.", word) and x < 80:
                current = None
    return [{page: len(rows) for page, rows in table.items()} for table in tables]


@needs_tex
def test_a_key_that_fits_a_page_stays_on_one_and_no_row_is_left_alone(tmp_path: Path) -> None:
    # issue 32: a solutions page could hold a single key row, the rest of its table on the page
    # before (seed 1 gave two such widows); a 12-row key now moves whole to the next page
    out = built_without_overfull_boxes(tmp_path, """title = "Widows"
seed = 1
decimals = 4
[[problems]]
kind = "backprop"
sizes = [3, 3, 2]
[[problems]]
kind = "update"
numbers = "decimal"
[[problems]]
kind = "forward"
difficulty = "hard"
[[problems]]
kind = "backprop"
numbers = "decimal"
sizes = [2, 3, 2]
[[problems]]
kind = "batching"
""")
    tables = key_rows_per_page(out / "solutions.pdf")
    assert len(tables) == 5 and max(sum(t.values()) for t in tables) >= 10
    for table in tables:
        assert len(table) == 1 or (sum(table.values()) > 16 and min(table.values()) >= 2), tables
