"""Load the lesson text and the quiz from content/ into typed dataclasses.

The lesson lives in Markdown files (one a part) and a TOML quiz, so teachers can
edit words without touching code. Every problem found is reported with the file
and, where it can be known, the line, so `neuron-tui check-content` and the app's
refusal to start on broken content say the same thing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from neuron_tui.i18n import LANGUAGES, SOURCE_LANGUAGE
from neuron_tui.lesson.registry import LESSON, Lesson

QUIZ_FILE = "quiz.toml"
QUIZ_LENGTH = 5
#: The score the lesson asks for: 4 out of 5.
QUIZ_PASS_MARK = 4
OPTIONS_PER_QUESTION = 4


class ContentError(Exception):
    """Raised when content/ is missing or malformed; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Page:
    """One Markdown page of the lesson: its title (the first heading) and body."""

    key: str
    title: str
    markdown: str


@dataclass(frozen=True)
class QuizOption:
    """One answer of a quiz question, with the reason it is right or wrong."""

    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class QuizQuestion:
    """A quiz question with exactly one correct option."""

    topic: str
    prompt: str
    options: tuple[QuizOption, ...]

    @property
    def correct_index(self) -> int:
        """Index of the one correct option."""
        return next(i for i, option in enumerate(self.options) if option.correct)


@dataclass(frozen=True)
class Content:
    """Everything the lesson shows that is words rather than code."""

    folder: Path
    pages: dict[str, Page] = field(default_factory=dict)
    quiz: tuple[QuizQuestion, ...] = ()

    def page(self, key: str) -> Page:
        """The page for `key` (e.g. "part02")."""
        return self.pages[key]


def default_content_dir() -> Path:
    """The content/ folder: inside the installed wheel, or beside the source tree."""
    package_dir = Path(__file__).resolve().parent.parent  # neuron_tui/
    for candidate in (package_dir / "content", package_dir.parent / "content"):
        if (candidate / QUIZ_FILE).is_file():
            return candidate
    return package_dir / "content"


def content_root(content: Content) -> Path:
    """The folder that holds `content`'s language folders: `content/` for `content/es/`."""
    folder = content.folder
    parent = folder.parent
    if folder.name in LANGUAGES and (parent / QUIZ_FILE).is_file():
        return parent
    return folder


def content_folder(root: Path | None, code: str) -> Path:
    """The content of language `code` under `root` (default: the built-in content/).

    English is `root` itself, the source; another language is `root/<code>/`, or the
    English when `root` has no such folder (a teacher's own --content, say).
    """
    root = Path(root) if root is not None else default_content_dir()
    translated = root / code
    if code != SOURCE_LANGUAGE and (translated / QUIZ_FILE).is_file():
        return translated
    return root


def content_in(content: Content, code: str, lesson: Lesson = LESSON) -> Content:
    """The same content (the built-in one or a --content folder) in language `code`."""
    return load_content(content_folder(content_root(content), code), lesson)


def load_content(folder: Path | None = None, lesson: Lesson = LESSON) -> Content:
    """Load and validate content/; raise ContentError listing every problem."""
    folder = Path(folder) if folder is not None else default_content_dir()
    if not folder.is_dir():
        raise ContentError([f"{folder}: content folder not found"])
    problems: list[str] = []
    pages: dict[str, Page] = {}
    for spec in lesson.pages:
        page = _load_page(folder / spec.content_file, spec.key, problems)
        if page is not None:
            pages[spec.key] = page
    quiz = _load_quiz(folder / QUIZ_FILE, problems)
    if problems:
        raise ContentError(problems)
    return Content(folder=folder, pages=pages, quiz=quiz)


def _load_page(path: Path, key: str, problems: list[str]) -> Page | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path}: missing (every part needs its page)")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}: cannot be read as UTF-8 text ({error})")
        return None
    match = re.search(r"^# +(.+?)\s*$", text, flags=re.MULTILINE)
    if match is None:
        problems.append(f"{path}:1: the page must start with a '# Title' heading")
        return None
    body = text[match.end() :].strip("\n")
    if not body.strip():
        problems.append(f"{path}:{_line_of(text, match.end())}: the page has a title but no text")
    return Page(key=key, title=match.group(1).strip(), markdown=body)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _load_quiz(path: Path, problems: list[str]) -> tuple[QuizQuestion, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path}: missing (the knowledge check needs its questions)")
        return ()
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}: cannot be read as UTF-8 text ({error})")
        return ()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_from_message(str(error))
        where = f"{path}:{line}" if line else str(path)
        problems.append(f"{where}: TOML syntax error: {error}")
        return ()
    locator = _QuestionLocator(text)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{path}:1: no [[questions]] found")
        return ()
    if len(raw_questions) != QUIZ_LENGTH:
        problems.append(
            f"{path}:1: the quiz needs exactly {QUIZ_LENGTH} questions, found {len(raw_questions)}"
        )
    questions = []
    for number, raw in enumerate(raw_questions, start=1):
        question = _parse_question(raw, number, path, locator, problems)
        if question is not None:
            questions.append(question)
    return tuple(questions)


def question_line(path: Path, number: int) -> int:
    """The line of `path` (a quiz.toml) where question `number` (from 1) starts; 1 if unknown."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    return _QuestionLocator(text).line(number)


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


class _QuestionLocator:
    """Finds the line where the n-th [[questions]] table starts, for error messages."""

    def __init__(self, text: str) -> None:
        self._lines = [
            index + 1
            for index, line in enumerate(text.splitlines())
            if line.strip() == "[[questions]]"
        ]

        self._option_lines: list[list[int]] = [[] for _ in self._lines]
        for index, line in enumerate(text.splitlines()):
            if line.strip() == "[[questions.options]]":
                owner = sum(start <= index for start in self._lines) - 1
                if owner >= 0:
                    self._option_lines[owner].append(index + 1)

    def line(self, number: int) -> int:
        return self._lines[number - 1] if number <= len(self._lines) else 1

    def option_line(self, number: int, option: int) -> int:
        """The line of option `option` (0-based) of question `number`, else the question's."""
        if number <= len(self._option_lines) and option < len(self._option_lines[number - 1]):
            return self._option_lines[number - 1][option]
        return self.line(number)


def _parse_question(
    raw: object, number: int, path: Path, locator: _QuestionLocator, problems: list[str]
) -> QuizQuestion | None:
    where = f"{path}:{locator.line(number)}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: question {number} is not a table")
        return None
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        problems.append(f"{where}: question {number} has no prompt")
        prompt = ""
    topic = raw.get("topic", "")
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) != OPTIONS_PER_QUESTION:
        count = len(raw_options) if isinstance(raw_options, list) else 0
        problems.append(
            f"{where}: question {number} needs {OPTIONS_PER_QUESTION} options, found {count}"
        )
        return None
    options = []
    for index, (letter, option) in enumerate(zip("abcd", raw_options, strict=False)):
        option_where = f"{path}:{locator.option_line(number, index)}"
        if not isinstance(option, dict):
            problems.append(f"{option_where}: question {number} option {letter} is not a table")
            return None
        text = option.get("text")
        explanation = option.get("explanation")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{option_where}: question {number} option {letter} has no text")
        if not isinstance(explanation, str) or not explanation.strip():
            problems.append(
                f"{option_where}: question {number} option {letter} has no explanation "
                "(every option must say why it is right or wrong)"
            )
        options.append(
            QuizOption(
                text=str(text or ""),
                correct=option.get("correct") is True,
                explanation=str(explanation or ""),
            )
        )
    correct = sum(option.correct for option in options)
    if correct != 1:
        problems.append(
            f"{where}: question {number} must have exactly one correct option, found {correct}"
        )
        return None
    return QuizQuestion(topic=str(topic), prompt=str(prompt), options=tuple(options))
