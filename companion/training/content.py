"""Read the bundled training modules: ``resources/training/<language>/<module>/`` holding a
``module.yaml`` and one Markdown file per lesson (see docs/training-format.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from companion.content.loader import LANGUAGES, ContentError, check_body, load_yaml, read_text, split_front_matter
from companion.content.safe_yaml import DATA_FILE_LIMITS
from companion.training.common import MAX_CHOICES, MIN_CHOICES
from companion.training.slides import Slide, split_slides


@dataclass(frozen=True)
class QuestionSource:
    key: str
    question: str
    choices: tuple[str, ...]
    answer: int  # the right choice, counted from 1
    explanation: str


@dataclass(frozen=True)
class LessonSource:
    key: str
    title: str
    summary: str
    minutes: int
    revision: int
    body_markdown: str

    @property
    def slides(self) -> list[Slide]:
        return split_slides(self.body_markdown)


@dataclass(frozen=True)
class ModuleSource:
    slug: str
    language: str
    title: str
    summary: str
    audience: str
    duration_minutes: int
    revision: int
    order: int
    translation_of: str | None
    source_revision: int | None
    pass_mark: int
    lessons: tuple[LessonSource, ...]
    questions: tuple[QuestionSource, ...]

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        digest.update(repr(self).encode("utf-8"))
        return digest.hexdigest()


def _load_yaml(path: Path):
    return load_yaml(read_text(path, DATA_FILE_LIMITS.max_bytes), str(path), DATA_FILE_LIMITS)


MAX_TEXT_CHARS = 4_000  # a question, an explanation, a summary


def _text(data: dict, name: str, where: str, required: bool = True) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ContentError(f"{where}: the field '{name}' is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ContentError(f"{where}: the field '{name}' must be text")
    value = str(value).strip()
    if len(value) > MAX_TEXT_CHARS:
        raise ContentError(f"{where}: the field '{name}' is longer than {MAX_TEXT_CHARS:,} characters")
    return value


def _whole(data: dict, name: str, where: str, default: int | None, low: int = 0, high: int | None = None) -> int | None:
    value = data.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        limit = f" between {low} and {high}" if high is not None else ""
        raise ContentError(f"{where}: the field '{name}' must be a whole number{limit}")
    return value


def _translation_of(data: dict, where: str) -> str | None:
    value = data.get("translation_of")
    if value is not None and value not in LANGUAGES:
        raise ContentError(f"{where}: 'translation_of' must name the original's language")
    return value


def parse_question(data, where: str) -> QuestionSource:
    if not isinstance(data, dict):
        raise ContentError(f"{where}: a question must be a mapping")
    choices = data.get("choices")
    if not isinstance(choices, list) or not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ContentError(f"{where}: a question needs {MIN_CHOICES} to {MAX_CHOICES} choices")
    if not all(isinstance(choice, (str, int)) and not isinstance(choice, bool) for choice in choices):
        raise ContentError(f"{where}: every choice must be text")
    choices = tuple(str(choice).strip()[:MAX_TEXT_CHARS] for choice in choices)
    if any(not choice for choice in choices):
        raise ContentError(f"{where}: a choice is empty")
    return QuestionSource(
        key=_text(data, "id", where),
        question=_text(data, "question", where),
        choices=choices,
        answer=_whole(data, "answer", where, None, 1, len(choices)) or 0,
        explanation=_text(data, "explanation", where, required=False),
    )


def parse_lesson(text: str, where: str) -> LessonSource:
    meta, body = split_front_matter(text, where)
    if not body.strip():
        raise ContentError(f"{where}: the lesson has no slides")
    check_body(body, where)
    slides = split_slides(body)
    untitled = [index for index, slide in enumerate(slides, start=1) if not slide.title]
    if untitled:
        raise ContentError(f"{where}: slide {untitled[0]} has no '##' title")
    return LessonSource(
        key=_text(meta, "id", where),
        title=_text(meta, "title", where),
        summary=_text(meta, "summary", where, required=False),
        minutes=_whole(meta, "minutes", where, 30, 1) or 30,
        revision=_whole(meta, "revision", where, 1, 1) or 1,
        body_markdown=body,
    )


def load_module(folder: Path) -> ModuleSource:
    manifest = folder / "module.yaml"
    where = str(manifest)
    if not manifest.is_file():
        raise ContentError(f"{folder}: module.yaml is missing")
    data = _load_yaml(manifest)
    if not isinstance(data, dict):
        raise ContentError(f"{where}: must be a mapping of fields")
    language = _text(data, "language", where)
    if language not in LANGUAGES:
        raise ContentError(f"{where}: unsupported language '{language}'")
    lesson_keys = data.get("lessons")
    if not isinstance(lesson_keys, list) or not lesson_keys:
        raise ContentError(f"{where}: 'lessons' must list the lesson files in order")
    lessons = []
    for key in lesson_keys:
        path = folder / f"{key}.md"
        if not path.is_file():
            raise ContentError(f"{where}: the lesson '{key}' has no file {path.name}")
        lesson = parse_lesson(read_text(path), str(path))
        if lesson.key != str(key):
            raise ContentError(f"{path}: its id '{lesson.key}' differs from its name in module.yaml")
        lessons.append(lesson)
    quiz = data.get("quiz") or {}
    if not isinstance(quiz, dict):
        raise ContentError(f"{where}: 'quiz' must be a mapping")
    questions = tuple(parse_question(question, f"{where}: question {index}")
                      for index, question in enumerate(quiz.get("questions") or [], start=1))
    keys = [question.key for question in questions]
    if len(set(keys)) != len(keys):
        raise ContentError(f"{where}: two questions share an id")
    return ModuleSource(
        slug=_text(data, "id", where),
        language=language,
        title=_text(data, "title", where),
        summary=_text(data, "summary", where, required=False),
        audience=_text(data, "audience", where, required=False),
        duration_minutes=_whole(data, "duration_minutes", where, sum(lesson.minutes for lesson in lessons), 1) or 0,
        revision=_whole(data, "revision", where, 1, 1) or 1,
        order=_whole(data, "order", where, 100) or 0,
        translation_of=_translation_of(data, where),
        source_revision=_whole(data, "source_revision", where, None),
        pass_mark=_whole(quiz, "pass_mark", where, 70, 0, 100) or 0,
        lessons=tuple(lessons),
        questions=questions,
    )


def load_modules(training_dir: Path) -> list[ModuleSource]:
    """Every bundled module in every language; raises ContentError on the first bad one."""
    modules = []
    for language in LANGUAGES:
        seen: set[str] = set()
        for folder in sorted(path for path in (training_dir / language).glob("*") if path.is_dir()):
            module = load_module(folder)
            if module.language != language:
                raise ContentError(f"{folder}: declares language '{module.language}' but lives in '{language}/'")
            if module.slug in seen:
                raise ContentError(f"{folder}: the module id '{module.slug}' is used twice")
            seen.add(module.slug)
            modules.append(module)
    return modules

