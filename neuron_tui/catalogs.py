"""The gettext catalogs' build steps: extract the strings, merge and compile, check.

Used by ``tools/i18n.py`` (a translator's commands), by ``hatch_build.py`` (the wheel
carries compiled ``.mo`` files) and by ``neuron-tui check-content`` (a translation
must translate every string). It needs Babel, a build and test dependency that the
lesson itself never imports: import this module only where Babel is wanted.

Each language keeps any number of ``.po`` files in ``locale/<lang>/LC_MESSAGES/``
(one per area of the code, written by different people); they are merged into the
one ``neuron_tui.mo`` the lesson loads. The same msgid translated two ways is an
error, since one of the two screens would silently show the other's words.

This module imports nothing from neuron_tui, so the build hook can load it by path
before the package (and its dependencies) are installed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

__all__ = [
    "DOMAIN",
    "KEYWORDS",
    "CatalogError",
    "catalog_languages",
    "compile_all",
    "compile_language",
    "extract",
    "merge_language",
    "missing_translations",
    "mo_path",
    "po_files",
    "stale_catalogs",
]

#: The gettext domain, as in neuron_tui/i18n.py: ``neuron_tui.mo``.
DOMAIN = "neuron_tui"
#: The calls the extractor reads (neuron_tui/i18n.py's ``_``, ``N_`` and ``ngettext``).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "ngettext": (1, 2)}
#: gettext's plural rule for each language. Babel's own rule for Spanish follows CLDR
#: (three forms, one for "1 000 000 de"), which translators of a two-form PO do not
#: write; the lesson never counts to a million, so the classic two forms it is.
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);"}
_DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
#: Comments in the code starting with this go to the translators, beside the msgid.
COMMENT_TAG = "TRANSLATORS:"


class CatalogError(Exception):
    """A catalog that cannot be built; ``problems`` lists each as ``file:line: what``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Origin:
    """Where a merged translation came from, for the conflict message."""

    path: Path
    line: int


def catalog_languages(locale_dir: Path) -> list[str]:
    """The languages with a ``LC_MESSAGES`` folder holding at least one ``.po``."""
    if not locale_dir.is_dir():
        return []
    return sorted(
        folder.name
        for folder in locale_dir.iterdir()
        if any((folder / "LC_MESSAGES").glob("*.po"))
    )


def po_files(locale_dir: Path, code: str) -> list[Path]:
    """The ``.po`` files of language ``code``, in name order (the merge is order-free)."""
    return sorted((locale_dir / code / "LC_MESSAGES").glob("*.po"))


def mo_path(locale_dir: Path, code: str) -> Path:
    """Where language ``code``'s compiled catalog goes (and where gettext looks for it)."""
    return locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _key(message: Message) -> tuple[str | tuple[str, ...], str | None]:
    return message.id, message.context


def _translated(message: Message) -> bool:
    """A real translation: not the header, not fuzzy, and no empty form."""
    if not message.id or message.fuzzy:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(forms) and all(forms)


def _shown(message_id: str | tuple[str, ...]) -> str:
    text = message_id[0] if isinstance(message_id, tuple) else message_id
    text = text.replace("\n", "\\n")
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


#: A PO line that is not a comment: a keyword and a quoted string, or a string alone.
_PO_LINE = re.compile(
    r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"$'
)


def _read(path: Path, problems: list[str]) -> Catalog | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}: cannot be read as UTF-8 text ({error})")
        return None
    # Babel reads an unclosed quote as if the last letter were the quote: find it first.
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#") and not _PO_LINE.match(line):
            problems.append(f"{path}:{number}: not a PO line (a quote left open?): {line[:60]}")
            return None
    try:
        return read_po(BytesIO(text.encode("utf-8")), abort_invalid=True)
    except (PoFileError, ValueError) as error:
        problems.append(f"{path}: cannot be read as a PO file ({error})")
        return None


def merge_language(locale_dir: Path, code: str) -> Catalog:
    """Every ``.po`` of ``code`` as one catalog; raise CatalogError on any conflict.

    Fuzzy and untranslated entries (a plural with an empty form too) are left out:
    gettext then shows the English. A plural with more forms than the language has
    makes its file unreadable.
    """
    merged = Catalog(locale=code, domain=DOMAIN, fuzzy=False)
    merged.mime_headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", PLURAL_FORMS.get(code, _DEFAULT_PLURAL_FORMS)),
    ]
    origins: dict[tuple[str | tuple[str, ...], str | None], _Origin] = {}
    problems: list[str] = []
    for path in po_files(locale_dir, code):
        catalog = _read(path, problems)
        if catalog is None:
            continue
        for message in catalog:
            if not _translated(message):
                continue
            where = f"{path}:{message.lineno}"
            key = _key(message)
            known = merged.get(*key)
            if known is not None and known.string != message.string:
                first = origins[key]
                problems.append(
                    f"{where}: {_shown(message.id)} is translated differently in "
                    f"{first.path}:{first.line}"
                )
                continue
            if known is None:
                merged[message.id] = Message(
                    message.id, message.string, context=message.context
                )
                origins[key] = _Origin(path, message.lineno)
    if problems:
        raise CatalogError(problems)
    return merged


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file, so a running lesson never reads half a catalog."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would follow the file into the wheel
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compile_language(locale_dir: Path, code: str) -> Path:
    """Merge and compile ``code`` into its ``neuron_tui.mo``; return that file."""
    catalog = merge_language(locale_dir, code)
    target = mo_path(locale_dir, code)
    _write_atomically(target, lambda stream: write_mo(stream, catalog, use_fuzzy=False))
    return target


def compile_all(locale_dir: Path) -> list[Path]:
    """Compile every language of ``locale_dir``; raise CatalogError with every problem."""
    compiled: list[Path] = []
    problems: list[str] = []
    for code in catalog_languages(locale_dir):
        try:
            compiled.append(compile_language(locale_dir, code))
        except CatalogError as error:
            problems += error.problems
    if problems:
        raise CatalogError(problems)
    return compiled


def stale_catalogs(locale_dir: Path) -> list[Path]:
    """Compiled catalogs that are missing or older than one of their ``.po`` files."""
    stale = []
    for code in catalog_languages(locale_dir):
        target = mo_path(locale_dir, code)
        newest = max(path.stat().st_mtime for path in po_files(locale_dir, code))
        if not target.is_file() or target.stat().st_mtime < newest:
            stale.append(target)
    return stale


def _extracted(package_dir: Path) -> Iterator[tuple[str, int, object, list[str], object]]:
    return extract_from_dir(
        package_dir,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=(COMMENT_TAG,),
        strip_comment_tags=True,
    )


def extract(package_dir: Path, template: Path, root: Path) -> bool:
    """Write every marked string of ``package_dir`` into ``template`` (a ``.pot``).

    Locations are relative to ``root``. Returns False, leaving the file alone, when
    nothing but the creation date would change (no churn in git).
    """
    catalog = Catalog(domain=DOMAIN, project="neuron-tui", fuzzy=False,
                      copyright_holder="neuron-tui developers")
    for filename, line, message, comments, context in _extracted(package_dir):
        path = (package_dir / filename).relative_to(root).as_posix()
        catalog.add(message, None, [(path, line)], auto_comments=comments, context=context)
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, sort_by_file=True)
    text = buffer.getvalue()
    if template.is_file() and _without_date(template.read_bytes()) == _without_date(text):
        return False
    _write_atomically(template, lambda stream: stream.write(text))
    return True


def _without_date(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.startswith(b'"POT-Creation-Date:')]


def missing_translations(template: Path, locale_dir: Path, code: str) -> list[str]:
    """Each msgid of ``template`` that ``code`` does not translate, as ``file:line: what``.

    Also every conflict or unreadable file among ``code``'s ``.po`` files.
    """
    if not po_files(locale_dir, code):
        return [f"{locale_dir / code / 'LC_MESSAGES'}: no .po files (copy {template.name} "
                "there as <area>.po and translate it)"]
    problems: list[str] = []
    pot = _read(template, problems)
    if pot is None:
        return problems
    try:
        merged = merge_language(locale_dir, code)
    except CatalogError as error:
        return error.problems
    for message in _messages(pot):
        if merged.get(*_key(message)) is None:
            used = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
            problems.append(
                f"{template}:{message.lineno}: no {code} translation of "
                f"{_shown(message.id)} (used at {used})"
            )
    return problems


def _messages(catalog: Catalog) -> Iterable[Message]:
    return (message for message in catalog if message.id)
