"""Part 05's state without a screen: settings keys, runs that count, the status line."""

from __future__ import annotations

import sys
import types

import pytest

from neuron_tui.glyphs import ASCII, UNICODE, use_glyphs
from neuron_tui.lesson.part05 import BAR_WIDTH, ProofState, Text, progress_text
from neuron_tui.lesson.proof_training import MoonsResult, MoonsSettings, run
from neuron_tui.model.moons import TrainingProgress

FAST = MoonsSettings(n_samples=60, neuron_epochs=60, mlp_epochs=20, report_every=5)


def plain(text: Text) -> str:
    """What the learner reads, without the styles."""
    return "".join(part if isinstance(part, str) else part[0] for part in text)


@pytest.fixture(scope="module")
def fast_result() -> MoonsResult:
    return run(FAST)


def test_opens_on_the_given_settings_or_the_defaults() -> None:
    assert ProofState(FAST).settings == FAST
    state = ProofState()
    assert state.settings == MoonsSettings()
    assert not state.training and state.result is None
    assert plain(state.score("neuron")) == plain(state.score("mlp")) == "train  --      test  --"


def test_noise_steps_and_stops_at_its_ends() -> None:
    state = ProofState(FAST)
    assert state.change_noise(1) and state.settings.noise == pytest.approx(0.25)
    assert state.change_noise(-1) and state.settings.noise == pytest.approx(0.2)
    for _ in range(3):
        state.change_noise(-1)
    assert state.settings.noise == pytest.approx(0.05)
    assert not state.change_noise(-1)  # nothing changed: nothing to retrain
    assert "noise 0.05" in plain(state.settings_line())


def test_hidden_units_step_and_name_the_panel() -> None:
    state = ProofState(FAST)
    assert state.title("mlp") == "MLP · 16 hidden units"
    assert state.change_hidden_units(-1) and state.settings.hidden_units == 12
    for _ in range(12):
        state.change_hidden_units(-1)
    assert state.settings.hidden_units == 1
    assert not state.change_hidden_units(-1)
    assert state.title("mlp") == "MLP · 1 hidden unit"
    assert state.title("neuron") == "single neuron"


def test_settings_line_names_the_split() -> None:
    line = plain(ProofState(MoonsSettings()).settings_line())
    assert line == "noise 0.20   hidden units 16   200 points: 150 train, 50 test"


def test_starting_says_whether_scikit_learn_must_load_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = ProofState(FAST)
    monkeypatch.delitem(sys.modules, "sklearn.neural_network", raising=False)
    first = state.start()
    assert state.training
    assert plain(state.status).startswith("Loading scikit-learn")
    monkeypatch.setitem(sys.modules, "sklearn.neural_network", types.ModuleType("stand-in"))
    assert state.start() == first + 1
    assert plain(state.status) == "Training…"


def test_progress_of_the_current_run_shows_a_bar_and_the_loss() -> None:
    state = ProofState(FAST)
    current = state.start()
    assert state.receive(current, TrainingProgress("mlp", 5, 20, 0.4321))
    status = plain(state.status)
    assert status.startswith("Training MLP")
    assert "iteration 5/20" in status and "loss 0.432" in status and "Esc cancels" in status
    assert UNICODE.progress_full * 3 + UNICODE.progress_empty * (BAR_WIDTH - 3) in status


def test_progress_bar_follows_the_glyph_set() -> None:
    use_glyphs(ASCII)
    try:
        text = plain(progress_text(TrainingProgress("neuron", 30, 60, 0.5)))
    finally:
        use_glyphs(UNICODE)
    assert text.startswith("Training single neuron")
    assert "#" * (BAR_WIDTH // 2) + "." * (BAR_WIDTH // 2) in text


def test_a_result_ends_the_run_and_shows_scores_and_losses(fast_result: MoonsResult) -> None:
    state = ProofState(FAST)
    state.receive(state.start(), fast_result)
    assert not state.training and state.result is fast_result
    neuron = fast_result.neuron
    score = plain(state.score("neuron"))
    assert score == (f"train {100 * neuron.train_accuracy:.1f} %"
                     f"   test {100 * neuron.test_accuracy:.1f} %")
    assert plain(state.status) == (
        f"neuron loss {neuron.loss:.3f} · MLP loss {fast_result.mlp.loss:.3f}"
    )


def test_updates_of_an_older_run_are_ignored(fast_result: MoonsResult) -> None:
    state = ProofState(FAST)
    old = state.start()
    new = state.start()  # a key changed the settings: the first run is replaced
    assert not state.receive(old, fast_result)
    assert state.result is None and state.training
    assert state.receive(new, TrainingProgress("neuron", 25, 60, 0.6))


def test_cancel_stops_counting_the_run(fast_result: MoonsResult) -> None:
    state = ProofState(FAST)
    assert not state.cancel()  # nothing running
    run_number = state.start()
    assert state.cancel()
    assert not state.training
    assert plain(state.status) == "Training cancelled. t trains again with these settings."
    assert not state.receive(run_number, fast_result)  # it finished after all: too late
    assert state.result is None
    assert not state.cancel()


def test_a_result_is_kept_while_the_next_run_trains(fast_result: MoonsResult) -> None:
    state = ProofState(FAST)
    state.receive(state.start(), fast_result)
    state.change_noise(1)
    state.start()
    assert state.training and state.result is fast_result
    assert plain(state.score("mlp")).startswith("train ")


def test_failure_is_told() -> None:
    state = ProofState(FAST)
    state.start()
    state.fail(MemoryError("out of memory"))
    assert not state.training
    assert plain(state.status) == "Training failed: out of memory"
