"""The bulletin as a document: headings, paragraphs, tables and charts, in Chinese, format-neutral.

Markdown and HTML are written from the same blocks (see ``markdown.py`` and
``htmlpage.py``), so both say exactly the same thing. Every rule the figures
follow — rounding, ranking, duplicates, score bands, what counts as submitted —
is stated in the bulletin itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..scoring.rules import fmt
from . import charts
from .charts import Bar
from .figures import rate, shown
from .quarter import Quarter, month_words, period_words

CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str


@dataclass
class Note:
    title: str
    text: str


@dataclass
class Items:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)   # columns aligned right


@dataclass
class Figure:
    svg: str
    caption: str


def document(bulletin: dict) -> list:
    """The blocks of ``bulletin`` (the data of :meth:`BulletinBuilder.finish`)."""
    quarter = Quarter.parse(bulletin["period"])
    program = bulletin["program"]
    inputs = bulletin["inputs"]
    title = f"{'【示例】' if bulletin['sample'] else ''}{quarter.words}评估通报"
    blocks: list = [Heading(1, title)]
    if bulletin["sample"]:
        blocks.append(Note("示例数据，不是真实通报",
                           "本通报由 WSAS 按固定随机种子生成的示例数据制作：地区、单位名称、编码和分数都是虚构的，"
                           "只用来演示通报的内容和格式。"))
    months = "、".join(quarter.months)
    blocks.append(Para(f"方案：{program['title']}（{program['id']}，版本 {program['version']}）。"
                       f"评估期：{quarter.words}，即评估期为 {months} 的月度结果和评估期为 {quarter.label} 的按季度结果。"))
    duplicates = f"；同一对象同一评估期的重复结果 {inputs['duplicates']} 份未采用（见各节「重复填报」）" \
        if inputs["duplicates"] else ""
    invalid = f"；无效记录 {inputs['invalid']} 条已跳过（见文末说明）" if inputs["invalid"] else ""
    with_roster = any(figures["missing"] is not None for figures in bulletin["rubrics"])
    roster = (f"应报对象名册：{inputs['roster'] or '已提供'}。" if with_roster
              else "未提供应报对象名册，不统计缺报。")
    blocks.append(Para(f"共读取评分结果 {inputs['records']} 条，采用 {inputs['used']} 份"
                       f"{duplicates}{invalid}。{roster}"))
    for number, figures in enumerate(bulletin["rubrics"]):
        blocks += _rubric(figures, quarter, CHINESE_NUMBERS[number] if number < 10 else str(number + 1), with_roster)
    blocks += _method(bulletin, quarter)
    return blocks


def _rubric(figures: dict, quarter: Quarter, number: str, with_roster: bool) -> list:
    label = figures["subjectLabel"]
    summary = figures["summary"]
    name = figures["rubric"].split("/")[1]
    blocks = [Heading(2, f"{number}、{figures['title']}")]
    blocks.append(Para(f"评估表 {figures['rubric']}（版本 {figures['rubricVersion']}）。本季度共有 {summary['subjects']} 个"
                       f"{label}的 {summary['results']} 份结果，平均分 {shown(summary['average'])}。"))
    sections = [_regions(figures, quarter, name), _flagged(figures, label), _bands(figures, name),
                _completion(figures, quarter, name, with_roster)]
    if with_roster:
        sections.append(_missing(figures, label))
    sections.append(_duplicates(figures))
    for index, (heading, content) in enumerate(sections):
        blocks.append(Heading(3, f"（{CHINESE_NUMBERS[index]}）{heading}"))
        blocks += content
    return blocks


def _shown_periods(figures: dict, quarter: Quarter) -> list[str]:
    """The months, and the quarter itself only when some result was for the whole quarter."""
    by_period = {row["period"]: row for row in figures["completion"]["periods"]}
    return [p for p in quarter.periods if p in quarter.months or by_period[p]["submitted"]]


def _regions(figures: dict, quarter: Quarter, name: str):
    periods = _shown_periods(figures, quarter)
    label = figures["subjectLabel"]
    headers = ["排名", "地区", f"{label}数", "结果份数", "平均分"] + [f"{month_words(p)}平均分" for p in periods]
    if figures["rules"]:
        headers.append("触发结果运用")
    rows = []
    for region in figures["regions"]:
        cells = {row["period"]: row for row in region["periods"]}
        row = [str(region["rank"]) if region["rank"] else "—", region["region"], str(region["subjects"]),
               str(region["results"]), shown(region["average"])]
        row += [shown(cells[p]["average"]) for p in periods]
        if figures["rules"]:
            row.append(str(region["flagged"]))
        rows.append(row)
    numeric = {0} | set(range(2, len(headers)))
    content = [Table(headers, rows, numeric)] if rows else [Para("本季度没有结果。")]
    if rows:
        bars = [Bar(r["region"], r["average"], shown(r["average"]) if r["average"] is not None else "无结果")
                for r in figures["regions"]]
        marks = [(rule_bound, f"{fmt(rule_bound)}分") for rule_bound in _rule_bounds(figures)]
        top = figures["bands"][-1]["upper"]
        description = "；".join(f"{r['region']} {shown(r['average'])} 分" for r in figures["regions"])
        content.append(Figure(charts.bar_chart(f"{name}-regions", f"{figures['title']}：各地区平均分",
                                               description, bars, top, marks),
                              f"图：各地区平均分（满分 {fmt(top)}，按排名排列）"
                              + ("；虚线为结果运用的分数界线" if marks else "")))
    content.append(Para("平均分是本季度该地区全部采用结果得分的算术平均（每个对象每个评估期一份），精确计算，"
                        "表中四舍五入（ROUND_HALF_UP）保留一位小数；排名按未经舍入的精确平均分从高到低，"
                        "精确平均分相同的地区名次并列，其后名次顺延（如 1、2、2、4）。地区取结果中被评估对象的"
                        "所属地区（subject.region）。"))
    return "各地区平均分与排名", content


def _rule_bounds(figures: dict) -> list:
    """Score boundaries of the consequence rules, for dashed lines on the chart (e.g. 60)."""
    return sorted({bound for rule in figures["rules"] for bound in rule["bounds"]})


def _flagged(figures: dict, label: str):
    if not figures["rules"]:
        return f"触发结果运用的{label}", [Para("方案没有为本评估表的结果规定结果运用。")]
    rules = {rule["id"]: rule for rule in figures["rules"]}
    content = [Items([f"「{rule['label']}」：{rule['condition']} → {rule['effect']}" for rule in figures["rules"]])]
    rows = [[row["subject"]["region"], row["subject"]["name"], row["subject"].get("code", "—"),
             period_words(row["period"]), fmt(row["score"]), "；".join(rules[c]["effect"] for c in row["consequences"]
                                                                       if c in rules)]
            for row in figures["flagged"]]
    if rows:
        content.append(Para(f"本季度触发结果运用的结果共 {len(rows)} 份（按地区、得分排列）："))
        content.append(Table(["地区", "名称", "编码", "评估期", "得分", "结果运用"], rows, {4}))
    else:
        content.append(Para("本季度没有触发结果运用的结果。"))
    return f"触发结果运用的{label}", content


def _bands(figures: dict, name: str):
    total = sum(band["count"] for band in figures["bands"])
    rows, bars = [], []
    for band in figures["bands"]:
        text = f"{fmt(band['lower'])} ≤ 得分 {'≤' if band['upperInclusive'] else '<'} {fmt(band['upper'])}"
        short = f"[{fmt(band['lower'])},{fmt(band['upper'])}{']' if band['upperInclusive'] else ')'}"
        share = shown(rate(band["count"], total), "%")
        rows.append([text, str(band["count"]), share])
        bars.append(Bar(short, band["count"], str(band["count"])))
    description = "；".join(f"{row[0]}：{row[1]} 份" for row in rows)
    top = figures["bands"][-1]["upper"]
    example = figures["bands"][len(figures["bands"]) // 2 + 1]
    return "得分分布", [
        Table(["分数段", "份数", "占比"], rows, {1, 2}),
        Figure(charts.column_chart(f"{name}-bands", f"{figures['title']}：得分分布", description, bars),
               "图：各分数段的结果份数"),
        Para(f"每段含下限、不含上限，最后一段含满分 {fmt(top)}（如 {fmt(example['lower'])} 分计入"
             f"「{fmt(example['lower'])} ≤ 得分 < {fmt(example['upper'])}」）。"
             "占比为该段份数占全部采用结果的百分比，四舍五入保留一位小数。"),
    ]


def _completion(figures: dict, quarter: Quarter, name: str, with_roster: bool):
    completion = figures["completion"]
    label = figures["subjectLabel"]
    expected = set(figures["expectedPeriods"])
    headers = ["评估期", "已报份数"] + (["应报", "名册内已报", "完成率"] if with_roster else [])
    rows, bars = [], []
    for row in completion["periods"]:
        if row["period"] not in quarter.months and not row["submitted"]:
            continue
        cells = [period_words(row["period"]) + ("（按季度填报）" if row["period"] == quarter.label else ""),
                 str(row["submitted"])]
        if with_roster:
            cells += ([str(row["expected"]), str(row["submittedExpected"]), shown(row["rate"], "%")]
                      if "expected" in row else ["—", "—", "—"])
        rows.append(cells)
        text = (f"{row['submittedExpected']}/{row['expected']}（{shown(row['rate'], '%')}）"
                if "expected" in row else str(row["submitted"]))
        bars.append(Bar(month_words(row["period"]), row.get("submittedExpected", row["submitted"]), text,
                        row.get("expected")))
    content = [Table(headers, rows, set(range(1, len(headers))))]
    totals = completion["quarter"]
    if with_roster:
        needed = "每个月都有结果" if figures["cadence"] == "month" else "本季度有结果"
        content.append(Para(f"全季度：名册内 {totals['expected']} 个{label}中，{totals['submittedExpected']} 个至少报送一次，"
                            f"{totals['complete']} 个{needed}（完成率 {shown(totals['rate'], '%')}）；"
                            f"另有名册外{label} {len(figures['unexpected'] or [])} 个。"))
    else:
        content.append(Para(f"全季度共有 {totals['submitted']} 个{label}报送了结果。"))
    targets = any(bar.target is not None for bar in bars)
    description = "；".join(f"{bar.label}：{bar.text}" for bar in bars)
    content.append(Figure(charts.column_chart(f"{name}-completion", f"{figures['title']}：逐月完成情况",
                                              description, bars),
                          "图：逐月名册内已报数（虚线框为应报数）" if targets else "图：各评估期已报份数"))
    if with_roster:
        months = [p for p in quarter.months if p in expected]
        region_rows = []
        for region in figures["regions"]:
            cells = {row["period"]: row for row in region["periods"]}
            region_rows.append([region["region"]]
                               + [f"{cells[p]['submittedExpected']}/{cells[p]['expected']}" for p in months]
                               + [f"{region['complete']}/{region['expected']}", shown(region["rate"], "%")])
        done_label = "全季度报齐" if months else "本季度已报"
        content.append(Table(["地区"] + [f"{month_words(p)}（已报/应报）" for p in months]
                             + [f"{done_label}/应报", "完成率"], region_rows, set(range(1, len(months) + 3))))
    if figures["cadence"] == "month":
        content.append(Para("方案要求每月评估一次：每个对象每个月应有一份结果。评估期为整个季度"
                            f"（{quarter.label}）的结果计入本季度的平均分和分布，但不抵作某一个月的月度结果。"))
    else:
        content.append(Para("方案没有规定按月评估：对象在本季度内有任一评估期（某月或整个季度）的结果即为已报。"))
    return "逐月完成情况", content


def _missing(figures: dict, label: str):
    rows = [[row["subject"]["region"], row["subject"]["name"], row["subject"].get("code", "—"),
             "、".join(month_words(p) if "Q" not in p else "全季度" for p in row["missing"]),
             "、".join(month_words(p) for p in row["submitted"]) or "无"]
            for row in figures["missing"]]
    content = []
    if rows:
        content.append(Para(f"名册内未按要求报送的{label}共 {len(rows)} 个（按名册顺序）："))
        content.append(Table(["地区", "名称", "编码", "缺报", "已报"], rows))
    else:
        content.append(Para(f"名册内的{label}均已按要求报送。"))
    unexpected = figures["unexpected"] or []
    if unexpected:
        content.append(Para(f"报送了结果但不在名册中的{label} {len(unexpected)} 个（其结果照常计入统计）："))
        content.append(Table(["地区", "名称", "编码", "评估期"],
                             [[row["subject"]["region"], row["subject"]["name"], row["subject"].get("code", "—"),
                               "、".join(month_words(p) for p in row["periods"])] for row in unexpected]))
    return "缺报名单", content


def _where(place: dict) -> str:
    text = place["file"] + (f":{place['line']}" if "line" in place else "")
    return text + (f"（{place['assessedOn']}）" if "assessedOn" in place else "（无评估日期）")


def _duplicates(figures: dict):
    rule = Para("同一对象在同一评估期有多份结果时，采用评估日期（assessedOn）最晚的一份；评估日期相同或都未写时，"
                "采用读入顺序中最后的一份（按命令行给出的文件顺序、文件内的行序）；未写评估日期的结果视为早于写了日期的。"
                "其余各份不计入统计，列在这里。")
    rows = [[row["subject"]["region"], row["subject"]["name"], row["subject"].get("code", "—"),
             period_words(row["period"]), _where(row["used"]), "；".join(_where(p) for p in row["replaced"])
             + (f"……共 {row['replacedCount']} 份" if row["replacedCount"] > len(row["replaced"]) else "")]
            for row in figures["duplicates"]]
    if not rows:
        return "重复填报", [Para("本季度没有重复填报。"), rule]
    return "重复填报", [Table(["地区", "名称", "编码", "评估期", "采用（文件:行，评估日期）", "未采用"], rows), rule]


def _method(bulletin: dict, quarter: Quarter) -> list:
    inputs = bulletin["inputs"]
    items = [
        "数据：`wsas score` 生成的评分结果（schemas/result.json），每行一份的 JSON Lines 文件或单个 JSON 文件。"
        f"只采用本方案评估表（当前版本）、评估期在 {quarter.label} 之内、结果判定与得分一致的结果。",
        "数值：得分按精确十进制计算；平均分、占比、完成率只在显示时四舍五入（ROUND_HALF_UP）保留一位小数。",
        "排名：按精确平均分从高到低，相同者并列，其后名次顺延。",
        "结果运用：按方案规定的结果运用（consequences）和评估表的结果判定（outcomes）从得分推出，不另设分数线。",
        f"由 {bulletin['generator']} 生成。",
    ]
    if inputs["invalid"]:
        codes = "，".join(f"{code} {count}" for code, count in inputs["invalidByCode"].items())
        items.insert(1, f"无效记录 {inputs['invalid']} 条未采用（按错误类型：{codes}）；每条的文件、行号、位置和原因"
                        "见生成本通报时命令的错误输出。")
    return [Heading(2, "说明"), Items(items)]
