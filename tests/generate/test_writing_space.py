"""Writing space on the sheets: every part leaves the room answer_space gives it, measured on
the compiled page (``pdftotext -bbox-layout``: the blank under a part's line, to the next line
or the text area's foot)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gradsheet.derive.errors import SpecError
from gradsheet.generate import problems, spec
from gradsheet.generate.cli import main

PT_CM = 2.54 / 72
BOTTOM_CM = 2.2  # the sheet's bottom margin (sheet.tex.j2): the footer sits below it
LINE_CM = 0.6  # closer than this below a line, the next line continues it

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                               reason="needs pdflatex and pdftotext")


def part_gaps(pdf: Path) -> list[float]:
    """The blank space under each part's question (cm), in order: from the line starting with
    its label ((a), (b), …) to the next text line, or to the text area's foot."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    gaps = []
    for page in re.findall(r"<page .*?</page>", xml, re.S):
        bottom = float(re.search(r'<page width="[^"]+" height="([^"]+)"', page)[1]) - BOTTOM_CM / PT_CM
        lines = []
        for line in re.findall(r"<line .*?</line>", page, re.S):
            y0, y1 = map(float, re.search(r'yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)"', line).groups())
            words = re.findall(r">([^<]*)</word>", line)
            if y0 < bottom:
                lines.append((y0, y1, words))
        lines.sort()
        def label(words: list[str]) -> bool:  # a part's line: its label, then its question ("(l)" alone is a superscript)
            return len(words) > 1 and re.fullmatch(r"\([a-z]\)", words[0]) is not None

        for k, (_, y1, words) in enumerate(lines):
            if not label(words):
                continue
            end, rest = y1, lines[k + 1:]
            while rest and rest[0][0] - end < LINE_CM / PT_CM and not label(rest[0][2]) \
                    and not re.fullmatch(r"\d+\.", (rest[0][2] or [""])[0]):  # nor the next problem's heading
                end, rest = max(end, rest[0][1]), rest[1:]  # the question's own next line
            after = [y for y, _, _ in rest if y > end + 0.5]
            gaps.append(((after[0] if after else bottom) - end) * PT_CM)
    return gaps


def _build(tmp_path: Path, exam: dict, name: str = "out") -> Path:
    quiz = tmp_path / f"{name}.json"
    quiz.write_text(json.dumps(exam))
    assert main([str(quiz), "--out", str(tmp_path / name)]) == 0
    return tmp_path / name


def _rooms_cm(tex: str) -> list[float]:
    """The room each part was given, in the order of the parts (\\vspace* after each)."""
    return [float(v) * {"cm": 1, "mm": 0.1, "in": 2.54}[u] for v, u in re.findall(r"\\vspace\*\{([\d.]+)(cm|mm|in)\}", tex)]


@needs_tex
@pytest.mark.parametrize("kind", problems.NAMES)
def test_every_part_of_every_kind_leaves_the_room_it_is_given(tmp_path, kind):
    out = _build(tmp_path, {"title": "Quiz", "seed": 3, "problems": [{"kind": kind}, {"kind": "param_count"}]})
    rooms = _rooms_cm((out / "tex" / "exam.tex").read_text())
    gaps = part_gaps(out / "exam.pdf")
    assert len(rooms) == len(gaps) and rooms, (rooms, gaps)
    for room, gap in zip(rooms, gaps):
        assert gap >= room - 0.3, (kind, rooms, gaps)  # a descender's worth below the line's box
    assert min(rooms) >= 2.0  # a line or two at the least: a yes/no or a single count


@needs_tex
def test_the_demo_gives_each_problem_at_least_eight_cm_to_write_in(tmp_path):
    assert main(["--demo", "--out", str(tmp_path / "demo")]) == 0
    gaps = part_gaps(tmp_path / "demo" / "exam.pdf")
    problems_printed = 3 * 6  # the demo's three students, six problems each
    assert sum(gaps) / problems_printed >= 8.0, sum(gaps) / problems_printed


@needs_tex
def test_answer_space_none_is_the_compact_sheet(tmp_path):
    exam = json.loads(json.dumps({"title": "Quiz", "seed": 3, "problems": [{"kind": "forward"}, {"kind": "backprop"}]}))
    auto = _build(tmp_path, exam, "auto")
    compact = _build(tmp_path, {**exam, "answer_space": "none"}, "none")
    tex = (compact / "tex" / "exam.tex").read_text()
    assert "\\vspace*{" not in tex and "\\gsroom" not in tex  # the sheet as it was before writing space
    assert sum(part_gaps(compact / "exam.pdf")) < sum(part_gaps(auto / "exam.pdf"))


@needs_tex
def test_a_problem_can_have_its_own_space_and_start_a_page(tmp_path):
    out = _build(tmp_path, {"title": "Quiz", "seed": 3, "answer_space": "none", "problems": [
        {"kind": "param_count"}, {"kind": "activation", "answer_space": "4cm", "new_page": True}]})
    tex = (out / "tex" / "exam.tex").read_text()
    assert _rooms_cm(tex) == [4.0, 4.0, 4.0] and tex.count("\\newpage") == 1
    pages = subprocess.run(["pdftotext", str(out / "exam.pdf"), "-"], capture_output=True, text=True).stdout.split("\f")
    assert "Counting parameters" in pages[0] and "Activation functions" in pages[1]


@pytest.mark.parametrize("value", ["6 parsecs", "cm", "30cm", "-2cm", 6, True, "12.345cm"])
def test_an_answer_space_that_is_no_length_is_one_line(value):
    with pytest.raises(SpecError, match="answer_space"):
        spec.parse({"title": "t", "answer_space": value, "problems": [{"kind": "forward"}]})
    with pytest.raises(SpecError, match=r"problems\[1\]\.answer_space"):
        spec.parse({"title": "t", "problems": [{"kind": "forward", "answer_space": value}]})


@needs_tex
def test_a_first_problem_too_tall_for_the_cover_page_starts_there_and_its_parts_follow(tmp_path):
    # the 8-layer network's statement and its first part's room did not fit under the cover
    # block: the whole problem went to page 2 and page 1 held the cover alone
    out = _build(tmp_path, {"title": "Deep", "seed": 1,
                            "problems": [{"kind": "forward", "sizes": [2, 2, 2, 2, 2, 2, 2, 1]}]})
    pages = subprocess.run(["pdftotext", "-layout", str(out / "exam.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert "Forward propagation" in pages[0] and "(a)" in pages[1]
    rooms = _rooms_cm((out / "tex" / "exam.tex").read_text())
    gaps = part_gaps(out / "exam.pdf")
    assert len(rooms) == len(gaps) and all(gap >= room - 0.3 for room, gap in zip(rooms, gaps))
