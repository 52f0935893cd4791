"""The spreadsheet formulas: spec/scoring.md written once more, in Excel syntax.

Each criterion's 得分 cell repeats the rule of its kind on the 填报值 cell; the
summary adds items, sections and the whole table up, and derives 应得分, 得分
(normalised where the rubric says so), the vetoes and the outcome.

Exactness: spreadsheets compute in binary floating point, WSAS in exact decimals.
Every sum and difference is therefore rounded to the number of decimal places the
exact result can have (known from the rubric), and quotients are first rounded
to 10 places before INT/ROUNDUP/ROUND, so 0.3/0.1 counts as 3 steps, not 2.999….
(A rate typed with more than 10 decimals could in theory land on the other side
of a step boundary; rates are percentages typed by people, so this is accepted.)
Inputs that the reference implementation would refuse show 「无效」 instead of a
number, and the totals show 「未填完」 or 「有误」 until every input is valid, so
the sheet never shows a score the reference implementation would not give.
Functions are limited to ones Excel and LibreOffice share without prefixes.

Rubrics assessed by deadline (spec/scoring.md §4.3): the 评估日期 cell (or, when it is
empty, the last day of the 评估期) gives the assessment date; a criterion whose item's
「x月底前」 falls after it shows 0 points (its row is greyed) and its points leave the
maximum; the score is then normalised. Dates are the spreadsheet's date serials.
"""

from __future__ import annotations

from ..scoring.rules import fmt, num, step_of
from .layout import NA_TEXT, NO, YES, Layout, may_be_not_applicable

DATE_FORMAT = "yyyy-mm-dd"

INVALID = "无效"
INCOMPLETE = "未填完"
WRONG = "有误"
NOTHING = "无可评分细则"
NONE = "无"


def places(*values) -> int:
    """Decimal places of an exact result built from these numbers by + − × (at most the most of any)."""
    most = 0
    for value in values:
        exponent = num(value).normalize().as_tuple().exponent
        most = max(most, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return most


def text(value: str) -> str:
    """A string literal."""
    return '"' + value.replace('"', '""') + '"'


def says(cell: str, word: str) -> str:
    """The cell holds ``word``, surrounding spaces ignored (as the importer reads it)."""
    return f"TRIM({cell})={text(word)}"


def criterion_places(criterion: dict) -> int:
    rule, points = criterion["rule"], criterion["points"]
    kind = rule["kind"]
    if kind == "judgement":
        return places(points, step_of(rule))
    if kind == "per-finding":
        return places(points, rule["deduct"], rule["cap"])
    if kind == "rate-tiers":
        return places(points, *(tier["deduct"] for tier in rule["tiers"]))
    if kind == "shortfall-steps":
        return places(points, rule["deduct"])
    return places(points)


def rubric_places(layout: Layout) -> int:
    data = layout.rubric.data
    lost = [item["points"] for item in layout.rubric.lost_items]
    return max([places(data["total"], *lost)] + [criterion_places(r.criterion) for r in layout.criterion_rows.values()])


def on_step(x: str, step) -> str:
    """``x`` is a whole multiple of ``step``: the nearest multiple, rounded to the step's decimals, is ``x``.

    Exact where a tolerance would not be: 2.5000000001 is refused, while 0.7 with step 0.1 passes
    although 0.7/0.1 is 6.999… in binary (ROUND brings 7 × 0.1 back to the double nearest 0.7).
    """
    s = fmt(step)
    return f"ROUND(ROUND({x}/{s},0)*{s},{places(step)})={x}"


def _number_guard(x: str, body: str) -> str:
    return f'IF(NOT(ISNUMBER({x})),{text(INVALID)},{body})'


def interval_test(interval: dict, x: str) -> str:
    """scoring.md §3.4: each side written with its own inclusiveness."""
    tests = []
    if "lower" in interval:
        tests.append(f'{x}{">=" if interval["lowerInclusive"] else ">"}{fmt(interval["lower"])}')
    if "upper" in interval:
        tests.append(f'{x}{"<=" if interval["upperInclusive"] else "<"}{fmt(interval["upper"])}')
    if not tests:
        return "TRUE"
    return tests[0] if len(tests) == 1 else f'AND({",".join(tests)})'


def rule_formula(criterion: dict, x: str) -> str:
    """Awarded points of a filled-in value cell ``x``, or 「无效」."""
    rule, points = criterion["rule"], num(criterion["points"])
    kind, p = rule["kind"], fmt(points)
    pl = criterion_places(criterion)
    if kind == "judgement":
        return _number_guard(x, f'IF(AND({x}>=0,{x}<={p},{on_step(x, step_of(rule))}),{x},{text(INVALID)})')
    if kind == "yes-no":
        return f'IF({says(x, YES)},{p},IF({says(x, NO)},0,{text(INVALID)}))'
    if kind == "veto":
        return f'IF(OR({says(x, YES)},{says(x, NO)}),0,{text(INVALID)})'
    if kind == "per-finding":
        most = fmt(min(num(rule["cap"]), points))
        body = f'ROUND({p}-MIN({x}*{fmt(rule["deduct"])},{most}),{pl})'
        return _number_guard(x, f'IF(OR({x}<0,{x}>100000,{x}<>INT({x})),{text(INVALID)},{body})')
    if kind == "rate-tiers":
        body = p  # in no tier: nothing deducted
        for tier in reversed(rule["tiers"]):
            awarded = fmt(points - min(num(tier["deduct"]), points))
            body = f'IF({interval_test(tier["range"], x)},{awarded},{body})'
        return _number_guard(x, f'IF(OR({x}<0,{x}>100),{text(INVALID)},{body})')
    if kind == "shortfall-steps":
        shortfall = f'MAX(0,ROUND({fmt(rule["target"])}-{x},10))'
        quotient = f'ROUND({shortfall}/{fmt(rule["step"])},10)'
        steps = f"INT({quotient})" if rule["partialStep"] == "ignore" else f"ROUNDUP({quotient},0)"
        body = f'ROUND({p}-MIN({steps}*{fmt(rule["deduct"])},{p}),{pl})'
        return _number_guard(x, f'IF(OR({x}<0,{x}>100),{text(INVALID)},{body})')
    raise ValueError(f"unknown rule kind {kind!r}")


def absolute(cell: str) -> str:
    """$C$5 for C5: the same cell from anywhere (conditional formats are relative to their range)."""
    letters = cell.rstrip("0123456789")
    return f"${letters}${cell[len(letters):]}"


def as_of_formula(layout: Layout) -> str:
    """The assessment date (spec/scoring.md §4.3): 评估日期 (a date, or text YYYY-MM-DD), else the last day
    of the 评估期 (2020, 2020Q1, 2020-02); "" while neither can be read."""
    day, period = layout.field_cell("assessedOn"), layout.field_cell("period")
    d, p = f"TRIM({day})", f"TRIM({period})"
    year = f"VALUE(LEFT({p},4))"
    typed = f"DATE(VALUE(LEFT({d},4)),VALUE(MID({d},6,2)),VALUE(MID({d},9,2)))"
    period_end = (f'IF(LEN({p})=4,DATE({year},12,31),IF(MID({p},5,1)="Q",DATE({year},3*VALUE(MID({p},6,1))+1,0),'
                  f'DATE({year},VALUE(MID({p},6,2))+1,0)))')
    return f'=IFERROR(IF(ISNUMBER({day}),INT({day}),IF({d}<>"",{typed},{period_end})),"")'


def not_due_test(layout: Layout, item: dict) -> str | None:
    """True while ``item``'s 「x月底前」 (in the 评估期's year) is after the assessment date; None when it is
    always due (no month-end deadline, or a rubric not assessed by deadline)."""
    deadline = item.get("deadline") or {}
    if not layout.by_deadline or deadline.get("kind") != "month-end":
        return None
    as_of = absolute(layout.summary_cell("asOf"))
    year = f'VALUE(LEFT(TRIM({absolute(layout.field_cell("period"))}),4))'
    # 0, not FALSE: LibreOffice saves the constant FALSE as the function FALSE(), which would read as an edit
    return f"IFERROR(AND(ISNUMBER({as_of}),DATE({year},{deadline['month'] + 1},0)>{as_of}),0)"


def awarded_formula(layout: Layout, criterion_id: str) -> str:
    row = layout.criterion_rows[criterion_id]
    criterion = row.criterion
    x = layout.cell("value", criterion_id)
    rule = rule_formula(criterion, x)
    formula = f'IF({x}="","",{rule})'
    if may_be_not_applicable(layout.rubric, criterion):
        na = layout.cell("na", criterion_id)
        chosen = f'IF({says(na, NA_TEXT)},IF({x}="",0,{text(INVALID)}),{text(INVALID)})'
        formula = f'IF(TRIM({na})="",{formula},{chosen})'
    later = not_due_test(layout, row.item)
    if later:  # not yet due: 0 points, empty allowed, a value given still checked (「无效」) but not counted
        formula = f'IF({later},IF({x}="",0,IF(ISNUMBER({rule}),0,{rule})),{formula})'
    return "=" + formula


def deducted_formula(layout: Layout, criterion_id: str) -> str:
    row = layout.criterion_rows[criterion_id]
    criterion = row.criterion
    awarded = layout.cell("awarded", criterion_id)
    value = f'ROUND({fmt(criterion["points"])}-{awarded},{criterion_places(criterion)})'
    if may_be_not_applicable(layout.rubric, criterion):
        value = f'IF({says(layout.cell("na", criterion_id), NA_TEXT)},0,{value})'
    later = not_due_test(layout, row.item)
    if later:
        value = f"IF({later},0,{value})"
    return f'=IF(ISNUMBER({awarded}),{value},"")'


def _part_sum(layout: Layout, rows, pl: int) -> str:
    criteria = [r for r in rows if r.criterion is not None]
    if not criteria:
        return "=0"
    span = layout.column_range("awarded", rows[0].row, rows[-1].row)
    return f'=IF(COUNT({span})<{len(criteria)},"",ROUND(SUM({span}),{pl}))'


def _item_na(layout: Layout, item: dict, pl: int) -> str:
    if item.get("lost"):
        return f"={fmt(item['points'])}"
    terms = [f'IF({says(layout.cell("na", c["id"]), NA_TEXT)},{fmt(c["points"])},0)'
             for c in item["criteria"] if layout.cell("na", c["id"])]
    return f'=ROUND({"+".join(terms)},{pl})' if terms else "=0"


def _not_yet_due_points(layout: Layout, pl: int) -> str:
    """The points of the items whose deadline is after the assessment date (spec/scoring.md §4.3)."""
    terms = [f"IF({later},{fmt(item['points'])},0)" for section in layout.rubric.data["sections"]
             for item in section["items"] if (later := not_due_test(layout, item))]
    return f'=ROUND({"+".join(terms)},{pl})' if terms else "=0"


def _veto_cells(layout: Layout) -> list[tuple[str, str]]:
    """(criterion id, test that it is triggered): a veto not yet due triggers nothing (spec/scoring.md §4.3)."""
    found = []
    for cid, r in layout.criterion_rows.items():
        if r.criterion["rule"]["kind"] == "veto":
            test, later = says(layout.cell("value", cid), YES), not_due_test(layout, r.item)
            found.append((cid, f"AND(NOT({later}),{test})" if later else test))
    return found


def _outcome(layout: Layout, score: str) -> str:
    body = text(NONE)
    for outcome in reversed(layout.rubric.data["outcomes"]):
        body = f'IF({interval_test(outcome["range"], score)},{text(outcome["label"])},{body})'
    return f'=IF(ISNUMBER({score}),{body},"")'


def formulas(layout: Layout) -> dict[str, str]:
    """key (as in :attr:`Layout.formula_cells`) → formula text, for every formula cell."""
    rubric, pl = layout.rubric, rubric_places(layout)
    found = {}
    for criterion_id in layout.criterion_rows:
        found[f"awarded:{criterion_id}"] = awarded_formula(layout, criterion_id)
        if layout.column("deducted"):
            found[f"deducted:{criterion_id}"] = deducted_formula(layout, criterion_id)
    item_na_cells = []
    for row in layout.summary:
        if row.kind == "item":
            key = f"item:{row.node['id']}"
            found[key] = _part_sum(layout, layout.rows_of(row.node["id"], "item"), pl)
            found[f"item-na:{row.node['id']}"] = _item_na(layout, row.node, pl)
            item_na_cells.append(layout.summary_cell(key, "na"))
        elif row.kind == "section":
            key = f"section:{row.node['id']}"
            found[key] = _part_sum(layout, layout.rows_of(row.node["id"], "section"), pl)
            items = [layout.summary_cell(f"item:{item['id']}", "na") for item in row.node["items"]]
            found[f"section-na:{row.node['id']}"] = f"=ROUND(SUM({items[0]}:{items[-1]}),{pl})"

    awarded_span = layout.column_range("awarded")
    count = len(layout.criterion_rows)
    total, na = layout.summary_cell("total"), layout.summary_cell("total", "na")
    maximum, score = layout.summary_cell("maximum"), layout.summary_cell("score")
    found["total"] = (f'=IF(COUNTIF({awarded_span},{text(INVALID)})>0,{text(WRONG)},'
                      f'IF(COUNT({awarded_span})<{count},{text(INCOMPLETE)},ROUND(SUM({awarded_span}),{pl})))')
    found["notApplicablePoints"] = f"=ROUND(SUM({item_na_cells[0]}:{item_na_cells[-1]}),{pl})"
    found["maximum"] = f"=ROUND({fmt(rubric.data['total'])}-{na},{pl})"

    normalised = f"ROUND(ROUND({total}*100/{maximum},10),{rubric.scoring['roundingPlaces']})"
    value = normalised if rubric.scoring["normalise"] else total
    if layout.by_deadline:
        later = layout.summary_cell("notYetDuePoints")
        found["asOf"] = as_of_formula(layout)
        found["notYetDuePoints"] = _not_yet_due_points(layout, pl)
        found["maximum"] = f"=ROUND({fmt(rubric.data['total'])}-{na}-{later},{pl})"
        if not rubric.scoring["normalise"]:  # spec/scoring.md §4.3: items left out re-normalise the score
            value = f"IF({later}>0,{normalised},{total})"
    vetoes = _veto_cells(layout)
    if vetoes:
        triggered = f'OR({",".join(test for _, test in vetoes)})'
        value = f"IF({triggered},0,{value})"
    found["score"] = f'=IF(ISNUMBER({total}),IF({maximum}<=0,{text(NOTHING)},{value}),{total})'
    if vetoes:
        listed = "&".join(f'IF({test},{text(cid + " ")},"")' for cid, test in vetoes)
        found["vetoedBy"] = f'=IF({triggered},TRIM({listed}),{text(NONE)})'
    if rubric.data.get("outcomes"):
        found["outcome"] = _outcome(layout, score)
    invalid = f"COUNTIF({awarded_span},{text(INVALID)})"
    found["status"] = (f'=IF({invalid}>0,"有误："&{invalid}&" 条细则填报无效",IF(COUNT({awarded_span})<{count},'
                       f'"未填完：尚有 "&({count}-COUNT({awarded_span}))&" 条细则未填","已填完"))')
    return found

