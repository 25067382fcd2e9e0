"""The practice page in a real browser (Chromium, driven by Playwright): choose → fill → check
→ reveal for every kind, a slip carried forward, and a hostile spec."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gradsheet.generate import problems
from gradsheet.practice import exercise

pytestmark = pytest.mark.browser


def _open(page, served: str, source: dict) -> None:
    hash_ = "&".join(f"{k}={v}" for k, v in source.items())
    page.goto(f"{served}/#{hash_}")
    page.wait_for_selector("#groups li")


def _fill(page, values: dict[str, str], choices: set[str]) -> None:
    for part, value in values.items():
        field = page.locator(f"[name='{part}']")
        if part in choices:
            field.select_option(value)
        else:
            field.fill(value)


def _key_values(source: exercise.Source) -> tuple[dict[str, str], set[str]]:
    problem = exercise.exercise(source).problem
    return ({a.part: str(a.key_value) for a in problem.answers},
            {a.part for a in problem.answers if isinstance(a.key_value, str)})


@pytest.mark.parametrize("kind", problems.NAMES)
def test_every_kind_draws_checks_right_values_and_reveals_its_steps(page, served, kind):
    source = {"kind": kind, "difficulty": "medium", "seed": "7", "language": "en"}
    _open(page, served, source)
    assert page.locator("#share").inner_text().startswith(f"{kind}, medium, seed 7")
    # the statement's mathematics is typeset (no TeX left), its figure is the SVG the LMS exports use
    statement = page.locator("#statement")
    assert statement.inner_text().strip() and "\\(" not in statement.inner_text()
    assert all(src.startswith("data:image/svg+xml;base64,") for src in
               statement.locator("img").evaluate_all("images => images.map(i => i.src)"))
    values, choices = _key_values(exercise.Source.of(source))
    assert page.locator("#groups [name]").count() == len(values)
    _fill(page, values, choices)
    page.click("#check")
    page.wait_for_selector(".mark.correct")
    assert page.locator(".mark.correct").count() == len(values)
    assert page.locator(".mark.wrong").count() == 0
    score = page.locator("#score").inner_text()
    assert score.split(" of ")[0] == score.split(" of ")[1].split(" ")[0]  # full marks
    page.locator("#steps button").first.click()
    shown = page.locator(".step-body:not([hidden])")
    shown.wait_for()
    assert shown.inner_text().strip() and "\\[" not in shown.inner_text()
    page.click("#show-all")
    expect(page.locator(".step-body[hidden]")).to_have_count(0)  # (the page's CSP forbids evaluated scripts)
    # the entries stay in the page across a reload (the browser's storage, not the server)
    page.reload()
    page.wait_for_selector("#groups li")
    first = next(iter(values))
    assert page.locator(f"[name='{first}']").input_value() == values[first]


def test_a_slip_is_wrong_and_the_value_computed_on_from_it_is_carried(page, served):
    source = {"kind": "forward", "difficulty": "medium", "seed": "3", "language": "en"}
    _open(page, served, source)
    ex = exercise.exercise(exercise.Source.of(source))
    values, choices = _key_values(ex.source)
    a1 = [float(values["a1[1]"]), float(values["a1[2]"])]
    a1[0] += 1  # the slip
    layer = ex.problem.network["layers"][1]
    bias = float(layer.get("bias", [0])[0])
    z2 = sum(float(w) * a for w, a in zip(layer["weights"][0], a1)) + bias
    values.update({"a1[1]": f"{a1[0]:g}", "z2[1]": f"{z2:g}"})
    _fill(page, values, choices)
    page.click("#check")
    page.wait_for_selector(".mark.wrong")
    wrong = page.locator("tr[data-part='a1[1]'] .mark")
    assert "wrong" in wrong.get_attribute("class") and "expected" in wrong.inner_text()
    assert "a^(1)_1" in wrong.locator(".formula").inner_text()  # the step with the student's numbers
    assert "carried" in page.locator("tr[data-part='z2[1]'] .mark").get_attribute("class")


@pytest.mark.parametrize("spec, words", [
    ('[[layers]]\nweights = "x"\nactivation = "relu"\n', "spec.layers[1].weights"),
    ("<script>alert(1)</script>", "neither TOML nor JSON"),
    ("[" * 5000 + "]" * 5000, "spec"),
    ('{"layers": [{"weights": [[1e999]], "activation": "nope"}]}', "spec.layers[1].weights"),
])
def test_a_hostile_spec_is_one_line_in_the_page(page, served, spec, words):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served)
    page.check("input[name=from][value=spec]")
    page.fill("#spec", spec)
    page.click("#draw")
    error = page.locator("#error")
    error.wait_for(state="visible")
    text = error.inner_text()
    assert words in text and "\n" not in text.strip() and "fix:" in text
    assert dialogs == [] and page.locator("#problem").is_hidden()


def test_a_lecture_example_is_drawn_as_the_slides_compute_it(page, served):
    page.goto(served)
    page.check("input[name=from][value=example]")
    page.select_option("#example", "herrmann-backprop")
    page.select_option("#kind", "backprop")
    page.click("#draw")
    page.wait_for_selector("#groups li")
    page.fill("[name='grad_W1[2,2]']", "192")  # the slide prints 108; derive and the tool agree on 192
    page.click("#check")
    page.wait_for_selector("tr[data-part='grad_W1[2,2]'] .mark.correct")


def test_an_uploaded_spec_file_is_drawn(page, served, tmp_path):
    from gradsheet.derive import catalogue

    spec = tmp_path / "lecture.toml"
    spec.write_text(catalogue.text("herrmann-backprop"), encoding="utf-8")
    page.goto(served)
    page.check("input[name=from][value=spec]")
    page.set_input_files("#spec-file", str(spec))
    expect(page.locator("#spec")).to_have_value(spec.read_text(encoding="utf-8"))
    page.select_option("#kind", "forward")
    page.click("#draw")
    page.wait_for_selector("#groups li")
    assert page.locator("#share").inner_text() == "Your network, as forward."
