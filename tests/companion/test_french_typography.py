"""French typography in every French text a user reads: the catalogue, the guides, the training modules,
the French side of the pilot templates, the French diagrams and the installer's French texts.

French puts a no-break space (U+00A0; U+202F is accepted too) before ; : ! ? and inside « », and a narrow
no-break space (U+202F) between thousands. An ordinary space there lets a line break leave a colon or a
guillemet alone at the start of a line, and "50 000" split over two lines. Each fault is reported with its
file and line, so one run lists them all.

What is not prose is left alone: addresses, inline and fenced code, placeholders and their format specs
({count}, {value:.1f}, %(name)s), HTML tags, Markdown link targets and images, times (10:30), YAML keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
CATALOGUE = ROOT / "translations" / "fr" / "LC_MESSAGES" / "companion.po"
NO_BREAK = "\u00a0\u202f"

# Spans that are not prose, masked (same length, so columns stay right) before the rules run.
NOT_PROSE = re.compile(r"""
      (?:https?|ftp)://[^\s<>"'»)\]]+ | www\.[^\s<>"'»)\]]+ | mailto:[^\s<>"'»)\]]+   # addresses
    | `[^`\n]*`                                   # inline code
    | \{[^{}\s]*\}                                # placeholders and format specs: {name}, {value:.1f}
    | \{:[^{}\n]*\}                               # Markdown attribute lists: {: #step-1 }
    | %\(\w+\)[sdfr] | %[sdfr]                    # printf-style placeholders
    | <[^<>\n]*>                                  # HTML and XML tags, with their attributes
    | !\[[^\]\n]*\]\([^)\s]*\)                     # Markdown images (the alternative text is checked apart)
    | \]\([^)\s]*\)                               # Markdown link targets
    | \b[a-z][a-z0-9+.-]*:[A-Za-z0-9_./#%-]+      # guide:slug, image:name.svg, C:\ drives and the like
    | \b\d{1,2}:\d{2}\b                           # times: 10:30
    | %[A-Z]+%                                    # Windows variables: %APPDATA%
""", re.VERBOSE)
IMAGE_ALT = re.compile(r"!\[([^\]\n]*)\]")

RULES = [
    # An ordinary (breaking) space before a high punctuation mark.
    (re.compile(r"[ \t](?=[;:!?])"), "ordinary space before {char!r}: use U+00A0"),
    # No space at all before one, in prose ("Remarque: …", "Pourquoi?"); "?!" and "…?" count as one mark.
    (re.compile(rf"(?<=[^\s{NO_BREAK};:!?…(\[«/-])(?=[;:!?](?:[\s\"'»)\]*_]|$))"),
     "no space before {char!r}: use U+00A0"),
    (re.compile(rf"«(?![{NO_BREAK}])"), "« needs U+00A0 after it"),
    (re.compile(rf"(?<![{NO_BREAK}])»"), "» needs U+00A0 before it"),
    # "50 000" or "50\u00a0000": thousands are grouped with U+202F (not phone numbers such as +255 712 345 678).
    (re.compile(r"(?<![\d.,+])(?<!\d[ \u00a0])(?<!\+\d\d\d )\b\d{1,3}(?:[ \u00a0]\d{3})+\b(?![.,]\d)"),
     "thousands separated by a breaking or wide space: use U+202F"),
]


def faults_in(text: str) -> list[str]:
    """The typography faults in one line of French text."""
    alt_texts = [match.group(1) for match in IMAGE_ALT.finditer(text)]
    masked = NOT_PROSE.sub(lambda match: "x" * len(match.group(0)), text)
    found = []
    for line in [masked, *alt_texts]:
        for pattern, message in RULES:
            for match in pattern.finditer(line):
                char = line[match.end()] if match.end() < len(line) else ""
                excerpt = line[max(0, match.start() - 25):match.end() + 25]
                found.append(f"{message.format(char=char)} in {excerpt!r}")
    return found


def _markdown_lines(path: Path):
    """(line number, text) of a Markdown file's prose: front-matter values and the body outside code."""
    lines = path.read_text(encoding="utf-8").splitlines()
    in_front_matter = bool(lines) and lines[0] == "---"
    fenced = english_sources = False
    for number, line in enumerate(lines, start=1):
        if number == 1 and in_front_matter:
            continue
        if in_front_matter:
            if line == "---":
                in_front_matter = False
                continue
            key = re.match(r"([\w-]+):\s?", line)
            if key:
                english_sources = key.group(1) == "sources"  # the same titles as the English guide's
                yield number, line[key.end():]
            elif not english_sources:
                yield number, re.sub(r"^\s*- ", "", line)
            continue
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def _yaml_values(path: Path, french_only: bool):
    """(line number, text) of the string values of a YAML file: all of them (a French training module), or
    those under an ``fr`` key (a bilingual pilot template)."""
    root = yaml.compose(path.read_text(encoding="utf-8"))

    def walk(node, french: bool):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                yield from walk(value, french or (isinstance(key, yaml.ScalarNode) and key.value == "fr"))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item, french)
        elif isinstance(node, yaml.ScalarNode) and french and isinstance(node.value, str):
            folded = node.style in ("|", ">")
            for offset, line in enumerate(node.value.splitlines()):
                yield node.start_mark.line + 1 + (offset + 1 if folded else 0), line

    yield from walk(root, not french_only)


def _svg_lines(path: Path):
    """(line number, text) of a French diagram's words: text between tags, outside <style>."""
    text = re.sub(r"<style.*?</style>", lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"),
                  flags=re.S)
    for number, line in enumerate(text.splitlines(), start=1):
        for words in re.findall(r">([^<>]+)<", line):
            yield number, words


def _desktop_entry_lines(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "[fr]=" in line:
            yield number, line.split("=", 1)[1]


def _installer_lines(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("fr."):
            yield number, line.split("=", 1)[1]


def _metainfo_lines(path: Path):
    """The French parts of an AppStream file: elements marked xml:lang="fr", and their children."""
    french = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if 'xml:lang="fr"' in line:
            french = True
        if french:
            yield number, re.sub(r"<[^>]*>", "", line)
        if french and re.search(r"</(p|ul|summary|name|keyword|comment)>", line) and "<li" not in line:
            french = False


def french_texts():
    """Every French resource file, each with the function that yields its (line number, text)."""
    for path in sorted(RESOURCES.rglob("*")):
        relative = path.relative_to(RESOURCES)
        french_folder = "fr" in relative.parts
        if path.suffix == ".md" and french_folder:
            yield path, _markdown_lines
        elif path.suffix == ".yaml" and french_folder:
            yield path, lambda p: _yaml_values(p, french_only=False)
        elif path.suffix == ".yaml" and relative.parts[0] == "templates":
            yield path, lambda p: _yaml_values(p, french_only=True)
        elif path.suffix == ".svg" and path.stem.endswith("-fr"):
            yield path, _svg_lines
    linux = ROOT / "packaging" / "desktop" / "linux"
    yield linux / "org.openimis.Companion.desktop", _desktop_entry_lines
    for name in ("org.openimis.Companion.metainfo.xml", "org.openimis.Companion.mime.xml"):
        yield linux / name, _metainfo_lines
    yield ROOT / "packaging" / "desktop" / "windows" / "companion.iss", _installer_lines


def _report(faults: list[str]) -> str:
    shown = "\n".join(faults[:200])
    more = f"\n… and {len(faults) - 200} more" if len(faults) > 200 else ""
    return f"{len(faults)} French typography faults:\n{shown}{more}"


# --- The checker checks what it should ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Remarque : le régime paie.", "Pourquoi ?", "Attention !", "d’abord ; ensuite", "« Assuré »",
    "50\u202f000 assurés", "À 10:30, ouvrez https://openimis.org/?a=1 ; puis `git log --format=%h:%s`.",
    "{count} : {name}", "Taux : {value:.1f}\u00a0%", "![Un schéma](images/flux-fr.svg)",
    "[le glossaire](guide:glossary)", "Appelez le +255 712 345 678.", "2012 et 2016", "en 2016, 120 districts",
    "Vos données restent dans %APPDATA%\\openIMIS.", "Coût ?!",
])
def test_correct_french_passes(text):
    text = text.replace(" :", "\u00a0:").replace(" ?", "\u00a0?").replace(" !", "\u00a0!").replace(" ;", "\u00a0;")
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    assert faults_in(text) == []


@pytest.mark.parametrize("text, fault", [
    ("Remarque : le régime paie.", "ordinary space before ':'"),
    ("Remarque: le régime paie.", "no space before ':'"),
    ("Pourquoi?", "no space before '?'"),
    ("Cliquez sur « Enregistrer\u00a0»", "« needs U+00A0"),
    ("Cliquez sur «\u00a0Enregistrer »", "» needs U+00A0"),
    ("50 000 assurés", "thousands"),
    ("1\u00a0499\u00a0750 FCFA", "thousands"),
    ("**Objectif**: former", "no space before ':'"),
    ("{count}: {name}", "no space before ':'"),
    ("<b>Note</b>: lire", "no space before ':'"),
    ("![Le flux : de l'établissement au pays](images/flux-fr.svg)", "ordinary space before ':'"),
])
def test_each_kind_of_fault_is_found(text, fault):
    assert any(fault in found for found in faults_in(text)), faults_in(text)


# --- The French the user reads ---------------------------------------------------------------------------------

def test_every_french_resource_file_follows_french_typography():
    faults = []
    checked = 0
    for path, lines in french_texts():
        checked += 1
        for number, text in lines(path):
            faults += [f"{path.relative_to(ROOT)}:{number}: {fault}" for fault in faults_in(text)]
    assert checked >= 60  # guides, lessons, modules, templates, diagrams, installer texts
    assert not faults, _report(faults)


def test_every_french_catalogue_entry_follows_french_typography():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    faults = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for string in strings:
            for line in (string or "").splitlines():
                faults += [f"{CATALOGUE.relative_to(ROOT)}:{message.lineno}: {fault}" for fault in faults_in(line)]
    assert not faults, _report(faults)
