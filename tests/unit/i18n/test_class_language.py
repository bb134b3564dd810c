"""A served lesson starts in the teacher's language, whatever the server's locale says.

The learner's client locale never reaches the server (on purpose); the server gives each
lesson ``$NEURON_TUI_LANG``, its own language (``serve ... --lang``, else its locale).
The learner may then pick another on the opening, kept with their progress.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from neuron_tui.i18n import CLASS_LANGUAGE_VARIABLE, choose_language, language_from_environment
from neuron_tui.serve.ssh import Classroom, SSHServeConfig
from tests.languages import in_language


def test_the_class_language_comes_before_the_locale() -> None:
    environ = {CLASS_LANGUAGE_VARIABLE: "es", "LANG": "C.UTF-8"}
    assert language_from_environment(environ) == "es"
    assert language_from_environment({CLASS_LANGUAGE_VARIABLE: "en", "LANG": "es_ES.UTF-8"}) == "en"
    # --lang on the lesson's own command line still wins.
    assert choose_language("en", environ) == "en"


@pytest.mark.parametrize("value", ["", "xx", "es_ES.UTF-8"])
def test_a_class_language_that_is_no_shipped_code_leaves_the_locale_to_decide(value: str) -> None:
    assert language_from_environment({CLASS_LANGUAGE_VARIABLE: value, "LANG": "es_MX"}) == "es"
    assert language_from_environment({CLASS_LANGUAGE_VARIABLE: value}) is None


@pytest.mark.parametrize("code", ["en", "es"])
def test_an_ssh_lesson_is_started_in_the_servers_language(tmp_path: Path, code: str) -> None:
    classroom = Classroom(SSHServeConfig(state_dir=tmp_path))
    with in_language(code):
        __, env = classroom.learner_argv_env("ada", "xterm-256color")
    assert env[CLASS_LANGUAGE_VARIABLE] == code
    # The terminal's encoding stays UTF-8, with no locale the server may not have.
    assert env["LANG"] == "C.UTF-8" and "LC_ALL" not in env
