"""Names and titles in any script print as written (generate/fonts.py, issue 15)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gradsheet.derive.errors import SpecError
from gradsheet.generate import fonts
from gradsheet.generate.cli import main
from gradsheet.generate.text import checked

NAMES = {
    "vi": "Nguyễn Văn An", "zh": "李小龍", "ru": "Иванов Пётр", "ar": "محمد عبد الله", "he": "שלום כהן",
    "emoji": "Zoë 😀🎓", "el": "Ωmega Δήμος", "hi": "अनुराग शर्मा", "th": "สมชาย", "ko": "김민준", "ja": "さくら",
    "ka": "ნინო", "am": "አበበ", "ta": "தமிழ்",
}
needs_fonts = pytest.mark.skipif(not fonts.installed() or shutil.which("lualatex") is None,
                                 reason="needs lualatex and fonts (" + fonts.INSTALL + ")")


def roster(tmp_path: Path, names: dict[str, str]) -> Path:
    path = tmp_path / "class.csv"
    path.write_text("id,name\n" + "".join(f"{k},{v}\n" for k, v in names.items()), encoding="utf-8")
    return path


def spec(tmp_path: Path, title: str = "Midterm") -> Path:
    path = tmp_path / "quiz.toml"
    path.write_text(f'title = "{title}"\nseed = 1\n[[problems]]\nkind = "forward"\n', encoding="utf-8")
    return path


@needs_fonts
def test_every_script_has_a_font_and_the_first_choice_is_fixed() -> None:
    for name in NAMES.values():
        for char in name:
            assert fonts.problem(char) is None, (name, char)
    assert fonts.font_for("ễ").family == "Noto Serif"  # Latin Modern's serif companion, not a sans
    assert fonts.font_for("李").family.startswith("Noto Sans CJK SC")
    assert fonts.font_for("م").family == "Noto Sans Arabic"
    assert "script=arab;" in fonts.font_for("م").spec  # joined letters, not isolated forms


@needs_fonts
def test_the_fallback_chain_holds_only_what_the_text_needs_in_preference_order() -> None:
    assert fonts.fallbacks(["Ada", "Zoë"]) == ()
    chain = fonts.fallbacks(["李", "محمد", "Nguyễn"])
    assert [c.split(":")[0] for c in chain] == ["Noto Serif", "Noto Sans Arabic", chain[2].split(":")[0]]
    assert chain[2].startswith("Noto Sans CJK SC")
    assert chain == fonts.fallbacks(["Nguyễn", "محمد", "李"])  # order of the roster does not matter


def test_right_to_left_runs_are_marked_and_left_to_right_text_is_not() -> None:
    assert fonts.directed("Ada Lovelace") == "Ada Lovelace"
    assert fonts.directed("محمد عبد الله") == r"{\textdir TRT محمد عبد الله}"
    # a Latin name around a Hebrew one: only the Hebrew run turns, the spaces beside it stay outside
    assert fonts.directed("Dr. שלום כהן, MD") == r"Dr. {\textdir TRT שלום כהן}, MD"


@pytest.mark.parametrize("char,why", [
    ("\u202e", "control"), ("\u2066", "control"), ("\x07", "control"), ("\ue000", "control"),
    ("\U000f0000", "control"), ("\u0378", "control"),
])
def test_characters_that_print_nothing_are_refused_naming_the_field(char: str, why: str) -> None:
    with pytest.raises(SpecError) as info:
        checked(f"Ada{char}", "roster line 2 name", 200)
    message = str(info.value)
    assert "roster line 2 name" in message and f"U+{ord(char):04X}" in message and why in message


def test_without_fonts_a_name_beyond_latin_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "installed", lambda: ())
    fonts.font_for.cache_clear()
    try:
        with pytest.raises(SpecError) as info:
            checked("李", "roster line 2 name", 200)
        assert "fonts-noto-cjk" in str(info.value) and "U+674E" in str(info.value)
        assert checked("Zoë Ångström", "name", 200) == "Zoë Ångström"  # pdflatex's Latin needs no fonts
    finally:
        fonts.font_for.cache_clear()


@needs_fonts
def test_names_in_fourteen_scripts_print_as_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main([str(spec(tmp_path, "Midterm — Ω")), "--roster", str(roster(tmp_path, NAMES)),
                 "--out", str(out)]) == 0
    assert (out / "tex" / "exam.tex").read_text().lstrip().startswith("%!TEX program = lualatex")
    text = subprocess.run(["pdftotext", str(out / "exam.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    # pdftotext gives text in logical order, right-to-left runs between U+202B and U+202C
    text = text.replace("\u202b", "").replace("\u202c", "")
    for name in NAMES.values():
        assert name in text, name
    assert "Midterm — Ω" in text
    fonts_used = subprocess.run(["pdffonts", str(out / "exam.pdf")], capture_output=True, text=True,
                                check=True).stdout
    for family in ("NotoSansCJK", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "Symbola"):
        assert family in fonts_used, family
    assert "CMMI10" in fonts_used  # the math is the same Computer Modern as with pdflatex


@needs_fonts
def test_a_class_in_any_script_builds_byte_identical_pdfs(tmp_path: Path) -> None:
    names = {k: NAMES[k] for k in ("zh", "ar", "vi")}
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        assert main([str(spec(tmp_path / folder)), "--roster", str(roster(tmp_path / folder, names)),
                     "--out", str(tmp_path / folder / "out"), "--per-student"]) == 0
    for name in ("exam.pdf", "solutions.pdf", "sheets/zh.pdf", "solutions/ar.pdf"):
        assert (tmp_path / "a" / "out" / name).read_bytes() == (tmp_path / "b" / "out" / name).read_bytes(), name


def test_a_latin_class_still_compiles_with_pdflatex(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main([str(spec(tmp_path)), "--roster", str(roster(tmp_path, {"1": "Zoë Ångström", "2": "Łukasz Żółw"})),
                 "--out", str(out), "--format", "tex"]) == 0
    tex = (out / "tex" / "exam.tex").read_text()
    assert "lualatex" not in tex and r"\usepackage[T1]{fontenc}" in tex
