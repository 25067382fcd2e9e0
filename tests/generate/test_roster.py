"""Rosters as the LMSs export them (issue 34): any separator, columns in any order and named
as Moodle, Canvas or a spreadsheet names them, or mapped with --roster-columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradsheet.derive.errors import SpecError
from gradsheet.generate import roster
from gradsheet.generate.cli import main
from gradsheet.generate.roster import Student


def test_the_plain_form_is_read_as_before() -> None:
    assert roster.parse("id,name\ns01,Ada Lovelace\n") == (Student("s01", "Ada Lovelace"),)


def test_a_moodle_export_with_semicolons_and_its_own_column_names() -> None:
    text = ("\ufeffFirst name;Last name;ID number;Institution;Email address\n"
            "Ada;Lovelace;4711;TU;ada@example.org\nZoë;Ångström;4712;TU;zoe@example.org\n")
    assert roster.parse(text) == (Student("4711", "Ada Lovelace"), Student("4712", "Zoë Ångström"))


def test_a_canvas_export_and_tabs() -> None:
    text = "Student\tID\tSIS User ID\tSection\nLovelace, Ada\t17\tA-1\tS1\n"
    assert roster.parse(text) == (Student("17", "Lovelace, Ada"),)


def test_columns_named_otherwise_are_mapped() -> None:
    text = "Matr.-Nr.;Vorname;Nachname\n123;Ada;Lovelace\n"
    assert roster.parse(text) == (Student("123", "Ada Lovelace"),)  # German headers are known names
    text = "Kennung,Anzeigename,Gruppe\nk1,Ada L.,2\n"
    columns = roster.columns_option("id=Kennung,name=Anzeigename")
    assert roster.parse(text, columns=columns) == (Student("k1", "Ada L."),)
    with pytest.raises(SpecError, match=r"roster line 1: no id column in the header \(Kennung, Anzeigename, Gruppe\)"):
        roster.parse(text)
    with pytest.raises(SpecError, match=r"no column 'Login' \(--roster-columns id=…\)"):
        roster.parse(text, columns=roster.columns_option("id=Login"))
    with pytest.raises(SpecError, match=r"--roster-columns: 'ident=Kennung' is not role=column"):
        roster.columns_option("ident=Kennung")


def test_the_command_takes_roster_columns(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "quiz.toml"
    spec.write_text('title = "Quiz"\n[[problems]]\nkind = "param_count"\n')
    (tmp_path / "class.csv").write_text("Kennung;Anzeigename\nk1;Ada\nk2;Bob\n", encoding="utf-8")
    args = [str(spec), "--roster", str(tmp_path / "class.csv"), "--format", "tex"]
    assert main(args + ["--out", str(tmp_path / "a")]) == 2
    assert "--roster-columns id=" in capsys.readouterr().err
    assert main(args + ["--roster-columns", "id=Kennung,name=Anzeigename", "--out", str(tmp_path / "b")]) == 0
    key = (tmp_path / "b" / "key.csv").read_text()
    assert "k1," in key and "k2," in key
