"""The class view in a Spanish-speaking teacher's language, against the same fake hub.

The view, its dialogs, its notices and its footer's keys read in the language chosen
before it is built (`class_view_app`); the English view built in the same process
afterwards is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import DataTable, Footer, Static

from neuron_tui.class_view.app import ClassViewApp
from neuron_tui.class_view.dialogs import ClassDialog
from neuron_tui.class_view.language import class_view_app
from neuron_tui.class_view.summary import page_label
from tests.functional.ui.test_class_view import (  # noqa: F401 (hub: a fixture)
    NOW,
    SIZE,
    FakeHub,
    cells,
    hub,
    notices,
    text_of,
    three_learners,
    until,
)
from tests.languages import in_language


@pytest.fixture
def spanish() -> Iterator[None]:
    with in_language("es"):
        yield


def spanish_view(hub: FakeHub) -> ClassViewApp:  # noqa: F811
    return class_view_app(hub.path, clock=lambda: NOW, retry_seconds=0.5)


def footer_keys(view: ClassViewApp) -> dict[str, str]:
    """Key → description of every binding the footer shows."""
    return {key: active.binding.description
            for key, active in view.screen.active_bindings.items() if active.binding.show}


async def test_the_class_reads_in_spanish(hub: FakeHub, spanish: None) -> None:  # noqa: F811
    hub.send(three_learners())
    view = spanish_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        table = view.query_one(DataTable)
        assert [str(column.label) for column in table.columns.values()] == [
            "Nombre", "Visto", "Parte", "Lleva", "Compr.", "Nota", "Falladas", "Actividad"]
        ada, bob, cy = cells(view)
        assert ada[1] == "aquí" and bob[7] == "! 4m parado" and cy[5] == "3/5"
        summary = text_of(view, "#summary")
        # A decimal comma in the average; the questions are "P" (pregunta).
        assert "3 aquí, 0 fuera │ 02:1 03:1 06:1" in summary
        assert "nota media 3,0/5 (de 1) │ fallos P1 0 P2 0 P3 1(a) P4 1(b) P5 0" in summary
        assert "sin retención · cuestionario abierto" in summary
        assert text_of(view, "#title") == (
            "neuron-tui · la clase · entrar: ssh -p 2222 NAME@classroom · orden: nombre")
        await pilot.press("down", "down")
        assert text_of(view, "#detail") == (
            "Cy · clave SHA256:cyKEY · en classroom · llegó hace 1h00 · sin partes hechas")
        await pilot.press("s")
        assert "orden: parte" in text_of(view, "#title")
        assert footer_keys(view) == {
            "b": "traer", "h": "retener", "o": "cuestionario", "m": "mensaje",
            "e": "exportar", "s": "ordenar", "q": "salir"}
        # The footer draws what the bindings say, and all of it fits in 80 columns.
        footer = view.query_one(Footer)
        drawn = "".join(str(child.render()) for child in footer.children)
        assert "traer" in drawn and "salir" in drawn
        assert sum(child.size.width for child in footer.children) <= SIZE[0]


async def test_dialogs_and_notices_in_spanish(hub: FakeHub, spanish: None) -> None:  # noqa: F811
    hub.send(three_learners(hold=3))
    view = spanish_view(hub)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        assert "retenidos en la Parte 03" in text_of(view, "#summary")
        await pilot.press("h")
        assert isinstance(view.screen, ClassDialog)
        assert "(ahora Parte 03):" in view.screen.question
        assert "vacío quita la retención" in str(view.screen.query_one("#why", Static).render())
        await pilot.press("9", "enter")
        assert "No existe la Parte 9" in str(view.screen.query_one("#why", Static).render())
        await pilot.press("escape", "o")
        await until(pilot, lambda: "Cerrando el cuestionario." in notices(view))
        await pilot.press("q")
        await until(pilot, lambda: "Pulsa q otra vez" in notices(view))
        hub.close()
        await until(pilot, lambda: view.query_one("#status").has_class("shown"))
        assert text_of(view, "#status").startswith("Sin conexión: ")
        assert "cada 0,5 s; q q sale." in text_of(view, "#status")


async def test_english_after_spanish_is_unchanged(hub: FakeHub) -> None:  # noqa: F811
    """Building the Spanish view leaves the English class (and a later English view) alone."""
    with in_language("es"):
        class_view_app(hub.path)
    assert [binding.description for binding in ClassViewApp.BINDINGS][:7] == [
        "bring", "hold", "quiz", "message", "export", "sort", "quit"]
    hub.send(three_learners())
    view = class_view_app(hub.path, clock=lambda: NOW)
    async with view.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: view.query_one(DataTable).row_count == 3)
        assert footer_keys(view)["b"] == "bring"
        assert cells(view)[0][1] == "here"


def test_one_class_per_language(hub: FakeHub, spanish: None) -> None:  # noqa: F811
    """The translated class is made once per language, not once per view."""
    first: Any = class_view_app(hub.path)
    assert type(class_view_app(hub.path)) is type(first)
    assert type(first).__name__ == "ClassViewApp" and isinstance(first, ClassViewApp)


def test_table_words_fit_their_columns(spanish: None) -> None:
    """The opening and the end read "intro" and "fin" in the 5-column Part column (the
    bowl's "start" is "inicio": the table's words have their own catalog entries)."""
    assert (page_label("opening"), page_label("completion")) == ("intro", "fin")
    assert all(len(page_label(page)) <= 5 for page in ("opening", "completion"))


def test_table_words_stay_english_without_a_translation() -> None:
    assert (page_label("opening"), page_label("completion")) == ("start", "end")
