// The template's spreadsheet formulas, as tools/wsas/xlsx/formulas.py writes them: the importer
// never uses what they compute, but a formula cell that no longer holds its formula is reported
// (formula-overwritten), so the expected text of every formula is rebuilt here from the rubric.

import { fmt, num, stepOf } from "./scorer.mjs";
import { NA_TEXT, NO, YES, mayBeNotApplicable } from "./batch-xlsx-layout.mjs";

const INVALID = "无效";
const INCOMPLETE = "未填完";
const WRONG = "有误";
const NOTHING = "无可评分细则";
const NONE = "无";

/** Decimal places of an exact result built from these numbers by + − × (at most the most of any). */
export const places = (...values) => Math.max(0, ...values.map((value) => num(value).decimalPlaces()));

const text = (value) => `"${value.replaceAll('"', '""')}"`;
const says = (cell, word) => `TRIM(${cell})=${text(word)}`;

function criterionPlaces(criterion) {
  const { rule, points } = criterion;
  switch (rule.kind) {
    case "judgement": return places(points, stepOf(rule));
    case "per-finding": return places(points, rule.deduct, rule.cap);
    case "rate-tiers": return places(points, ...rule.tiers.map((tier) => tier.deduct));
    case "shortfall-steps": return places(points, rule.deduct);
    default: return places(points);
  }
}

function rubricPlaces(layout) {
  const lost = layout.rubric.sections.flatMap((s) => s.items).filter((item) => item.lost).map((item) => item.points);
  return Math.max(places(layout.rubric.total, ...lost), ...[...layout.criterionRows.values()].map((r) => criterionPlaces(r.criterion)));
}

function onStep(x, step) {
  const s = fmt(step);
  return `ROUND(ROUND(${x}/${s},0)*${s},${places(step)})=${x}`;
}

const numberGuard = (x, body) => `IF(NOT(ISNUMBER(${x})),${text(INVALID)},${body})`;

function intervalTest(interval, x) {
  const tests = [];
  if ("lower" in interval) tests.push(`${x}${interval.lowerInclusive ? ">=" : ">"}${fmt(interval.lower)}`);
  if ("upper" in interval) tests.push(`${x}${interval.upperInclusive ? "<=" : "<"}${fmt(interval.upper)}`);
  if (!tests.length) return "TRUE";
  return tests.length === 1 ? tests[0] : `AND(${tests.join(",")})`;
}

function ruleFormula(criterion, x) {
  const { rule } = criterion;
  const points = num(criterion.points);
  const p = fmt(points);
  const pl = criterionPlaces(criterion);
  switch (rule.kind) {
    case "judgement":
      return numberGuard(x, `IF(AND(${x}>=0,${x}<=${p},${onStep(x, stepOf(rule))}),${x},${text(INVALID)})`);
    case "yes-no":
      return `IF(${says(x, YES)},${p},IF(${says(x, NO)},0,${text(INVALID)}))`;
    case "veto":
      return `IF(OR(${says(x, YES)},${says(x, NO)}),0,${text(INVALID)})`;
    case "per-finding": {
      const most = fmt(num(rule.cap).lt(points) ? num(rule.cap) : points);
      const body = `ROUND(${p}-MIN(${x}*${fmt(rule.deduct)},${most}),${pl})`;
      return numberGuard(x, `IF(OR(${x}<0,${x}>100000,${x}<>INT(${x})),${text(INVALID)},${body})`);
    }
    case "rate-tiers": {
      let body = p;
      for (const tier of [...rule.tiers].reverse()) {
        const deduct = num(tier.deduct);
        body = `IF(${intervalTest(tier.range, x)},${fmt(points.minus(deduct.lt(points) ? deduct : points))},${body})`;
      }
      return numberGuard(x, `IF(OR(${x}<0,${x}>100),${text(INVALID)},${body})`);
    }
    case "shortfall-steps": {
      const shortfall = `MAX(0,ROUND(${fmt(rule.target)}-${x},10))`;
      const quotient = `ROUND(${shortfall}/${fmt(rule.step)},10)`;
      const steps = rule.partialStep === "ignore" ? `INT(${quotient})` : `ROUNDUP(${quotient},0)`;
      const body = `ROUND(${p}-MIN(${steps}*${fmt(rule.deduct)},${p}),${pl})`;
      return numberGuard(x, `IF(OR(${x}<0,${x}>100),${text(INVALID)},${body})`);
    }
    default: throw new Error(`unknown rule kind ${rule.kind}`);
  }
}

function absolute(cell) {
  const letters = cell.replace(/\d+$/, "");
  return `$${letters}$${cell.slice(letters.length)}`;
}

function asOfFormula(layout) {
  const day = layout.fieldCell("assessedOn");
  const period = layout.fieldCell("period");
  const d = `TRIM(${day})`;
  const p = `TRIM(${period})`;
  const year = `VALUE(LEFT(${p},4))`;
  const typed = `DATE(VALUE(LEFT(${d},4)),VALUE(MID(${d},6,2)),VALUE(MID(${d},9,2)))`;
  const periodEnd = `IF(LEN(${p})=4,DATE(${year},12,31),IF(MID(${p},5,1)="Q",DATE(${year},3*VALUE(MID(${p},6,1))+1,0),` +
    `DATE(${year},VALUE(MID(${p},6,2))+1,0)))`;
  return `=IFERROR(IF(ISNUMBER(${day}),INT(${day}),IF(${d}<>"",${typed},${periodEnd})),"")`;
}

function notDueTest(layout, item) {
  const deadline = item.deadline || {};
  if (!layout.byDeadline || deadline.kind !== "month-end") return null;
  const asOf = absolute(layout.summaryCell("asOf"));
  const year = `VALUE(LEFT(TRIM(${absolute(layout.fieldCell("period"))}),4))`;
  return `IFERROR(AND(ISNUMBER(${asOf}),DATE(${year},${deadline.month + 1},0)>${asOf}),0)`;
}

function awardedFormula(layout, criterionId) {
  const row = layout.criterionRows.get(criterionId);
  const criterion = row.criterion;
  const x = layout.cell("value", criterionId);
  const rule = ruleFormula(criterion, x);
  let formula = `IF(${x}="","",${rule})`;
  if (mayBeNotApplicable(layout.rubric, criterion)) {
    const na = layout.cell("na", criterionId);
    const chosen = `IF(${says(na, NA_TEXT)},IF(${x}="",0,${text(INVALID)}),${text(INVALID)})`;
    formula = `IF(TRIM(${na})="",${formula},${chosen})`;
  }
  const later = notDueTest(layout, row.item);
  if (later) formula = `IF(${later},IF(${x}="",0,IF(ISNUMBER(${rule}),0,${rule})),${formula})`;
  return "=" + formula;
}

function deductedFormula(layout, criterionId) {
  const row = layout.criterionRows.get(criterionId);
  const criterion = row.criterion;
  const awarded = layout.cell("awarded", criterionId);
  let value = `ROUND(${fmt(criterion.points)}-${awarded},${criterionPlaces(criterion)})`;
  if (mayBeNotApplicable(layout.rubric, criterion)) value = `IF(${says(layout.cell("na", criterionId), NA_TEXT)},0,${value})`;
  const later = notDueTest(layout, row.item);
  if (later) value = `IF(${later},0,${value})`;
  return `=IF(ISNUMBER(${awarded}),${value},"")`;
}

function partSum(layout, rows, pl) {
  const criteria = rows.filter((r) => r.criterion);
  if (!criteria.length) return "=0";
  const span = layout.columnRange("awarded", rows[0].row, rows[rows.length - 1].row);
  return `=IF(COUNT(${span})<${criteria.length},"",ROUND(SUM(${span}),${pl}))`;
}

function itemNa(layout, item, pl) {
  if (item.lost) return `=${fmt(item.points)}`;
  const terms = (item.criteria || []).filter((c) => layout.cell("na", c.id))
    .map((c) => `IF(${says(layout.cell("na", c.id), NA_TEXT)},${fmt(c.points)},0)`);
  return terms.length ? `=ROUND(${terms.join("+")},${pl})` : "=0";
}

function notYetDuePoints(layout, pl) {
  const terms = [];
  for (const section of layout.rubric.sections) {
    for (const item of section.items) {
      const later = notDueTest(layout, item);
      if (later) terms.push(`IF(${later},${fmt(item.points)},0)`);
    }
  }
  return terms.length ? `=ROUND(${terms.join("+")},${pl})` : "=0";
}

function vetoCells(layout) {
  const found = [];
  for (const [cid, r] of layout.criterionRows) {
    if (r.criterion.rule.kind !== "veto") continue;
    const test = says(layout.cell("value", cid), YES);
    const later = notDueTest(layout, r.item);
    found.push([cid, later ? `AND(NOT(${later}),${test})` : test]);
  }
  return found;
}

function outcomeFormula(layout, score) {
  let body = text(NONE);
  for (const outcome of [...layout.rubric.outcomes].reverse()) body = `IF(${intervalTest(outcome.range, score)},${text(outcome.label)},${body})`;
  return `=IF(ISNUMBER(${score}),${body},"")`;
}

/** key (as in Layout.formulaCells) → formula text, for every formula cell (formulas.formulas). */
export function formulas(layout) {
  const rubric = layout.rubric;
  const pl = rubricPlaces(layout);
  const found = new Map();
  for (const criterionId of layout.criterionRows.keys()) {
    found.set(`awarded:${criterionId}`, awardedFormula(layout, criterionId));
    if (layout.column("deducted")) found.set(`deducted:${criterionId}`, deductedFormula(layout, criterionId));
  }
  const itemNaCells = [];
  for (const row of layout.summary) {
    if (row.kind === "item") {
      const key = `item:${row.node.id}`;
      found.set(key, partSum(layout, layout.rowsOf(row.node.id, "item"), pl));
      found.set(`item-na:${row.node.id}`, itemNa(layout, row.node, pl));
      itemNaCells.push(layout.summaryCell(key, "na"));
    } else if (row.kind === "section") {
      found.set(`section:${row.node.id}`, partSum(layout, layout.rowsOf(row.node.id, "section"), pl));
      const items = row.node.items.map((item) => layout.summaryCell(`item:${item.id}`, "na"));
      found.set(`section-na:${row.node.id}`, `=ROUND(SUM(${items[0]}:${items[items.length - 1]}),${pl})`);
    }
  }
  const awardedSpan = layout.columnRange("awarded");
  const count = layout.criterionRows.size;
  const total = layout.summaryCell("total");
  const na = layout.summaryCell("total", "na");
  const maximum = layout.summaryCell("maximum");
  const score = layout.summaryCell("score");
  found.set("total", `=IF(COUNTIF(${awardedSpan},${text(INVALID)})>0,${text(WRONG)},` +
    `IF(COUNT(${awardedSpan})<${count},${text(INCOMPLETE)},ROUND(SUM(${awardedSpan}),${pl})))`);
  found.set("notApplicablePoints", `=ROUND(SUM(${itemNaCells[0]}:${itemNaCells[itemNaCells.length - 1]}),${pl})`);
  found.set("maximum", `=ROUND(${fmt(rubric.total)}-${na},${pl})`);
  const normalised = `ROUND(ROUND(${total}*100/${maximum},10),${rubric.scoring.roundingPlaces})`;
  let value = rubric.scoring.normalise ? normalised : total;
  if (layout.byDeadline) {
    const later = layout.summaryCell("notYetDuePoints");
    found.set("asOf", asOfFormula(layout));
    found.set("notYetDuePoints", notYetDuePoints(layout, pl));
    found.set("maximum", `=ROUND(${fmt(rubric.total)}-${na}-${later},${pl})`);
    if (!rubric.scoring.normalise) value = `IF(${later}>0,${normalised},${total})`;
  }
  const vetoes = vetoCells(layout);
  const triggered = `OR(${vetoes.map(([, test]) => test).join(",")})`;
  if (vetoes.length) value = `IF(${triggered},0,${value})`;
  found.set("score", `=IF(ISNUMBER(${total}),IF(${maximum}<=0,${text(NOTHING)},${value}),${total})`);
  if (vetoes.length) {
    const listed = vetoes.map(([cid, test]) => `IF(${test},${text(cid + " ")},"")`).join("&");
    found.set("vetoedBy", `=IF(${triggered},TRIM(${listed}),${text(NONE)})`);
  }
  if (rubric.outcomes && rubric.outcomes.length) found.set("outcome", outcomeFormula(layout, score));
  const invalid = `COUNTIF(${awardedSpan},${text(INVALID)})`;
  found.set("status", `=IF(${invalid}>0,"有误："&${invalid}&" 条细则填报无效",IF(COUNT(${awardedSpan})<${count},` +
    `"未填完：尚有 "&(${count}-COUNT(${awardedSpan}))&" 条细则未填","已填完"))`);
  return found;
}
