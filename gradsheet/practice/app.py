"""The practice page's web layer (Flask): one page, a JSON API over :mod:`.exercise`, and the
page's own static files (KaTeX among them: no request leaves the machine).

    POST /api/problem   {source}                 → the problem as the page shows it
    POST /api/check     {source, answers}        → each value marked
    POST /api/solution  {source, step?}          → one step of the worked solution, or all

The server is read-only and keeps no state: a request carries its source, answers live in the
student's browser. Bad input is one line (``{"error": "…"}``, status 400), as on the command
line. For a class, run it behind a WSGI server: ``gunicorn 'gradsheet.practice.app:create_app()'``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from gradsheet.derive.errors import SpecError
from gradsheet.derive.limits import FILE_BYTES
from gradsheet.generate import problems
from gradsheet.generate.spec import DIFFICULTIES

from . import exercise

# the page loads only its own files; KaTeX sets inline styles; figures are data: SVG images
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def create_app() -> Flask:
    """The practice app (a WSGI application)."""
    app = Flask(__name__)
    # a request holds a pasted spec and a page of answers: the CLI's file limit, and some room
    app.config["MAX_CONTENT_LENGTH"] = 2 * FILE_BYTES
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    @app.after_request
    def headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.errorhandler(SpecError)
    def one_line(error: SpecError) -> Any:
        return jsonify(error=str(error)), 400

    @app.errorhandler(HTTPException)
    def http(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return jsonify(error=f"{error.code} {error.name}: {error.description}"), error.code
        return error

    @app.get("/")
    def index() -> str:
        return render_template("practice.html", kinds=problems.NAMES, difficulties=DIFFICULTIES,
                               network_kinds=exercise.NETWORK_KINDS,
                               examples=[(e.name, e.summary) for e in exercise.catalogue.CATALOGUE])

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return "", 204

    @app.post("/api/problem")
    def problem() -> Any:
        return jsonify(exercise.page(exercise.Source.of(_body().get("source"))))

    @app.post("/api/check")
    def check() -> Any:
        body = _body()
        return jsonify(exercise.check(exercise.Source.of(body.get("source")), body.get("answers", {})))

    @app.post("/api/solution")
    def solution() -> Any:
        body = _body()
        return jsonify(exercise.solution(exercise.Source.of(body.get("source")), body.get("step")))

    return app


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise SpecError("request", "expected a JSON object", "reload the page")
    return body
