"""Outputs from a compiled check's totals: the score and what follows from it, CSV rows, and result
documents written straight to bytes.

The conclusion (score, outcome, grade, consequences) comes from :func:`wsas.scoring.score.conclusion` — the
scorer's own code — once per distinct (context, totals), with the integers turned into exact decimals.
A result document is joined from byte templates: per (criterion, value) its line as orjson writes it,
per item and section their objects, per totals the closing members; only the subject, the notes and the
sums are new for each record. The bytes equal ``orjson.dumps(score_valid(...))`` of the reference path
(tests/differential.py compares them on every record).
"""

from __future__ import annotations

from decimal import Decimal

import orjson

from ...output import plain
from ..score import conclusion, criterion_line, not_due_line, plan_of
from ...spreadsheet_text import safe_cell

# Memory stays flat on any batch: every memo is bounded, by what one entry costs.
MEMO_LIMIT = 100_000  # small entries: decimals, item and section objects
SCORED_MEMO_LIMIT = 20_000  # conclusions with their result tails, per (context, totals)
LINE_MEMO_LIMIT = 10_000  # criterion lines (about 700 bytes) per criterion and value type
NOTES_MEMO_LIMIT = 10_000  # notes are free text: fewer of them kept, and only short ones
SHAPES_LIMIT = 1_000  # byte templates of a rubric at one assessment date
_PLAIN: dict = {}  # Decimal value → its JSON number; results repeat the same few values endlessly


def _default(value):
    if isinstance(value, Decimal):
        number = _PLAIN.get(value)
        if number is None:
            number = plain(value)
            if len(_PLAIN) < MEMO_LIMIT:
                _PLAIN[value] = number
        return number
    raise TypeError(f"{type(value).__name__} is not JSON data")


def json_bytes(value) -> bytes:
    """``value`` as compact JSON; decimals written exactly (never a rounded float)."""
    return orjson.dumps(value, default=_default)


def number_text(value: Decimal) -> str:
    """A decimal as a CSV number cell."""
    return str(plain(value))


class Scored:
    """What one context's totals conclude: the decimals, the score, outcome, grade and consequences, and
    the CSV cells and result-document tail that follow from them."""

    __slots__ = ("total", "maximum", "not_applicable", "score", "outcome", "grade", "consequences",
                 "vetoed_by", "head_cells", "tail_cells", "tail")

    def __init__(self, context, totals: tuple, extra_programs: list):
        check, rubric, when = context.check, context.rubric, context.when
        awarded, not_applicable, _, vetoed_by = totals
        self.total = check.decimal(awarded)
        self.not_applicable = check.decimal(not_applicable)
        not_yet_due = check.decimal(check.later_units)
        self.maximum = check.decimal(check.total_units - not_applicable - check.later_units)
        self.vetoed_by = list(vetoed_by)
        self.score, self.outcome, self.grade, self.consequences = conclusion(
            rubric, self.total, self.maximum, bool(vetoed_by), not_yet_due > 0, extra_programs)
        self.head_cells = (safe_cell(rubric.id), safe_cell(rubric.version))
        self.tail_cells = (number_text(self.total), number_text(self.maximum), number_text(self.not_applicable),
                           number_text(self.score), safe_cell(self.outcome["label"] if self.outcome else ""),
                           safe_cell(self.grade["label"] if self.grade else ""), safe_cell("、".join(self.vetoed_by)),
                           safe_cell("；".join(c["effect"] for c in self.consequences)))
        tail = {"total": self.total, "maximum": self.maximum, "notApplicablePoints": self.not_applicable,
                "score": self.score, "vetoedBy": self.vetoed_by, "outcome": self.outcome}
        if when:
            tail.update(asOf=when.as_of, notYetDue=[item for item, _ in plan_of(rubric).items
                                                    if item in when.not_due_items], notYetDuePoints=not_yet_due)
        if self.grade:
            tail["grade"] = self.grade
        if self.consequences:
            tail["consequences"] = self.consequences
        self.tail = json_bytes(tail)[1:]  # the members after the sections, and the closing brace


class ResultWriter:
    """Scores, CSV rows and result lines of records accepted by the compiled checks, for one run."""

    def __init__(self, extra_programs: list | None = None):
        self.extra_programs = extra_programs or []
        self._scored: dict = {}
        self._shapes: dict = {}
        self._shared: dict = {}  # rubric id → (rubric, line memos per criterion, joined notes, notes): every date alike

    def scored(self, context, totals: tuple) -> Scored:
        """The conclusion of ``totals``, remembered per context and totals."""
        vetoed_by = totals[3]
        key = (context, totals[0], totals[1], tuple(vetoed_by)) if vetoed_by else (context, totals[0], totals[1])
        found = self._scored.get(key)
        if found is None:
            found = Scored(context, totals, self.extra_programs)
            if len(self._scored) < SCORED_MEMO_LIMIT:
                self._scored[key] = found
        return found

    def row(self, document: dict, context, totals: tuple, file_cell: str, line) -> list:
        """The ``--csv`` row (:data:`wsas.scoring.batch.CSV_COLUMNS`) of an accepted record."""
        scored = self.scored(context, totals)
        subject = document["subject"]
        return [file_cell, line, *scored.head_cells, safe_cell(subject["name"]), safe_cell(subject.get("code", "")),
                safe_cell(subject.get("region", "")), safe_cell(document["period"]), *scored.tail_cells]

    def line(self, document: dict, context, totals: tuple) -> bytes:
        """The result document of an accepted record as one JSON line."""
        shape = self._shapes.get(context)
        if shape is None:
            if len(self._shapes) >= SHAPES_LIMIT:  # many assessment dates: start over rather than grow
                self._shapes.clear()
            shared = self._shared.get(context.rubric.id)
            if shared is None or shared[0] is not context.rubric:
                shared = self._shared[context.rubric.id] = (context.rubric, [{} for _ in context.check.steps], {}, {})
            shape = self._shapes[context] = _Shape(context, *shared[1:])
        scored = self.scored(context, totals)
        head = {"rubric": context.rubric.id, "rubricVersion": context.rubric.version,
                "subject": document["subject"], "period": document["period"]}
        if "assessor" in document:
            head["assessor"] = document["assessor"]
        if "assessedOn" in document:
            head["assessedOn"] = document["assessedOn"]
        return b"".join((json_bytes(head)[:-1], *shape.run(document["responses"]), b",", scored.tail, b"\n"))


class _Shape:
    """A context's byte templates: criterion lines per value, item and section objects per sums."""

    def __init__(self, context, lines: list, joins: dict, notes: dict):
        check, rubric, when = context.check, context.rubric, context.when
        self.check, self.when = check, when
        plan = plan_of(rubric)
        self.plan = plan
        self.close = b',"due":true}' if when else b"}"
        self.steps = []
        for step, plan_step in zip(check.steps, plan.steps):
            if step.due:
                not_applicable = json_bytes(plan_step.not_applicable_line)[:-1]
                self.steps.append((step.id, step.value_key, step.item_index, step.section_index, True,
                                   step.units, lines[step.index], (not_applicable, not_applicable + self.close), None,
                                   plan_step))
            else:
                later = tuple(json_bytes(not_due_line(plan_step, rubric, when, given)) for given in (False, True))
                self.steps.append((step.id, step.value_key, step.item_index, step.section_index, False,
                                   step.units, None, None, later, plan_step))
        self.item_lost = [_units(check, value) for value in plan.item_lost]
        self.section_lost = [_units(check, value) for value in plan.section_lost]
        self.item_later = [0] * len(plan.items)
        self.section_later = [0] * len(plan.sections)
        for step in check.steps:
            if not step.due:
                self.item_later[step.item_index] += step.units
                self.section_later[step.section_index] += step.units
        self.item_indexes, self.section_indexes = range(len(plan.items)), range(len(plan.sections))
        self._items: dict = {}
        self._sections: dict = {}
        self._note_texts, self._joins = notes, joins
        self.served, self.run = 0, self.warming

    def warming(self, responses: dict) -> tuple:
        """:meth:`body`, until the shape has served 16 results: then generated code takes over."""
        self.served += 1
        if self.served >= 16:
            self.run = self.generated()
        return self.body(responses)

    def generated(self):
        """:meth:`body` as straight-line code: each criterion's line looked up by its value's type and value
        (learnt by :meth:`_line` when new), the sums of items and sections kept in local variables."""
        namespace = {"_ABSENT": _ABSENT, "learn": self._learn, "notes": self._joined, "item": self._item_node,
                     "section": self._section_node, "J": self._joins}
        code = ["    L = []"]
        code += [f"    a{index} = 0; n{index} = {lost}" for index, lost in enumerate(self.item_lost)]
        code += [f"    s{index} = 0; m{index} = {lost}" for index, lost in enumerate(self.section_lost)]
        for index, (criterion_id, value_key, item, section, due, units, known, na, later, _) in enumerate(self.steps):
            if not due:
                namespace[f"D{index}"] = later
                code.append(f"    L.append(D{index}[R.get({criterion_id!r}) is not None])")
                continue
            namespace[f"k{index}"], namespace[f"A{index}"] = known, na
            award = ["try:", f"    t, c, w = k{index}[type(v)][v]", "except KeyError:",
                     f"    t, c, w = learn({index}, v)", f"a{item} += w; s{section} += w"]
            code.append(f"    r = R[{criterion_id!r}]")
            if self.check.steps[index].may_skip:
                code += [f"    v = r.get({value_key!r}, _ABSENT)", "    if v is _ABSENT:",
                         f"        t, c = A{index}; n{item} += {units}; m{section} += {units}", "    else:",
                         *("        " + line for line in award)]
            else:
                code += [f"    v = r[{value_key!r}]", *("    " + line for line in award)]
            code += ["    e = r.get('reason'); f = r.get('evidence')",
                     "    L.append((J.get((t, e, f)) or notes(t, e, f)) if e or f else c)"]
        for prefix, count, build, awarded, na in (("I", len(self.item_lost), "item", "a", "n"),
                                                  ("S", len(self.section_lost), "section", "s", "m")):
            for index in range(count):
                namespace[f"{prefix}{index}"] = {}
            nodes = "".join(f"{prefix}{index}.get(({awarded}{index}, {na}{index})) or "
                            f"{build}({prefix}{index}, {index}, {awarded}{index}, {na}{index}), "
                            for index in range(count))
            code.append(f"    {prefix} = ({nodes})")
        code.append("    return (CRITERIA, JOIN(L), ITEMS, JOIN(I), SECTIONS, JOIN(S), END)")
        namespace.update(CRITERIA=b',"criteria":[', ITEMS=b'],"items":[', SECTIONS=b'],"sections":[', END=b"]",
                         JOIN=b",".join)
        arguments = ", ".join(f"{name}={name}" for name in namespace)
        source = f"def body(R, type=type, {arguments}):\n" + "\n".join(code) + "\n"
        exec(compile(source, f"<wsas result {self.check.rubric.id}>", "exec"), namespace)
        return namespace["body"]

    def _learn(self, index: int, value) -> tuple:
        step = self.steps[index]
        return self._line(step[9], value, step[6])

    def _joined(self, text: bytes, reason, evidence) -> bytes:
        """A line with its notes; remembered per (line, reason, evidence) when the notes are short."""
        found = b"".join((text, self._notes(b',"reason":', reason) if reason else b"",
                          self._notes(b',"evidence":', evidence) if evidence else b"", self.close))
        if len(self._joins) < NOTES_MEMO_LIMIT and len(found) - len(text) < 400:
            self._joins[(text, reason, evidence)] = found
        return found

    def _item_node(self, memo: dict, index: int, awarded: int, na: int) -> bytes:
        found = self._item(index, awarded, na)
        if len(memo) < MEMO_LIMIT:
            memo[(awarded, na)] = found
        return found

    def _section_node(self, memo: dict, index: int, awarded: int, na: int) -> bytes:
        found = self._section(index, awarded, na)
        if len(memo) < MEMO_LIMIT:
            memo[(awarded, na)] = found
        return found

    def body(self, responses: dict) -> tuple:
        """The criteria, items and sections members of one result, as byte strings to join."""
        items_awarded = [0] * len(self.item_lost)
        items_na = list(self.item_lost)
        sections_awarded = [0] * len(self.section_lost)
        sections_na = list(self.section_lost)
        lines = []
        close, notes = self.close, self._notes
        for criterion_id, value_key, item, section, due, units, known, not_applicable, later, plan_step in self.steps:
            response = responses.get(criterion_id)
            if not due:
                lines.append(later[response is not None])
                continue
            value = response.get(value_key, _ABSENT)
            if value is _ABSENT:
                text, closed = not_applicable
                items_na[item] += units
                sections_na[section] += units
            else:
                try:
                    text, closed, awarded = known[type(value)][value]
                except KeyError:
                    text, closed, awarded = self._line(plan_step, value, known)
                items_awarded[item] += awarded
                sections_awarded[section] += awarded
            reason, evidence = response.get("reason"), response.get("evidence")
            if reason or evidence:
                lines.append(b"".join((text, notes(b',"reason":', reason) if reason else b"",
                                       notes(b',"evidence":', evidence) if evidence else b"", close)))
            else:
                lines.append(closed)
        items = [self._node(self._items, index, awarded, na, self._item)
                 for index, awarded, na in zip(self.item_indexes, items_awarded, items_na)]
        sections = [self._node(self._sections, index, awarded, na, self._section)
                    for index, awarded, na in zip(self.section_indexes, sections_awarded, sections_na)]
        return (b',"criteria":[', b",".join(lines), b'],"items":[', b",".join(items), b'],"sections":[',
                b",".join(sections), b"]")

    def _notes(self, member: bytes, text: str) -> bytes:
        """``,"reason":"…"`` — notes repeat (the same reason typed for many records): remembered."""
        key = (member, text)
        found = self._note_texts.get(key)
        if found is None:
            found = member + orjson.dumps(text)
            if len(self._note_texts) < NOTES_MEMO_LIMIT and len(text) < 200:
                self._note_texts[key] = found
        return found

    def _line(self, plan_step, value, known: dict) -> tuple:
        line = criterion_line(self.plan, plan_step, value)
        del line["vetoed"]
        text = json_bytes(line)[:-1]
        found = (text, text + self.close, _units(self.check, line["awarded"]))
        by_type = known.setdefault(type(value), {})
        if len(by_type) < LINE_MEMO_LIMIT:
            by_type[value] = found
        return found

    @staticmethod
    def _node(memo: dict, index: int, awarded: int, na: int, build) -> bytes:
        key = (index, awarded, na)
        found = memo.get(key)
        if found is None:
            found = build(index, awarded, na)
            if len(memo) < MEMO_LIMIT:
                memo[key] = found
        return found

    def _item(self, index: int, awarded: int, na: int) -> bytes:
        item_id, points = self.plan.items[index]
        node = {"id": item_id, "points": points, "awarded": self.check.decimal(awarded),
                "notApplicablePoints": self.check.decimal(na)}
        if self.when:
            node.update(notYetDuePoints=self.check.decimal(self.item_later[index]),
                        due=item_id not in self.when.not_due_items)
            if item_id in self.when.due_on:
                node["dueOn"] = self.when.due_on[item_id]
        return json_bytes(node)

    def _section(self, index: int, awarded: int, na: int) -> bytes:
        section_id, points = self.plan.sections[index]
        node = {"id": section_id, "points": points, "awarded": self.check.decimal(awarded),
                "notApplicablePoints": self.check.decimal(na)}
        if self.when:
            node["notYetDuePoints"] = self.check.decimal(self.section_later[index])
        return json_bytes(node)


_ABSENT = object()


def _units(check, value: Decimal) -> int:
    return int(value.scaleb(check.places))
