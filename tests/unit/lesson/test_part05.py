"""Part 05's state without a screen: settings keys, runs that count, the status line."""

from __future__ import annotations

import sys
import types
from dataclasses import replace

import pytest

from neuron_tui.glyphs import ASCII, UNICODE, use_glyphs
from neuron_tui.lesson.part05 import (
    BAR_WIDTH,
    FEW_UNITS,
    ProofState,
    Text,
    insights,
    progress_text,
)
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
    assert state.notice == ""
    assert not state.change_noise(-1)  # nothing changed: nothing to retrain
    # ...but the key is not dead: the line says where the limit is, the notice what to do.
    assert "noise 0.05 (least)" in plain(state.settings_line())
    assert state.notice == "Noise 0.05 is the least here; ] raises it."
    assert plain(state.shown_status()).startswith("Noise 0.05 is the least here")
    for _ in range(8):
        state.change_noise(1)
    assert "noise 0.40 (most)" in plain(state.settings_line())
    assert state.notice == "Noise 0.40 is the most here; [ lowers it."
    state.start()
    assert state.notice == ""  # a new run: the notice has been read


def test_hidden_units_step_and_name_the_panel() -> None:
    state = ProofState(FAST)
    assert state.title("mlp") == "MLP · 16 hidden units"
    assert state.change_hidden_units(-1) and state.settings.hidden_units == 12
    for _ in range(12):
        state.change_hidden_units(-1)
    assert state.settings.hidden_units == 1
    assert not state.change_hidden_units(-1)
    assert state.notice == "1 hidden unit is the fewest; + adds more."
    assert "hidden units 1 (fewest)" in plain(state.settings_line())
    assert state.title("mlp") == "MLP · 1 hidden unit"
    assert state.title("neuron") == "single neuron"
    while state.change_hidden_units(1):
        assert state.notice == ""
    assert state.notice == "64 hidden units is the most here; - takes some away."


def test_settings_line_names_the_split() -> None:
    line = plain(ProofState(MoonsSettings()).settings_line())
    assert line == "noise 0.20   hidden units 16   150 train + 50 test points"


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
    assert "epoch 5/20" in status and "loss 0.432" in status and "Esc cancels" in status
    assert UNICODE.progress_full * 2 + UNICODE.progress_empty * (BAR_WIDTH - 2) in status


def test_the_longest_progress_line_fits_80_columns() -> None:
    longest = plain(progress_text(TrainingProgress("neuron", 1500, 1500, 10.123)))
    assert len(longest) <= 78  # 80 columns less the line's padding


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
    assert plain(state.status).split("\n") == [
        f"neuron loss {neuron.loss:.3f} · MLP loss {fast_result.mlp.loss:.3f}",
        *insights(fast_result),
    ]


def scored(result: MoonsResult, units: int, neuron: tuple[float, float],
           mlp: tuple[float, float]) -> MoonsResult:
    """`result` with these hidden units and (train, test) accuracies."""
    return replace(
        result, settings=replace(result.settings, hidden_units=units),
        neuron=replace(result.neuron, train_accuracy=neuron[0], test_accuracy=neuron[1]),
        mlp=replace(result.mlp, train_accuracy=mlp[0], test_accuracy=mlp[1]))


def test_an_mlp_no_better_than_the_neuron_is_explained(fast_result: MoonsResult) -> None:
    few = scored(fast_result, FEW_UNITS, (0.867, 0.8), (0.88, 0.8))
    assert insights(few) == [
        f"{FEW_UNITS} hidden units are too few to bend: the MLP stays as straight as the "
        "neuron's line. Press +."]
    one = scored(fast_result, 1, (0.867, 0.8), (0.5, 0.4))  # worse is no better either
    assert insights(one)[0].startswith("1 hidden unit is too few to bend")
    stuck = scored(fast_result, 16, (0.867, 0.8), (0.86, 0.8))
    assert insights(stuck)[0].startswith("This time the MLP's boundary came out straight")
    assert insights(scored(fast_result, 16, (0.867, 0.8), (0.97, 0.9))) == []


def test_test_above_train_is_explained_by_the_small_test_set(
        fast_result: MoonsResult) -> None:
    count = fast_result.settings.test_count
    expected = (f"Test beats train by chance: only {count} test points, "
                f"{100 / count:.3g} % each.")
    assert insights(scored(fast_result, 16, (0.867, 0.88), (0.97, 0.96))) == [expected]
    assert insights(scored(fast_result, 16, (0.867, 0.86), (0.97, 1.0))) == [expected]


def test_four_units_on_the_real_moons_do_no_better_and_say_why() -> None:
    """The real run the learner sees at 4 hidden units (scikit-learn, seeded)."""
    result = run(MoonsSettings().with_hidden_units(4))
    assert result.mlp.train_accuracy < result.neuron.train_accuracy + 0.03
    assert result.neuron.test_accuracy > result.neuron.train_accuracy
    said = insights(result)
    assert said[0].startswith("4 hidden units are too few to bend")
    assert said[1] == "Test beats train by chance: only 50 test points, 2 % each."


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
