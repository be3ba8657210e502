"""A lesson's Markdown cut into slides and speaker notes (see docs/training-format.md).

Slides are separated by a line holding only ``---``; a line holding only ``???`` starts the
slide's speaker notes. Fenced code is respected, so a ``---`` inside a code block stays code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLIDE_SEPARATOR = "---"
NOTES_MARKER = "???"
_FENCE = re.compile(r"^\s*(```|~~~)")
_TITLE = re.compile(r"^\s{0,3}#{1,2}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Slide:
    title: str
    body_markdown: str
    notes_markdown: str


def split_slides(markdown_text: str) -> list[Slide]:
    chunks: list[list[str]] = [[]]
    in_fence = False
    for line in markdown_text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.strip() == SLIDE_SEPARATOR:
            chunks.append([])
        else:
            chunks[-1].append(line)
    slides = []
    for chunk in chunks:
        body_lines, notes_lines, in_notes, in_fence = [], [], False, False
        for line in chunk:
            if _FENCE.match(line):
                in_fence = not in_fence
            if not in_fence and not in_notes and line.strip() == NOTES_MARKER:
                in_notes = True
                continue
            (notes_lines if in_notes else body_lines).append(line)
        body = "\n".join(body_lines).strip()
        notes = "\n".join(notes_lines).strip()
        if not body and not notes:
            continue  # a separator at the very start or end
        slides.append(Slide(slide_title(body), body, notes))
    return slides


def slide_title(body: str) -> str:
    for line in body.splitlines():
        match = _TITLE.match(line)
        if match:
            return match.group(1).strip()
    return ""


def reading_markdown(slides: list[Slide], notes_heading: str) -> str:
    """The lesson as one document for the reader and the text handout: each slide, then its
    notes quoted under a small heading, slides divided by a rule."""
    parts = []
    for slide in slides:
        part = slide.body_markdown
        if slide.notes_markdown:
            quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in slide.notes_markdown.splitlines())
            part += f"\n\n> **{notes_heading}**\n>\n{quoted}"
        parts.append(part)
    return "\n\n* * *\n\n".join(parts) + "\n"
