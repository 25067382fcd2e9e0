"""The exam spec's top-level fields: what a legal value gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gradsheet.generate import spec
from gradsheet.generate.text import checked
from tests.conftest import examples

# the characters a title may hold: any letter, digit, punctuation or space (text.checked)
_TITLE_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u00ad")


@settings(max_examples=examples(2), deadline=None)
@given(title=st.text(_TITLE_CHARS, min_size=1, max_size=spec.TEXT_CHARS["title"]).filter(str.strip))
def test_every_legal_title_builds_a_folder_name_of_its_own(title: str) -> None:
    try:
        checked(title, "title", spec.TEXT_CHARS["title"])
    except Exception:  # a character no installed font prints is the title's own error
        return
    exam = spec.parse({"title": title, "problems": [{"kind": "forward"}]})
    assert 1 <= len(exam.name) <= spec.TEXT_CHARS["name"]
    assert spec.slug(exam.name) == exam.name


def test_a_title_past_the_names_limit_is_cut_at_a_word() -> None:
    title = "Backpropagation and gradient descent: the long midterm exam of the winter term 2026"
    assert len(spec.slug(title)) > spec.TEXT_CHARS["name"]
    assert spec.parse({"title": title, "problems": [{"kind": "forward"}]}).name == (
        "backpropagation-and-gradient-descent-the-long-midterm-exam-of")
    assert spec.parse({"title": "x" * 200, "problems": [{"kind": "forward"}]}).name == "x" * 64
