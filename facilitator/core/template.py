"""Lab templates: the stages, the rubric, the lists and the commitment text, in YAML.

A template is read with PyYAML's safe loader only, after a look at its node tree: that tree keeps
every value's line, so each error names the file, the line and what is wrong ("baris 12: bobot
harus angka"). Aliases are refused outright, which rules out the "billion laughs" bomb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import yaml

from facilitator.core.errors import TemplateError
from facilitator.core.records import STAGES, AgendaItem, Criterion

LIST_NAMES = ("initiator", "bentuk", "jenis", "tahapan", "unit_kind")
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_DEPTH = 64


@dataclass
class Activity:
    title: dict[str, str]
    minutes: int


@dataclass
class Stage:
    key: str
    start: str
    activities: list[Activity]


@dataclass
class CriterionSpec:
    key: str
    name: dict[str, str]
    weight: float
    scale: int
    gate: bool


@dataclass
class Band:
    key: str
    min: float
    name: dict[str, str]


@dataclass
class Template:
    """A validated lab template."""

    name: str
    title: dict[str, str]
    stages: list[Stage]
    criteria: list[CriterionSpec]
    threshold: float
    lists: dict[str, dict[str, dict[str, str]]]
    commitment_text: dict[str, str]
    index_thresholds: list[Band]
    targets: dict[str, int] = field(default_factory=dict)
    source: str = ""

    def make_criteria(self, make_id: Callable[[str], str]) -> list[Criterion]:
        """The rubric as records of a new session, which the coach may then edit per session."""
        return [Criterion(id=make_id(Criterion.PREFIX), key=c.key, name=dict(c.name),
                          weight=c.weight, scale_max=c.scale, gate=c.gate, order=n)
                for n, c in enumerate(self.criteria)]

    def make_agenda(self, day: str, make_id: Callable[[str], str]) -> list[AgendaItem]:
        """A first day's run-sheet: every activity in stage order, back to back."""
        items: list[AgendaItem] = []
        clock = _minutes(self.stages[0].start if self.stages else "08:00")
        for stage in self.stages:
            if stage.start:
                clock = max(clock, _minutes(stage.start))
            for activity in stage.activities:
                items.append(AgendaItem(
                    id=make_id(AgendaItem.PREFIX), day=day, order=len(items),
                    title=activity.title.get("id", ""), stage=stage.key,
                    planned_start=f"{clock // 60:02d}:{clock % 60:02d}",
                    minutes=activity.minutes))
                clock += activity.minutes
        return items

    def label(self, list_name: str, key: str, lang: str) -> str:
        """The text of a list value in a language, or the key itself if the list lacks it."""
        entry = self.lists.get(list_name, {}).get(key)
        if not entry:
            return key
        return entry.get(lang) or entry.get("id") or key

    def band(self, score: float) -> Band | None:
        """The index band a 0-100 score falls in."""
        for band in sorted(self.index_thresholds, key=lambda b: b.min, reverse=True):
            if score >= band.min:
                return band
        return None


def _minutes(hhmm: str) -> int:
    hours, _, minutes = hhmm.partition(":")
    return int(hours) * 60 + int(minutes or 0)


class _Checker:
    """Walks a YAML node tree and raises a TemplateError naming the line of the first fault."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node | None, code: str, **params: Any) -> TemplateError:
        from facilitator.i18n import t

        line = node.start_mark.line + 1 if node is not None else 1
        return TemplateError("template_invalid", file=self.source, line=line,
                             problem=t(f"template.{code}", **params))

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "not_mapping", what=what)
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(key, "bad_key", what=what)
            if key.value in out:
                raise self.fail(key, "duplicate_key", key=key.value)
            out[key.value] = value
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(node, "not_list", what=what)
        return list(node.value)

    def need(self, parent: yaml.Node, fields: dict[str, yaml.Node], key: str) -> yaml.Node:
        if key not in fields:
            raise self.fail(parent, "missing", key=key)
        return fields[key]

    def text(self, node: yaml.Node, what: str) -> str:
        if (not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str"
                or not node.value.strip()):
            raise self.fail(node, "not_text", what=what)
        return node.value

    def number(self, node: yaml.Node, what: str, low: float, high: float,
               integer: bool = False) -> float:
        tags = ("tag:yaml.org,2002:int",) if integer else ("tag:yaml.org,2002:int",
                                                           "tag:yaml.org,2002:float")
        if not isinstance(node, yaml.ScalarNode) or node.tag not in tags:
            raise self.fail(node, "not_number", what=what)
        value = yaml.safe_load(node.value)
        if not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(node, "out_of_range", what=what, low=low, high=high)
        return int(value) if integer else float(value)

    def flag(self, node: yaml.Node, what: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(node, "not_bool", what=what)
        return bool(yaml.safe_load(node.value))

    def bilingual(self, node: yaml.Node, fields: dict[str, yaml.Node], what: str) -> dict[str, str]:
        return {lang: self.text(self.need(node, fields, lang), f"{what}.{lang}")
                for lang in ("id", "en")}


def parse_template(text: str, source: str) -> Template:
    """Validate and read a template's YAML text. ``source`` names it in error messages."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        # libyaml reads the shipped template some ten times faster (the pure-Python reader
        # took ~90 ms, on the first screen that needs it); a file it refuses, or whose content
        # is refused, is read again as always so that every message stays the same.
        try:
            return _parse_template(text, source, fast)
        except Exception:  # noqa: BLE001 - any refusal is reported by the reader below
            pass
    return _parse_template(text, source, yaml.SafeLoader)


def _parse_template(text: str, source: str, loader: Any) -> Template:
    from facilitator.i18n import t

    checker = _Checker(source)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise checker.fail(_Mark(event), "alias")
            tag = getattr(event, "tag", None)
            if tag and tag not in _PLAIN_TAGS:
                raise checker.fail(_Mark(event), "tag", tag=tag)
            # Building the node tree recurses once per level: thousands of nested brackets
            # would exhaust the stack. A template needs a handful of levels.
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise TemplateError("template_invalid", file=source,
                                        line=event.start_mark.line + 1,
                                        problem=t("hardening.template.too_deep", limit=MAX_DEPTH))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        root = yaml.compose(text, Loader=loader)
    except yaml.reader.ReaderError as exc:
        # A NUL or another control character: the reader knows the offset, not the line.
        char = exc.character
        code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        raise TemplateError("template_invalid", file=source,
                            line=text.count("\n", 0, max(0, exc.position)) + 1,
                            problem=t("hardening.bad_character", code=code)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        from facilitator.i18n import t

        raise TemplateError("template_invalid", file=source, line=(mark.line + 1) if mark else 1,
                            problem=t("template.syntax", detail=exc.problem or "")) from None
    except yaml.YAMLError as exc:
        raise TemplateError("template_invalid", file=source, line=1,
                            problem=str(exc).splitlines()[0]) from None
    if root is None:
        raise checker.fail(None, "empty")
    top = checker.mapping(root, "template")

    name = checker.text(checker.need(root, top, "name"), "name")
    title_node = checker.need(root, top, "title")
    title = checker.bilingual(title_node, checker.mapping(title_node, "title"), "title")

    targets: dict[str, int] = {}
    if "targets" in top:
        for key, node in checker.mapping(top["targets"], "targets").items():
            targets[key] = int(checker.number(node, f"targets.{key}", 0, 100000, integer=True))

    stages: list[Stage] = []
    stages_node = checker.need(root, top, "stages")
    for node in checker.sequence(stages_node, "stages"):
        fields = checker.mapping(node, "stages[]")
        key = checker.text(checker.need(node, fields, "key"), "stages.key")
        if key not in STAGES:
            raise checker.fail(fields["key"], "unknown_stage", key=key, known=", ".join(STAGES))
        start = ""
        if "start" in fields:
            start = checker.text(fields["start"], "start")
            if not _valid_hhmm(start):
                raise checker.fail(fields["start"], "bad_time", value=start)
        activities = []
        for act in checker.sequence(checker.need(node, fields, "activities"), "activities"):
            act_fields = checker.mapping(act, "activities[]")
            activities.append(Activity(
                title=checker.bilingual(act, act_fields, "activity"),
                minutes=int(checker.number(checker.need(act, act_fields, "minutes"), "minutes",
                                           1, 24 * 60, integer=True))))
        stages.append(Stage(key=key, start=start, activities=activities))
    keys = [s.key for s in stages]
    if keys != list(STAGES):
        raise checker.fail(stages_node, "stage_order", known=", ".join(STAGES))

    rubric_node = checker.need(root, top, "rubric")
    rubric = checker.mapping(rubric_node, "rubric")
    threshold = checker.number(checker.need(rubric_node, rubric, "threshold"), "threshold", 0, 100)
    criteria: list[CriterionSpec] = []
    seen: set[str] = set()
    for node in checker.sequence(checker.need(rubric_node, rubric, "criteria"), "criteria"):
        fields = checker.mapping(node, "criteria[]")
        key = checker.text(checker.need(node, fields, "key"), "criteria.key")
        if key in seen:
            raise checker.fail(fields["key"], "duplicate_key", key=key)
        seen.add(key)
        gate = checker.flag(fields["gate"], "gate") if "gate" in fields else False
        weight = 0.0 if gate else checker.number(
            checker.need(node, fields, "weight"), "weight", 0, 100)
        scale = 1 if gate else int(checker.number(
            checker.need(node, fields, "scale"), "scale", 2, 100, integer=True))
        criteria.append(CriterionSpec(key=key, name=checker.bilingual(node, fields, "criterion"),
                                      weight=weight, scale=scale, gate=gate))
    if not any(not c.gate for c in criteria):
        raise checker.fail(rubric_node, "no_scored")

    lists_node = checker.need(root, top, "lists")
    lists_fields = checker.mapping(lists_node, "lists")
    lists: dict[str, dict[str, dict[str, str]]] = {}
    for list_name in LIST_NAMES:
        entries = checker.mapping(checker.need(lists_node, lists_fields, list_name), list_name)
        if not entries:
            raise checker.fail(lists_fields[list_name], "not_list", what=list_name)
        lists[list_name] = {
            key: checker.bilingual(node, checker.mapping(node, key), key)
            for key, node in entries.items()}

    text_node = checker.need(root, top, "commitment_text")
    commitment_text = checker.bilingual(text_node, checker.mapping(text_node, "commitment_text"),
                                        "commitment_text")

    bands: list[Band] = []
    for node in checker.sequence(checker.need(root, top, "index_thresholds"), "index_thresholds"):
        fields = checker.mapping(node, "index_thresholds[]")
        bands.append(Band(key=checker.text(checker.need(node, fields, "key"), "key"),
                          min=checker.number(checker.need(node, fields, "min"), "min", 0, 100),
                          name=checker.bilingual(node, fields, "band")))

    return Template(name=name, title=title, stages=stages, criteria=criteria, threshold=threshold,
                    lists=lists, commitment_text=commitment_text, index_thresholds=bands,
                    targets=targets, source=source)


_PLAIN_TAGS = {"!"} | {f"tag:yaml.org,2002:{name}" for name in (
    "str", "int", "float", "bool", "null", "seq", "map")}
"""The only tags a template may carry: plain data. Anything else could construct objects."""


class _Mark:
    """Lets a parser event stand where the checker expects a node (for its line)."""

    def __init__(self, event: yaml.Event) -> None:
        self.start_mark = event.start_mark


def _valid_hhmm(value: str) -> bool:
    hours, sep, minutes = value.partition(":")
    return (bool(sep) and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
            and 0 <= int(hours) < 24 and 0 <= int(minutes) < 60)


def load_template(path: str | Path) -> Template:
    """Read and validate a template file."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError("template_too_big", file=str(path))
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError("template_missing", file=str(path)) from None
    except UnicodeDecodeError:
        raise TemplateError("template_encoding", file=str(path)) from None
    except OSError as exc:
        raise TemplateError("template_unreadable", file=str(path),
                            reason=exc.strerror or str(exc)) from None
    return parse_template(text, str(path))


@lru_cache(maxsize=1)
def load_default_template() -> Template:
    """The shipped 5D template."""
    text = resources.files("facilitator.templates").joinpath("5d.yaml").read_text("utf-8")
    return parse_template(text, "5d.yaml")
