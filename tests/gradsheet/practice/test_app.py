"""The practice page's server: the JSON API over generate's draw and --grade's marking, its
limits and one-line errors, its headers, its start from the command line."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradsheet.derive.errors import SpecError
from gradsheet.generate import problems
from gradsheet.practice import exercise
from gradsheet.practice.app import create_app
from tests.conftest import examples


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def _post(client, path: str, body) -> tuple[int, dict]:
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.get_json()


def test_a_source_draws_the_same_problem_every_time_and_the_page_holds_no_answer(client):
    source = {"kind": "update", "difficulty": "easy", "seed": 11}
    code, first = _post(client, "/api/problem", {"source": source})
    exercise.exercise.cache_clear()
    exercise.page.cache_clear()
    assert code == 200 and _post(client, "/api/problem", {"source": source})[1] == first
    problem = exercise.exercise(exercise.Source.of(source)).problem
    shown = json.dumps(first)
    assert [f["part"] for g in first["groups"] for f in g["fields"]] == [a.part for a in problem.answers]
    # the key's values are not in the page (a value also printed in the statement may be)
    statement_numbers = json.dumps(first["statement"])
    hidden = [str(a.key_value) for a in problem.answers if len(str(a.key_value)) > 3
              and str(a.key_value) not in statement_numbers]
    assert hidden and not any(f'"{v}"' in shown for v in hidden)


def test_checking_marks_right_carried_and_wrong_as_grading_does(client):
    source = {"kind": "forward", "difficulty": "medium", "seed": 3}
    ex = exercise.exercise(exercise.Source.of(source))
    values = {a.part: str(a.key_value) for a in ex.problem.answers}
    code, right = _post(client, "/api/check", {"source": source, "answers": values})
    assert code == 200 and {m["verdict"] for m in right["marks"].values()} == {"correct"}
    assert right["score"] == right["of"] == str(ex.problem.points)
    a1 = float(values["a1[1]"]) + 1
    layer = ex.problem.network["layers"][1]
    z2 = float(layer["weights"][0][0]) * a1 + float(layer["weights"][0][1]) * float(values["a1[2]"]) \
        + float(layer.get("bias", [0])[0])
    _, marked = _post(client, "/api/check", {"source": source, "answers": {**values, "a1[1]": f"{a1:g}",
                                                                           "z2[1]": f"{z2:g}", "cost": ""}})
    marks = marked["marks"]
    assert marks["a1[1]"]["verdict"] == "wrong" and float(marks["a1[1]"]["expected"]) == float(values["a1[1]"])
    assert marks["a1[1]"]["step"].startswith("a^(1)_1 = σ(z^(1)_1)")
    assert marks["z2[1]"]["verdict"] == "carried" and marks["cost"]["verdict"] == "missing"


def test_the_expected_value_is_given_to_the_students_own_decimals():
    entry = exercise.key_format.Entry("a1[1]", 0.5646, 0.0001, "0.56457", "0.5646")
    assert exercise.expected(entry, "0.57") == "0.56"
    assert exercise.expected(entry, "0,5") == "0.6"
    assert exercise.expected(entry, "0.56461") == "0.5646"
    assert exercise.expected(entry, "x") == "0.5646"


def test_a_value_that_is_no_number_is_named_not_marked_wrong(client):
    source = {"kind": "backprop", "seed": 2}
    _, marked = _post(client, "/api/check", {"source": source, "answers": {"cost": "=1+1"}})
    assert marked["marks"]["cost"]["verdict"] == "unread" and "is not a number" in marked["marks"]["cost"]["why"]


@pytest.mark.parametrize("body, field", [
    ({"source": {"kind": "nope"}}, "kind"),
    ({"source": {"kind": "backprop", "seed": -1}}, "seed"),
    ({"source": {"kind": "backprop", "seed": "1" * 30}}, "seed"),
    ({"source": {"kind": "activation", "example": "herrmann-backprop"}}, "kind"),
    ({"source": {"kind": "backprop", "example": "../../etc/passwd"}}, "example"),
    ({"source": {"kind": "backprop", "spec": "layers = 1"}}, "spec"),
    ({"source": {"kind": "backprop", "spec": "{" * 100_000}}, "spec"),
    ({"source": {"kind": "backprop", "extra": 1}}, "extra"),
    ({"source": [1, 2]}, "request"),
    ({"source": {"kind": "backprop", "language": "xx"}}, "language"),
])
def test_a_bad_request_is_one_line_naming_the_field(client, body, field):
    code, data = _post(client, "/api/problem", body)
    assert code == 400 and data["error"].startswith(field) and "\n" not in data["error"] and "fix:" in data["error"]


@pytest.mark.parametrize("answers, field", [
    ({"nosuch": "1"}, "answers"),
    ({"cost": 1}, "answers.cost"),
    ({"cost": "1" * 500}, "answers.cost"),
    ({f"a{i}": "1" for i in range(600)}, "answers"),
])
def test_bad_answers_are_one_line(client, answers, field):
    code, data = _post(client, "/api/check", {"source": {"kind": "backprop"}, "answers": answers})
    assert code == 400 and data["error"].startswith(field)


def test_a_step_out_of_range_is_one_line_and_a_step_in_range_is_its_html(client):
    assert _post(client, "/api/solution", {"source": {"kind": "backprop"}, "step": 99})[0] == 400
    code, data = _post(client, "/api/solution", {"source": {"kind": "backprop"}, "step": 0})
    assert code == 200 and data["html"].startswith("<h4>")


def test_a_request_past_the_size_limit_is_refused_before_it_is_read(client):
    response = client.post("/api/problem", data=b"{" + b" " * 10_000_001 + b"}", content_type="application/json")
    assert response.status_code == 413 and response.get_json()["error"].startswith("413")


def test_the_page_loads_only_its_own_files(client):
    page = client.get("/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    for asset in ("katex/katex.min.js", "katex/katex.min.css", "katex/contrib/auto-render.min.js", "practice.js",
                  "katex/fonts/KaTeX_Main-Regular.woff2"):
        assert client.get(f"/static/{asset}").status_code == 200
    assert client.get("/static/../exercise.py").status_code == 404


def test_the_kinds_that_take_a_network_are_those_that_draw_one():
    for kind in problems.NAMES:
        source = {"kind": kind, "example": "herrmann-homework" if kind == "perceptron" else "herrmann-backprop"}
        if kind not in exercise.NETWORK_KINDS:
            with pytest.raises(SpecError, match="draws no network of yours"):
                exercise.Source.of(source)
            continue
        try:
            exercise.exercise(exercise.Source.of(source))
        except SpecError as error:  # the lecture's network may not suit the kind; never "unknown option"
            assert "unknown option" not in str(error), (kind, error)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_m_gradsheet_practice_serves_the_page_within_ten_seconds(tmp_path: Path):
    port = _free_port()
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "gradsheet.practice", "--port", str(port), "--no-browser"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                    assert response.status == 200 and b"gradsheet practice" in response.read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() - started < 10, "not serving after 10 s"
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(10)


def test_a_port_in_use_or_out_of_range_is_one_line(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for args in (["--port", str(port)], ["--port", "70000"]):
            run = subprocess.run([sys.executable, "-m", "gradsheet.practice", *args, "--no-browser"],
                                 capture_output=True, text=True, timeout=60)
            assert run.returncode == 2 and run.stderr.count("\n") == 1 and "--port" in run.stderr


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                     max_leaves=12)
_SOURCES = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(problems.NAMES) | st.text(max_size=8), "difficulty": st.sampled_from(["easy", "hard", "x"]),
    "seed": st.integers(-5, 2**70) | st.text(max_size=5), "example": st.sampled_from(["", "herrmann-backprop", "x"]),
    "spec": st.sampled_from(["", "layers = 1", '{"layers": []}', "[[layers]]\nweights = [[1]]\nactivation = 'relu'"]),
    "language": st.sampled_from(["en", "de", "fr"])})


@settings(max_examples=examples(0.5), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/api/problem", "/api/check", "/api/solution"]),
       body=st.fixed_dictionaries({"source": _SOURCES | _JSON}, optional={"answers": _JSON, "step": _JSON}) | _JSON)
def test_any_request_is_an_answer_or_one_line(client, path, body):
    code, data = _post(client, path, body)
    assert code in (200, 400), (code, data)
    if code == 400:
        assert data["error"].count("\n") == 0 and "Traceback" not in data["error"]
