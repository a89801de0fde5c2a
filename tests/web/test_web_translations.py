"""Every string the pages can show is in every shipped catalogue: the messages are extracted
from the templates and code as `scripts/build_web.sh --extract` does, then looked up in each
compiled catalogue the pages load."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from catalogue.tours.planning import JOB_MESSAGES
from catalogue.web import i18n, job_messages

WEB = Path(i18n.__file__).resolve().parent
# babel.cfg's two sections: Python code and the Jinja templates.
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _extracted() -> list[str | tuple[str, str]]:
    found: list[str | tuple[str, str]] = []
    for _file, _line, message, _comments, _context in extract_from_dir(str(WEB), METHODS):
        found.append(message if isinstance(message, str) else (message[0], message[1]))
    return found


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_web_every_shown_string_is_translated(language: str) -> None:
    extracted = _extracted()
    assert len(extracted) > 200  # the extraction found the pages' strings
    known = i18n.translations(language)._catalog  # type: ignore[attr-defined]
    missing = sorted(
        {m if isinstance(m, str) else m[0] for m in extracted}
        - {key if isinstance(key, str) else key[0] for key in known}
    )
    assert missing == [], f"{len(missing)} strings have no {language} translation: {missing[:20]}"


def test_web_job_messages_are_marked_for_translation() -> None:
    # The planner writes these into job rows; the pages can only translate what was extracted.
    assert set(JOB_MESSAGES) <= set(job_messages.MESSAGES)
