"""Keep the bundled training modules in the database in step with the installed release.

Bundled modules (``origin == "bundled"``) are replaced by the release's version; a trainer's
own modules, including copies of bundled ones, are never touched. Every lesson is also kept as
a row of the guide table (category ``lesson``), so the library's reader and search serve
lessons exactly like guides.
"""

from __future__ import annotations

import html
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from companion.content.categories import LESSON_CATEGORY
from companion.content.limits import ShapeError, check_html
from companion.content.render import RenderedGuide, render_markdown
from companion.i18n import N_, translate_to
from companion.records import BUNDLED_WORKSPACE, allow_writes, derived_id, named_id
from companion.storage.models import Guide, Setting, utcnow
from companion.storage.training_models import TrainingLesson, TrainingModule, TrainingQuestion
from companion.training.common import FINGERPRINT_KEY, training_fingerprint
from companion.training.content import ModuleSource, load_modules
from companion.training.common import BUNDLED, lesson_guide_slug
from companion.training.slides import reading_markdown, split_slides

LESSON_GUIDE_ORIGIN = "training"  # never touched by the guide importer
NOTES_HEADING = N_("Trainer's notes")


def mirror_lesson(session: Session, module: TrainingModule, lesson: TrainingLesson) -> None:
    """Write (or remove, for a deleted lesson or module) the lesson's row in the guide table."""
    slug = lesson_guide_slug(module.slug, lesson.lesson_key)
    guide = session.scalar(select(Guide).where(Guide.slug == slug, Guide.language == module.language,
                                               Guide.origin == LESSON_GUIDE_ORIGIN))
    if lesson.deleted or module.deleted:
        if guide is not None:
            session.delete(guide)
        return
    document = reading_markdown(split_slides(lesson.body_markdown), translate_to(module.language, NOTES_HEADING))
    try:  # a lesson may come from a teammate or a server: the reader's limits apply to it as to a guide
        rendered = render_markdown(document)
        check_html(rendered.html)
    except (ShapeError, RecursionError, ValueError):
        text = document[:20_000]  # shown as plain text, never as a page the reader would choke on
        rendered = RenderedGuide(html=f"<pre>{html.escape(text)}</pre>", text=text, toc=(),
                                 word_count=len(text.split()))
    if guide is None:
        guide = Guide(slug=slug, language=module.language, origin=LESSON_GUIDE_ORIGIN, category=LESSON_CATEGORY,
                      deleted=False)
        session.add(guide)
    guide.title = lesson.title
    guide.summary = lesson.summary or module.title
    guide.tags = " ".join(module.title.split())  # the module's name finds its lessons
    guide.revision = module.revision
    guide.sort_order = module.sort_order * 100 + lesson.position
    guide.translation_of = module.translation_of
    guide.source_revision = module.source_revision
    guide.content_hash = ""
    guide.body_markdown = document
    guide.body_html = rendered.html
    guide.body_text = rendered.text
    guide.toc = [[entry.level, entry.anchor, entry.title] for entry in rendered.toc]
    guide.word_count = rendered.word_count
    guide.updated_at = utcnow()


def remove_lesson_guides(session: Session, module: TrainingModule) -> None:
    session.execute(delete(Guide).where(Guide.slug.startswith(lesson_guide_slug(module.slug, "")),
                                        Guide.language == module.language, Guide.origin == LESSON_GUIDE_ORIGIN))


def fill_module(session: Session, module: TrainingModule, source: ModuleSource) -> None:
    """Replace the module's fields, lessons and questions with the source's."""
    module.title, module.summary, module.audience = source.title, source.summary, source.audience
    module.duration_minutes, module.pass_mark = source.duration_minutes, source.pass_mark
    module.revision, module.sort_order = source.revision, source.order
    module.translation_of, module.source_revision = source.translation_of, source.source_revision
    module.content_hash = source.content_hash
    module.deleted = False
    session.flush()
    remove_lesson_guides(session, module)
    session.execute(delete(TrainingLesson).where(TrainingLesson.module_id == module.id))
    session.execute(delete(TrainingQuestion).where(TrainingQuestion.module_id == module.id))
    for position, lesson_source in enumerate(source.lessons):
        lesson = TrainingLesson(id=derived_id(module.id, "lesson", lesson_source.key), module_id=module.id,
                                workspace=module.workspace, lesson_key=lesson_source.key,
                                position=position, title=lesson_source.title, summary=lesson_source.summary,
                                minutes=lesson_source.minutes, body_markdown=lesson_source.body_markdown,
                                deleted=False)
        session.add(lesson)
        mirror_lesson(session, module, lesson)
    for position, question in enumerate(source.questions):
        session.add(TrainingQuestion(id=derived_id(module.id, "question", question.key), module_id=module.id,
                                     workspace=module.workspace, question_key=question.key,
                                     position=position, question=question.question, choices=list(question.choices),
                                     answer=question.answer, explanation=question.explanation, deleted=False))


def import_modules(session: Session, sources: list[ModuleSource]) -> int:
    """Add or refresh bundled modules; returns how many changed. Never touches other modules.

    Bundled modules are local rows (workspace "bundled": each release brings its own, they never
    sync), so the record writer vouches for these writes."""
    with allow_writes():
        changed = _import_modules(session, sources)
        session.flush()
    return changed


def _import_modules(session: Session, sources: list[ModuleSource]) -> int:
    existing = {(m.slug, m.language): m for m in session.scalars(
        select(TrainingModule).where(TrainingModule.origin == BUNDLED))}
    changed = 0
    for source in sources:
        module = existing.pop((source.slug, source.language), None)
        if module is None:
            module = TrainingModule(id=named_id("training_module", source.slug, source.language), slug=source.slug,
                                    language=source.language, origin=BUNDLED, workspace=BUNDLED_WORKSPACE)
            session.add(module)
        elif module.content_hash == source.content_hash and not module.deleted:
            continue
        elif source.revision < module.revision:
            continue  # never go back to an older text
        fill_module(session, module, source)
        changed += 1
    for module in existing.values():
        if module.origin == BUNDLED and not module.deleted:  # no longer shipped
            module.deleted = True
            remove_lesson_guides(session, module)
            changed += 1
    return changed


def import_bundled_training(session: Session, training_dir: Path) -> int:
    fingerprint = training_fingerprint(training_dir)
    changed = import_modules(session, load_modules(training_dir) if training_dir.is_dir() else [])
    session.merge(Setting(key=FINGERPRINT_KEY, value=fingerprint))  # a local setting, not a record
    session.commit()
    return changed
