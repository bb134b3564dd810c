"""The lesson's own texts (guidance, verdicts, notices, figures' legends) in Spanish.

Each test builds a state, switches to Spanish and checks what the learner reads: the
sentence comes from the catalog (not the English), its numbers carry a decimal comma,
and the same state in English still reads as before.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from neuron_tui.figures.bowl import bowl_legend
from neuron_tui.figures.palette import PROBABILITY_BANDS
from neuron_tui.figures.regions import RegionFigure, Shading, plot_grid
from neuron_tui.glyphs import UNICODE
from neuron_tui.i18n import _
from neuron_tui.lesson import part01, part05, part06
from neuron_tui.lesson.numbers import general, listed
from neuron_tui.lesson.pacing import Pacing
from neuron_tui.lesson.part02 import ASCII_SYMBOLS, BuildNeuronState
from neuron_tui.lesson.part03 import GradientDescentLesson, rate_text, weight_text
from neuron_tui.lesson.part04 import DepthLesson, unsure_note
from neuron_tui.lesson.part05 import ProofState, score_text
from neuron_tui.lesson.part06 import QuizState
from neuron_tui.model.moons import TrainingProgress
from neuron_tui.model.run import FrameSchedule
from tests.languages import content_in, in_language

#: A decimal point between digits: English's mark, wrong in a Spanish sentence.
DECIMAL_POINT = re.compile(r"\d\.\d")


def test_general_numbers_take_the_language_s_decimal_mark() -> None:
    assert (general(0.631, ".4g"), general(0.35), general(1e308, ".4g")) == (
        "0.631", "0.35", "1e+308")
    with in_language("es"):
        assert (general(0.631, ".4g"), general(0.35), general(30.0, ".4g")) == (
            "0,631", "0,35", "30")
        # A row of numbers with decimal commas is split by semicolons, whole ones by commas.
        assert listed([general(0.5), general(2.0)]) == "0,5; 2"
        assert listed(["907", "411"]) == "907, 411"
    assert listed([general(0.5), general(2.0)]) == "0.5, 2"


def test_part01_and_the_quiz_guidance_are_in_the_catalog() -> None:
    with in_language("es"):
        for english in (part01.GUIDANCE, part05.GUIDANCE, part06.GUIDANCE):
            assert _(english) != english


def test_part02_guidance_self_check_and_loss_in_spanish() -> None:
    state = BuildNeuronState("part02-by-hand")
    english = (state.guidance("w1", "w2"), state.self_check_lines(), state.loss_to_goal())
    with in_language("es"):
        guidance = state.guidance("w1", "w2")
        lines = state.self_check_lines(ASCII_SYMBOLS)
        assert guidance.startswith("Mueve w1 o w2")
        assert lines.splitlines()[2] == "  - pérdida <= 0,30"
        assert state.loss_to_goal() == " 0,693 → 0,30"
        state.set_param("w1", 1.0)
        state.set_param("w2", 1.0)
        state.set_param("b", -1.0)  # the goal, by hand
        met = state.self_check_lines()
        assert "a mano" in met and not DECIMAL_POINT.search(met)
        # The side panel is 24 columns wide at 80×24: every line fits, in either alphabet.
        for symbols_lines in (met, state.self_check_lines(ASCII_SYMBOLS)):
            assert max(len(line) for line in symbols_lines.splitlines()) <= 24
        assert state.start_training()
        assert state.status.startswith("Entrenando")
    assert english == ("Move w1 or w2 to tilt a line into the plot; b slides it.",
                       "○ Self-check, by hand:\n  ○ 95 % right\n  ○ loss ≤ 0.30",
                       " 0.693 → 0.30")


def test_part03_statuses_readout_and_glossary_in_spanish() -> None:
    with in_language("es"):
        state = GradientDescentLesson()
        assert state.status.startswith("Buena:")
        assert [label for row in state.readout() for label, __ in row] == [
            "época", "pérdida", "w₁", "w₂", "b", "exactitud"]
        assert state.readout()[0][1][1] == "2,306"
        assert [word for word, __ in state.glossary] == [
            "Tasa de aprendizaje (η)", "Época", "Mínimo local"]
        state.choose_preset("e")
        while not state.advance(50):
            pass
        assert state.status.startswith("Divergió en la época")
        assert "100" in state.status and not DECIMAL_POINT.search(state.status)
        assert (rate_text(0.631), weight_text(-4.0)) == ("0,631", "-4,00")
        state.reset()
        assert state.earlier_label == "tenues: η 100"
    assert (rate_text(0.631), weight_text(-4.0)) == ("0.631", "-4.00")


def test_part04_verdicts_in_spanish() -> None:
    state = DepthLesson(schedule=FrameSchedule(first=400, most=400))
    state.choose_dataset("x")
    with in_language("es"):
        assert state.verdict().startswith("XOR, sin entrenar.")
        state.start_training()
        while not state.advance():
            pass
        verdict = state.verdict()
        assert verdict.startswith("Ninguna recta separa XOR") and "75 %" in verdict
        assert unsure_note([0.45, 0.55], "neuron") == ("salidas de 0,45 a 0,55:",
                                                       "duda en todas partes")
        state.hidden_units = 8
        assert not state.change_hidden(+1)
        assert state.status == "8 neuronas ocultas es el máximo aquí; - quita una."
    assert state.verdict().startswith("No line splits XOR")


def test_part05_scores_titles_and_limits_in_spanish() -> None:
    state = ProofState()
    with in_language("es"):
        assert score_text(None) == (("entrenamiento  --    prueba  --", "$text-muted"),)
        assert state.title("mlp") == f"MLP · {state.settings.hidden_units} neuronas ocultas"
        assert part05.percent(0.867) == "86,7 %"
        # The progress line fits 80 columns less the padding, the longest counts included.
        progress = part05.progress_text(TrainingProgress("neuron", 1500, 1500, 0.29))
        assert len("".join(part if isinstance(part, str) else part[0]
                           for part in progress)) <= 78
        while state.change_noise(+1):
            pass
        assert state.notice.startswith("Ruido 0,") and "máximo" in state.notice
    assert state.title("neuron") == "single neuron"


def test_part06_quiz_texts_in_spanish() -> None:
    quiz = QuizState(content_in("es").quiz)
    with in_language("es"):
        view = quiz.view(None)
        assert view.head.startswith("Pregunta 1 de 5")
        wrong = next(index for index, option in enumerate(quiz.questions[0].options)
                     if not option.correct)
        quiz.answer(wrong)
        feedback = "".join(part if isinstance(part, str) else part[0]
                           for part in quiz.view(None).feedback)
        assert "No exactamente." in feedback and "La respuesta correcta:" in feedback


def test_pacing_notices_in_spanish() -> None:
    held = Pacing(hold=4, quiz_open=False)
    with in_language("es"):
        assert held.refusal("part05") == "Tu docente abrirá pronto la Parte 05."
        assert Pacing(hold=4).news(held) == "Tu docente ha abierto el cuestionario."
        assert Pacing(hold=5, quiz_open=False).news(held) == (
            "Tu docente ha abierto la Parte 05.")
    assert held.refusal("part05") == "Your teacher opens Part 05 soon."


@pytest.mark.parametrize("language", ["en", "es"])
def test_figure_legends_follow_the_language(language: str) -> None:
    grid = plot_grid((-1.0, 1.0), (-1.0, 1.0), (8, 4))
    figure = RegionFigure(np.array([[0.0, 0.0], [0.5, 0.5]]), np.array([0, 1]),
                          (-1.0, 1.0), (-1.0, 1.0), line=((-1.0, -1.0), (1.0, 1.0)),
                          shading=Shading.of(grid, np.full(len(grid.cells), 0.5),
                                             PROBABILITY_BANDS),
                          glyph_set=UNICODE)
    with in_language(language):
        legend = figure.legend().plain
        bowl = bowl_legend(UNICODE, zoomed_out=True).plain
    if language == "es":
        assert legend == ("o A  x B  o/x errores  ⠉⠒ línea  "
                          "░ A seguro  · A  ≈ duda  : B  ▒ B seguro")
        assert "<0,35" in bowl and "recorrido" in bowl and "alejado" in bowl
    else:
        assert legend == ("o A  x B  o/x wrong  ⠉⠒ line  "
                          "░ sure A  · A  ≈ unsure  : B  ▒ sure B")
        assert "<0.35" in bowl and "path" in bowl and "zoomed out" in bowl


def test_every_activation_label_is_in_the_catalog() -> None:
    from neuron_tui.lesson.part01 import ACTIVATION_LABELS
    from neuron_tui.model.activations import ACTIVATIONS

    assert sorted(ACTIVATION_LABELS) == sorted(get.label for get in ACTIVATIONS.values())
    with in_language("es"):
        assert _("sigmoid") == "sigmoide"
