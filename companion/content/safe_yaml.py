"""YAML for content files, read as plain data and nothing more.

Content arrives from anywhere (a server an editor or an attacker filled), so a YAML file may
hold only what our formats define: mappings with text keys, lists, text, whole numbers,
true/false, null and dates. Anchors and aliases (the "billion laughs": a kilobyte that expands
to gigabytes), tags (``!!binary``, ``!!python/...``, ``!custom``), merge keys, deep nesting,
huge files and huge values are refused *before* any Python object is built, with a message
that names the file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int
    max_depth: int = 8
    max_nodes: int = 20_000
    max_scalar_chars: int = 20_000
    decimals: bool = False  # only the pilot templates define decimal numbers (weights)


FRONT_MATTER_LIMITS = YamlLimits(max_bytes=16 * 1024, max_depth=4, max_nodes=1_000, max_scalar_chars=4_000)
DATA_FILE_LIMITS = YamlLimits(max_bytes=512 * 1024, max_depth=10, max_nodes=50_000, max_scalar_chars=20_000)
TEMPLATE_LIMITS = YamlLimits(max_bytes=512 * 1024, max_depth=10, max_nodes=50_000, max_scalar_chars=20_000,
                             decimals=True)
PLAIN_TYPES = (str, int, bool, type(None), dt.date)  # dt.datetime is a dt.date too


class YamlRefused(ValueError):
    """The YAML is outside what content may hold; the message says why (without the file name)."""


def _check_events(text: str, limits: YamlLimits) -> None:
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise YamlRefused("aliases (*name) are not allowed")
            if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                nodes += 1
                if nodes > limits.max_nodes:
                    raise YamlRefused(f"more than {limits.max_nodes:,} values")
                if event.anchor is not None:
                    raise YamlRefused("anchors (&name) are not allowed")
                if event.tag is not None:
                    raise YamlRefused(f"tags ({event.tag}) are not allowed")
            if isinstance(event, yaml.ScalarEvent):
                if len(event.value) > limits.max_scalar_chars:
                    raise YamlRefused(f"a value is longer than {limits.max_scalar_chars:,} characters")
                if event.value == "<<" and event.implicit[0]:  # plain, so a merge key
                    raise YamlRefused("merge keys (<<) are not allowed")
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > limits.max_depth:
                    raise YamlRefused(f"values are nested more than {limits.max_depth} levels deep")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as error:
        raise YamlRefused(f"not valid YAML ({error})") from None


def _check_plain(value, limits: YamlLimits, depth: int = 0) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):  # feasibility levels are keyed 1-5
                raise YamlRefused(f"the key {str(key)[:40]!r} is not text or a whole number")
            _check_plain(item, limits, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_plain(item, limits, depth + 1)
    elif isinstance(value, float):
        if not limits.decimals or not math.isfinite(value):
            raise YamlRefused(f"the value {value!r} is not allowed here (decimal numbers are not part of this format)")
    elif not isinstance(value, PLAIN_TYPES):
        raise YamlRefused(f"the value {str(value)[:40]!r} is not text, a whole number, true/false or a date")


def load_plain_yaml(text: str, limits: YamlLimits):
    """Parse ``text`` as plain YAML data within ``limits``; raises YamlRefused."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_bytes:
        raise YamlRefused(f"{size:,} bytes of YAML, more than the {limits.max_bytes:,} allowed")
    _check_events(text, limits)  # nothing is built before the whole stream is known to be plain
    try:
        value = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise YamlRefused(f"not valid YAML ({error})") from None
    except (ValueError, OverflowError) as error:  # e.g. a whole number of 5,000 digits, a 30th of February
        raise YamlRefused(f"a value cannot be read ({error})") from None
    _check_plain(value, limits)
    return value
