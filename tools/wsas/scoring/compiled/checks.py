"""Per-rubric checks compiled to Python: one pass proves a submission's responses valid and adds up its points.

For each rubric (and, for a rubric assessed by deadline, each set of criteria not yet due) a function is
generated from the rubric data and compiled once. It reads every response, checks its form (type, keys,
notes) and its value, and adds the awarded points as exact integers in units of ``10**-places``: every
point value of the rubric (points, steps, deductions, caps) has at most ``places`` decimals, and an award
that would not is refused. Each distinct (criterion, value) is judged once — by the submission schema's
response definition, the semantic checks and the scoring rule itself — and remembered.

It answers the totals, or ``None`` for anything it does not plainly accept; the caller then takes the
reference path, whose errors and scores are the definition (tests/differential.py proves the two equal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...rubrics import Rubric
from ..rules import APPLY, VALUE_KEY, num, on_step, step_of
from ...schemas import fast_validator, load_schema
from ..score import plan_of

MEMO_LIMIT = 20_000  # distinct values remembered per criterion and value type: bounds memory on any batch
COMPILE_AFTER = 16  # records of one rubric and date checked one criterion at a time before compiling
# A float outside this range may stand for a text the strict reader reads differently (1e-400 is 0.0 here).
EXACT_FLOAT_MIN, EXACT_FLOAT_MAX = 1e-7, 1e15
_ABSENT = object()
# numbers of a rule that a criterion's award is computed from
_RULE_NUMBERS = ("step", "deduct", "cap", "target")


@dataclass(frozen=True)
class Step:
    """One criterion in scoring order, as the compiled check and the result writer need it."""

    index: int
    id: str
    value_key: str
    kind: str
    points: Decimal
    units: int            # points in units of the rubric's scale
    item_index: int
    section_index: int
    may_skip: bool        # may be answered notApplicable
    due: bool             # counts at this assessment date


@dataclass
class CompiledCheck:
    """The check of one rubric at one set of criteria not yet due.

    ``run(responses)`` answers ``(awarded, not_applicable, keys, vetoed_by)`` — awarded and
    not-applicable points (lost items and sections included) in units, the number of keys of all
    responses together and the vetoing criteria in scoring order — or None. It is the generated
    function, which takes the common form (every due response present with a value already seen, notes as
    strings) in straight-line code and hands anything else to :meth:`general`.
    """

    rubric: Rubric
    not_due: frozenset
    places: int
    steps: tuple[Step, ...]
    memos: tuple[dict, ...]   # per step: {value type: {value: awarded units}}, valid values only
    total_units: int
    later_units: int          # points not yet due, in units
    lost_units: int           # points of lost items and sections, in units
    judge: object
    source: str = ""
    run: object = None
    walk: tuple = ()          # the steps as :meth:`general` reads them
    served: int = 0           # records checked before the generated function was compiled

    def warming(self, responses: dict):
        """:meth:`general`, until the check has served :data:`COMPILE_AFTER` records: then the generated
        function is compiled and takes over (a one-file run never pays for compiling)."""
        self.served += 1
        if self.served >= COMPILE_AFTER:
            self.run = self.compiled()
        return self.general(responses)

    def compiled(self):
        """The generated function, compiled."""
        namespace = {"general": self.general, "notes": notes, "judge": self.judge,
                     **{f"m{step.index}": self.memos[step.index] for step in self.steps}}
        exec(compile(self.source, f"<wsas check {self.rubric.id}>", "exec"), namespace)
        return namespace["check"]

    def decimal(self, units: int) -> Decimal:
        """``units`` as the exact decimal they stand for."""
        return Decimal(units).scaleb(-self.places)

    def general(self, responses: dict):
        """The same answer as :attr:`run` for any responses, one criterion at a time: not-applicable
        responses, values not seen yet (judged and remembered), and everything to refuse."""
        awarded, not_applicable, extra, given, applicable, vetoed_by = 0, self.lost_units, 0, 0, False, []
        judge, limit = self.judge, self.judge.limit
        for criterion_id, value_key, memo, index, due, may_skip, units, scores, veto in self.walk:
            response = responses.get(criterion_id)
            if response is None:
                if due:
                    return None
                continue
            given += 1
            if type(response) is not dict:
                return None
            value = response.get(value_key, _ABSENT)
            if value is _ABSENT:
                if not may_skip or response.get("notApplicable") is not True:
                    return None
                if due:
                    not_applicable += units
            else:
                known = memo.get(type(value))
                award = None if known is None else known.get(value)
                if award is None:
                    award = judge(index, value)
                    if award is None:
                        return None
                if due:
                    awarded += award
                    applicable = applicable or scores
                    if veto and value is True:
                        vetoed_by.append(criterion_id)
            size = len(response)
            if size != 1:
                if notes(response, size, limit) is None:
                    return None
                extra += size - 1
        if len(responses) != given or not applicable:
            return None
        return awarded, not_applicable, given + extra, vetoed_by


class Compiler:
    """Builds and keeps the compiled checks of the rubrics of one catalogue."""

    def __init__(self):
        self.response_schema = fast_validator("submission", "/$defs/response")
        self.note_limit = note_limit()
        self._id_pattern = re.compile(load_schema("defs")["$defs"]["criterionId"]["pattern"])
        self._max_responses = load_schema("submission")["properties"]["responses"]["maxProperties"]
        self._checks: dict = {}
        self._judges: dict = {}  # rubric id → its judge and memos, shared by every due-set of the rubric

    def check_for(self, rubric: Rubric, not_due: frozenset = frozenset()) -> CompiledCheck:
        key = (rubric.id, not_due)
        found = self._checks.get(key)
        if found is None or found.rubric is not rubric:
            found = self._checks[key] = self._compile(rubric, not_due)
        return found

    def _compile(self, rubric: Rubric, not_due: frozenset) -> CompiledCheck:
        places = rubric_places(rubric)
        factor = 10 ** places
        plan = plan_of(rubric)
        steps = []
        for index, plan_step in enumerate(plan.steps):
            criterion = rubric.criteria[plan_step.id].criterion
            may_skip = (bool(rubric.scoring["notApplicable"]) and not criterion.get("mandatory")
                        and plan_step.kind != "veto")
            steps.append(Step(index, plan_step.id, plan_step.value_key, plan_step.kind, plan_step.points,
                              _units(plan_step.points, factor), plan_step.item_index, plan_step.section_index,
                              may_skip, plan_step.id not in not_due))
        steps = tuple(steps)
        judge = self._judges.get(rubric.id)
        if judge is None or judge.rubric is not rubric:
            judge = self._judges[rubric.id] = _Judge(self, rubric, steps, factor)
        lost = sum(plan.section_lost, Decimal(0))
        later = sum((step.points for step in steps if not step.due), Decimal(0))
        usable = (len(steps) <= self._max_responses and all(map(self._id_pattern.search, rubric.criteria))
                  and all(_integral(value, factor) for value in (plan.total, lost, later)))
        found = CompiledCheck(rubric, not_due, places, steps, judge.memos,
                              *((_units(plan.total, factor), _units(later, factor), _units(lost, factor))
                                if usable else (0, 0, 0)), judge)
        found.walk = tuple((step.id, step.value_key, judge.memos[step.index], step.index, step.due, step.may_skip,
                            step.units, step.points > 0, step.kind == "veto") for step in steps)
        found.source = _source(steps, self.note_limit, found.lost_units) if usable else _REFUSE
        found.run = found.warming if usable else _refuse
        return found


_REFUSE = "def check(R):\n    return None\n"


def _refuse(responses: dict) -> None:
    return None


def _source(steps: tuple[Step, ...], limit: int, lost: int) -> str:
    """The Python text of one rubric's check: the steps unrolled, in scoring order. Anything unusual — a
    missing response, a not-applicable one, a response that is not an object, odd notes — raises KeyError
    or TypeError, and :meth:`CompiledCheck.general` decides."""
    if not any(step.due and step.points > 0 for step in steps):
        return _REFUSE  # nothing applicable: the reference reports no-applicable-criteria
    vetoes = any(step.kind == "veto" and step.due for step in steps)
    required = sum(1 for step in steps if step.due)
    optional = required < len(steps)
    memos = ", ".join(f"m{step.index}=m{step.index}" for step in steps)
    code = [f"def check(R, type=type, len=len, general=general, notes=notes, judge=judge, {memos}):",
            "    T = 0; x = 0" + ("; p = 0" if optional else ""),
            "    V = []" if vetoes else "    V = ()",
            "    try:"]
    if not optional:
        code += [f"        if len(R) != {required}:", "            return None"]
    for step in steps:
        code.extend("        " + line for line in _step_source(step, limit))
    code += ["    except (KeyError, TypeError):",
             "        return general(R)"]
    if optional:
        code += [f"    if len(R) != {required} + p:", "        return None"]
    code.append(f"    return T, {lost}, len(R) + x, V")
    return "\n".join(code) + "\n"


def _step_source(step: Step, limit: int) -> list[str]:
    """The lines of one response: its value looked up among the values seen (judged and remembered when
    new), its award added when due, its notes checked; a criterion not yet due is checked only when
    given, and scores nothing."""
    if step.due and step.kind != "veto":
        value = ["try:", f"    T += m{step.index}[type(v)][v]",
                 "except KeyError:", f"    a = judge({step.index}, v)", "    if a is None:", "        return None",
                 "    T += a"]
    else:
        value = ["try:", f"    m{step.index}[type(v)][v]",
                 "except KeyError:", f"    if judge({step.index}, v) is None:", "        return None"]
        if step.kind == "veto" and step.due:
            value += ["if v is True:", f"    V.append({step.id!r})"]
    body = [f"v = r[{step.value_key!r}]", *value,
            "if (s := len(r)) != 1:",
            f"    if s == 2 and type(t := r.get('reason')) is str and len(t) <= {limit}:",
            "        x += 1",
            "    else:",
            f"        x += notes(r, s, {limit}, KeyError)"]
    if step.due:
        return [f"r = R[{step.id!r}]", *body]
    return [f"r = R.get({step.id!r})", "if r is not None:", "    p += 1", *("    " + line for line in body)]


def notes(response: dict, size: int, limit: int, refuse=None):
    """The number of notes (reason, evidence) beside the value of a response of ``size`` keys when they
    are all strings within ``limit``; else None, or ``refuse`` raised when given."""
    count = 0
    for key in ("reason", "evidence"):
        note = response.get(key)
        if type(note) is str and len(note) <= limit:
            count += 1
    if count == size - 1:
        return count
    if refuse is not None:
        raise refuse("notes")
    return None


class _Judge:
    """A (criterion, value) not seen before: valid by the response schema and the semantic checks (the
    judgement range and step), scored by the rule; remembered when its award is exact in units."""

    def __init__(self, compiler: Compiler, rubric: Rubric, steps, factor: int):
        self.compiler, self.rubric, self.steps, self.factor = compiler, rubric, steps, factor
        self.limit = compiler.note_limit
        self.memos = tuple(_memo_for(step) for step in steps)

    def __call__(self, index: int, value):
        """The award of ``value`` in units when it is a valid value of criterion ``index``, else None."""
        known = self.memos[index].get(type(value))
        if known is None:
            return None  # a type the check never accepts (a bool for a number, a float count …)
        units = known.get(value)
        if units is not None:
            return units
        if type(value) is float and not EXACT_FLOAT_MIN <= value < EXACT_FLOAT_MAX:
            return None  # 0.0 may have been 1e-400 in the text, huge values 1e400: the exact reader decides
        step = self.steps[index]
        rule = self.rubric.criteria[step.id].criterion["rule"]
        if not self.compiler.response_schema.is_valid({step.value_key: value}):
            return None
        if step.kind == "judgement":
            exact = num(value)
            if exact > step.points or not on_step(exact, step_of(rule)):
                return None
        awarded = APPLY[step.kind](step.points, rule, {step.value_key: value}).awarded
        if not _integral(awarded, self.factor):
            return None
        units = _units(awarded, self.factor)
        if len(known) < MEMO_LIMIT:
            known[value] = units
        return units


def _memo_for(step: Step) -> dict:
    """The types a criterion's value may have, each with the values seen (booleans: both, at once)."""
    if step.kind == "yes-no":
        return {bool: {True: step.units, False: 0}}
    if step.kind == "veto":
        return {bool: {True: 0, False: 0}}
    if step.kind == "per-finding":
        return {int: {}}  # a count: a float such as 2.0 is left to the reference path
    return {int: {}, float: {}}


def rubric_places(rubric: Rubric) -> int:
    """The most decimals of any point value of the rubric: its total, sections, items, criteria and the
    numbers their rules compute awards from (steps, deductions, caps, targets, tier deductions)."""
    values = [rubric.data["total"]]
    for section in rubric.data["sections"]:
        values.append(section["points"])
        for item in section["items"]:
            values.append(item["points"])
            for criterion in item.get("criteria", []):
                rule = criterion["rule"]
                values.append(criterion["points"])
                values.extend(rule[name] for name in _RULE_NUMBERS if name in rule)
                values.extend(tier["deduct"] for tier in rule.get("tiers", []))
                if rule["kind"] == "judgement":
                    values.append(step_of(rule))
    return max(max(0, -num(value).normalize().as_tuple().exponent) for value in values)


def _integral(value: Decimal, factor: int) -> bool:
    scaled = value * factor
    return scaled == scaled.to_integral_value()


def _units(value: Decimal, factor: int) -> int:
    return int(value * factor)


def note_limit() -> int:
    """The longest reason or evidence the schema allows; the check assumes notes are plain strings."""
    note = load_schema("submission")["$defs"]["note"]
    if set(note) != {"type", "maxLength"} or note["type"] != "string":
        raise ValueError("schemas/submission.json #/$defs/note changed: teach wsas.scoring.compiled.checks its new form")
    return note["maxLength"]


assert set(VALUE_KEY) == {"judgement", "yes-no", "per-finding", "rate-tiers", "shortfall-steps", "veto"}, \
    "a new rule kind: teach wsas.scoring.compiled.checks how its value is checked"
