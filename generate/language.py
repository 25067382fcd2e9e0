"""The class's language: every word a sheet prints that is not the instructor's own.

English is the message ids themselves; another language is one TOML catalog in
``generate/catalogs/<code>.toml`` (README, "Your own network, wording and language")::

    [language]
    name = "Deutsch"
    babel = "ngerman"          # babel's language: hyphenation, "Seite", quotation marks
    decimal_comma = true       # the default of the exam's decimal_comma

    [messages]
    "Compute {z} and {a}." = "Berechnen Sie {z} und {a}."

A message is a Python format string: its fields (``{z}``) are LaTeX the caller fills in, so
no message holds LaTeX of its own. A message a catalog lacks is an error when the catalog is
read by the tests (tests/generate/test_language.py), never English on a German sheet.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from gradsheet.derive.errors import SpecError

# the languages: English (the ids themselves) and every catalog shipped, so that a language is
# one file in generate/catalogs/
CODES = ("en", *sorted(entry.name.removesuffix(".toml") for entry in resources.files("gradsheet.generate.catalogs").iterdir()
                       if entry.name.endswith(".toml")))


@dataclass(frozen=True)
class Language:
    code: str = "en"
    name: str = "English"
    babel: str = "english"
    decimal_comma: bool = False  # the language's own decimal sign, where the exam asks for it
    messages: Mapping[str, str] = field(default_factory=dict)

    def say(self, message: str, /, **fields: Any) -> str:
        """``message`` in this language, its fields filled in."""
        text = self.messages.get(message, message) if self.code != "en" else message
        return text.format(**fields) if fields else text

    def ref(self, text: str) -> str:
        """An equation reference ("Eq. 3.18, simplified", "chain rule") in this language."""
        if self.code == "en" or not text:
            return text
        return ", ".join(self.translated(part) for part in text.split(", "))

    def translated(self, text: str) -> str:
        """``text`` that the program wrote from a message ("contribution 1 of 2", "Eq. 3.14"),
        put back into this language: the message whose fields match it, filled in again."""
        if self.code == "en" or text in self.messages:
            return self.say(text)
        for pattern, message in _patterns(self):
            m = pattern.fullmatch(text)
            if m:
                return self.say(message, **m.groupdict())
        if ": " in text:  # a diagnosis: its mistake, then the step with the numbers
            head, tail = text.split(": ", 1)
            return f"{self.translated(head)}: {self.translated(tail)}"
        return text

    def __hash__(self) -> int:
        return hash(self.code)


ENGLISH = Language()


@lru_cache(maxsize=None)
def _patterns(language: Language) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each message with fields as a pattern that reads them back ("contribution {i} of {n}")."""
    out = []
    for message in language.messages:
        if "{" in message:
            pieces = re.split(r"(\{\w+\})", message)
            # a field never spans ": ", where a diagnosis's mistake ends and its step begins
            regex = "".join(f"(?P<{p[1:-1]}>(?:(?!: ).)+?)" if re.fullmatch(r"\{\w+\}", p) else re.escape(p)
                            for p in pieces)
            try:
                out.append((re.compile(regex), message))
            except re.error:  # a field named twice ("{places} … {places}"): not read back
                continue
    # the most specific first: "this is the value … rounded to {fewer} decimals" before "{n} decimals"
    return tuple(sorted(out, key=lambda pm: -len(re.sub(r"\{\w+\}", "", pm[1]))))


@lru_cache(maxsize=None)
def get(code: str) -> Language:
    """The language of ``code`` (one of :data:`CODES`)."""
    if code == "en":
        return ENGLISH
    data = tomllib.loads(resources.files("gradsheet.generate.catalogs").joinpath(f"{code}.toml").read_text("utf-8"))
    head = data["language"]
    return Language(code, head["name"], head["babel"], head.get("decimal_comma", False), dict(data["messages"]))


def parse(value: Any, field_name: str = "language") -> Language:
    if value not in CODES:
        raise SpecError(field_name, f"unknown language {value!r:.40}",
                        f"use one of {', '.join(CODES)}; a new one is a catalog in generate/catalogs/ (README)")
    return get(value)


def places(decimals: int, language: Language = ENGLISH) -> str:
    """``1 decimal``, ``4 decimals``: a count of decimal places in words."""
    return language.say("1 decimal" if decimals == 1 else "{n} decimals", n=decimals)
