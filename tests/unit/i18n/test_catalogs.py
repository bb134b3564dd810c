"""The gettext catalogs: the committed ones compile, the built ones are current, and
the merge, compile, check and extract steps do what translators rely on."""

from __future__ import annotations

import gettext
import shutil
import textwrap
from pathlib import Path

import pytest

from neuron_tui.catalogs import (
    CatalogError,
    catalog_languages,
    compile_all,
    compile_language,
    extract,
    merge_language,
    missing_translations,
    mo_path,
    stale_catalogs,
)
from neuron_tui.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parents[3]
HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
REBUILD = "rebuild them: python tools/i18n.py compile (or pip install -e .)"


def write_po(folder: Path, name: str, body: str) -> Path:
    path = folder / "es" / "LC_MESSAGES" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


# -- the committed catalogs ----------------------------------------------------------------

def test_every_shipped_language_but_the_source_has_a_catalog() -> None:
    assert catalog_languages(LOCALE_DIR) == sorted(set(LANGUAGES) - {SOURCE_LANGUAGE})


def test_the_committed_po_files_compile(tmp_path: Path) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    try:
        written = compile_all(copy)
    except CatalogError as error:
        pytest.fail("the catalogs do not compile:\n" + "\n".join(error.problems))
    assert {path.parent.parent.name for path in written} == set(catalog_languages(copy))


def test_the_compiled_catalogs_are_not_older_than_their_po_files() -> None:
    stale = [str(path.relative_to(ROOT)) for path in stale_catalogs(LOCALE_DIR)]
    assert not stale, f"missing or older than their .po files: {stale}; {REBUILD}"


def test_the_template_has_every_string_the_code_marks(tmp_path: Path) -> None:
    template = tmp_path / "neuron_tui.pot"
    extract(ROOT / "neuron_tui", template, ROOT)
    fresh = set(_msgids(template))
    committed = set(_msgids(LOCALE_DIR / "neuron_tui.pot"))
    assert fresh == committed, (
        f"neuron_tui.pot is out of date (new: {sorted(fresh - committed)[:5]}, "
        f"gone: {sorted(committed - fresh)[:5]}); run python tools/i18n.py extract")


def _msgids(template: Path) -> list[str]:
    from babel.messages.pofile import read_po

    with template.open("rb") as handle:
        return [str(message.id) for message in read_po(handle) if message.id]


# -- merge and compile ----------------------------------------------------------------------

def test_fragments_merge_into_one_catalog_without_fuzzy_or_empty_entries(tmp_path: Path) -> None:
    write_po(tmp_path, "a.po", """\
        msgid "Train"
        msgstr "Entrena"

        #, fuzzy
        msgid "Guess"
        msgstr "Adivina"

        msgid "Empty"
        msgstr ""
        """)
    write_po(tmp_path, "b.po", """\
        msgid "Train"
        msgstr "Entrena"

        msgid "{n} learner"
        msgid_plural "{n} learners"
        msgstr[0] "{n} alumno"
        msgstr[1] "{n} alumnos"
        """)
    target = compile_language(tmp_path, "es")
    assert target == mo_path(tmp_path, "es") and target.name == f"{DOMAIN}.mo"
    catalog = gettext.translation(DOMAIN, tmp_path, languages=["es"])
    assert catalog.gettext("Train") == "Entrena"
    assert catalog.gettext("Guess") == "Guess"  # fuzzy: the English is shown
    assert catalog.gettext("Empty") == "Empty"
    assert catalog.ngettext("{n} learner", "{n} learners", 1) == "{n} alumno"
    assert catalog.ngettext("{n} learner", "{n} learners", 1_000_000) == "{n} alumnos"
    assert target.stat().st_mode & 0o777 == 0o644


def test_one_msgid_translated_two_ways_is_an_error_naming_both_places(tmp_path: Path) -> None:
    first = write_po(tmp_path, "a.po", 'msgid "Train"\nmsgstr "Entrena"\n')
    second = write_po(tmp_path, "b.po", '\n\nmsgid "Train"\nmsgstr "Entrénalo"\n')
    with pytest.raises(CatalogError) as raised:
        merge_language(tmp_path, "es")
    assert raised.value.problems == [
        f'{second}:6: "Train" is translated differently in {first}:4']
    assert not mo_path(tmp_path, "es").exists()


def test_a_plural_with_more_forms_than_the_language_has_is_refused(tmp_path: Path) -> None:
    path = write_po(tmp_path, "a.po", """\
        msgid "{n} epoch"
        msgid_plural "{n} epochs"
        msgstr[0] "{n} época"
        msgstr[1] "{n} épocas"
        msgstr[2] "{n} de épocas"
        """)
    with pytest.raises(CatalogError) as raised:
        compile_all(tmp_path)
    problem = raised.value.problems[0]
    assert problem.startswith(f"{path}: cannot be read as a PO file") and "plural" in problem


def test_a_quote_left_open_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_po(tmp_path, "a.po", 'msgid "Train"\nmsgstr "Entrena\n')
    with pytest.raises(CatalogError) as raised:
        compile_all(tmp_path)
    assert raised.value.problems == [
        f'{path}:5: not a PO line (a quote left open?): msgstr "Entrena']


def test_a_msgid_without_msgstr_is_reported(tmp_path: Path) -> None:
    path = write_po(tmp_path, "a.po", 'msgid "Train"\n')
    with pytest.raises(CatalogError) as raised:
        compile_all(tmp_path)
    assert raised.value.problems[0].startswith(f"{path}: cannot be read as a PO file")


def test_a_catalog_is_stale_when_missing_or_older_than_a_po(tmp_path: Path) -> None:
    po = write_po(tmp_path, "a.po", 'msgid "Train"\nmsgstr "Entrena"\n')
    assert stale_catalogs(tmp_path) == [mo_path(tmp_path, "es")]
    compile_all(tmp_path)
    assert stale_catalogs(tmp_path) == []
    later = mo_path(tmp_path, "es").stat().st_mtime + 5
    import os

    os.utime(po, (later, later))
    assert stale_catalogs(tmp_path) == [mo_path(tmp_path, "es")]


# -- check -------------------------------------------------------------------------------

def test_check_names_each_untranslated_string_with_its_template_line(tmp_path: Path) -> None:
    template = tmp_path / "neuron_tui.pot"
    template.write_text(HEADER + textwrap.dedent("""\
        #: neuron_tui/a.py:3
        msgid "Train"
        msgstr ""

        #: neuron_tui/a.py:4
        msgid "Guess"
        msgstr ""

        #: neuron_tui/b.py:9
        msgid "Empty"
        msgstr ""

        #: neuron_tui/b.py:12
        msgid "{n} learner"
        msgid_plural "{n} learners"
        msgstr[0] ""
        msgstr[1] ""
        """), encoding="utf-8")
    write_po(tmp_path, "a.po", """\
        msgid "Train"
        msgstr "Entrena"

        #, fuzzy
        msgid "Guess"
        msgstr "Adivina"

        msgid "Empty"
        msgstr ""

        msgid "{n} learner"
        msgid_plural "{n} learners"
        msgstr[0] "{n} alumno"
        msgstr[1] ""
        """)
    assert missing_translations(template, tmp_path, "es") == [
        f'{template}:9: no es translation of "Guess" (used at neuron_tui/a.py:4)',
        f'{template}:13: no es translation of "Empty" (used at neuron_tui/b.py:9)',
        f'{template}:17: no es translation of "{{n}} learner" (used at neuron_tui/b.py:12)',
    ]


def test_check_of_a_language_without_po_files_says_so_once(tmp_path: Path) -> None:
    template = tmp_path / "neuron_tui.pot"
    template.write_text(HEADER + 'msgid "Train"\nmsgstr ""\n', encoding="utf-8")
    problems = missing_translations(template, tmp_path, "fr")
    assert len(problems) == 1 and "no .po files" in problems[0]


# -- extract -------------------------------------------------------------------------------

def test_extract_finds_underscore_n_and_ngettext_but_no_f_strings(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "screen.py").write_text(textwrap.dedent('''\
        from neuron_tui.i18n import N_, _, ngettext

        TITLE = N_("The atom")


        def draw(n, name):
            # TRANSLATORS: a button.
            label = _("Train this for me")
            count = ngettext("{n} epoch", "{n} epochs", n).format(n=n)
            return label, count, _(name), _(f"not {name}")
        '''), encoding="utf-8")
    template = tmp_path / "out.pot"
    assert extract(package, template, tmp_path) is True
    from babel.messages.pofile import read_po

    with template.open("rb") as handle:
        catalog = read_po(handle)
    messages = {message.id: message for message in catalog if message.id}
    assert set(messages) == {"The atom", "Train this for me", ("{n} epoch", "{n} epochs")}
    assert messages["Train this for me"].locations == [("pkg/screen.py", 8)]
    assert messages["Train this for me"].auto_comments == ["a button."]
    before = template.read_bytes()
    assert extract(package, template, tmp_path) is False  # only the date would change
    assert template.read_bytes() == before
