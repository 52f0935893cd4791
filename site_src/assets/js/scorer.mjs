// WSAS scorer: the semantic checks (spec/validation.md section 2) and the scoring
// (spec/scoring.md) of a submission, in exact decimal arithmetic.
//
// A pure ES module without DOM access; it mirrors the Python reference
// (tools/wsas/scoring/: validation.py, rules.py, score.py). Every JSON/YAML number is turned
// into a decimal from its shortest round-trip text (String(n)) and all arithmetic is
// done on decimals, never on binary floats. Results are Decimals of the clone `D`
// (Decimal.isDecimal(x) is true; format them with .toString() or fmt()).

import Decimal from "decimal.js";
import { RESPONSE_KEYS, explanations, semantic } from "./messages.mjs";

export { RESPONSE_KEYS };

/**
 * Decimal constructor for WSAS numbers. Additions, subtractions and multiplications are
 * exact at this precision for any JSON double (at most 17 significant digits, exponents
 * down to 1e-324); the only divisions are integer divisions (divToInt), which are exact.
 * No exponent notation in toString(), so results print as 82.9, 0.0001, 100.
 */
export const D = Decimal.clone({
  precision: 1000,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

const ZERO = new D(0);
const ONE = new D(1);

/** Default step of a judgement rule (spec/scoring.md 3.1). */
export const DEFAULT_STEP = "0.5";

/** The response member each rule kind takes. */
export const VALUE_KEY = {
  "judgement": "awarded",
  "yes-no": "met",
  "per-finding": "findings",
  "rate-tiers": "rate",
  "shortfall-steps": "rate",
  "veto": "triggered",
};

/** Exact decimal of a JSON/YAML number (a JS number via its shortest decimal text, a string, or a Decimal). */
export function num(value) {
  if (Decimal.isDecimal(value)) return new D(value.toString());
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return new D(String(value));
  }
  if (typeof value === "bigint") return new D(value.toString());
  if (typeof value === "string") return new D(value);
  throw new TypeError(`not a number: ${JSON.stringify(value)}`);
}

/** A decimal without exponent or trailing zeros: 5, 2.5, 82.9 (Python rules.fmt). */
export function fmt(value) {
  const d = num(value);
  return (d.isZero() ? ZERO : d).toFixed();
}

/** The step of a judgement rule (default 0.5). */
export function stepOf(rule) {
  return num(rule && rule.step !== undefined ? rule.step : DEFAULT_STEP);
}

/** Whether value ÷ step is a whole number (0 included), computed exactly. */
export function onStep(value, step) {
  const v = num(value);
  const s = num(step);
  return v.minus(v.divToInt(s).times(s)).isZero();
}

/** Whether the interval (spec/scoring.md 3.4: each bound with its own inclusiveness) contains value. */
export function intervalContains(interval, value) {
  const v = num(value);
  if (interval.lower !== undefined) {
    const lower = num(interval.lower);
    if (v.lt(lower) || (v.eq(lower) && !interval.lowerInclusive)) return false;
  }
  if (interval.upper !== undefined) {
    const upper = num(interval.upper);
    if (v.gt(upper) || (v.eq(upper) && !interval.upperInclusive)) return false;
  }
  return true;
}

/** Mathematical notation of an interval, e.g. [5%, 10%) or (−∞, 60). */
export function intervalText(interval, unit = "") {
  const left = interval.lower !== undefined
    ? (interval.lowerInclusive ? "[" : "(") + fmt(interval.lower) + unit
    : "(−∞";
  const right = interval.upper !== undefined
    ? fmt(interval.upper) + unit + (interval.upperInclusive ? "]" : ")")
    : "+∞)";
  return `${left}, ${right}`;
}

// ---- rubric structure ------------------------------------------------------------------

const placementCache = new WeakMap();

/** Every criterion of a rubric with its section and item, in rubric order. */
export function placements(rubric) {
  let found = placementCache.get(rubric);
  if (!found) {
    found = [];
    for (const section of rubric.sections || []) {
      for (const item of section.items || []) {
        for (const criterion of item.criteria || []) found.push({ section, item, criterion });
      }
    }
    placementCache.set(rubric, found);
  }
  return found;
}

/** A rubric's criteria by id. */
export function criteriaById(rubric) {
  const map = new Map();
  for (const placement of placements(rubric)) map.set(placement.criterion.id, placement);
  return map;
}

function hasOwn(object, key) {
  return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
}

function error(code, pointer, [message, messageEn]) {
  return { pointer, code, message, messageEn };
}

/** JSON Pointer (RFC 6901) of a sequence of keys. */
export function pointer(parts) {
  return parts.map((part) => "/" + String(part).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/**
 * The rubric a submission refers to. `rubrics` is one rubric object, or a list (array,
 * Map or {id: rubric} object) of the available rubrics. Returns {rubric, known}.
 */
function resolveRubric(submission, rubrics) {
  let list;
  if (!rubrics) list = [];
  else if (Array.isArray(rubrics)) list = rubrics;
  else if (rubrics instanceof Map) list = [...rubrics.values()];
  else if (typeof rubrics.id === "string" && Array.isArray(rubrics.sections)) list = [rubrics];
  else list = Object.values(rubrics);
  const known = list.map((r) => r.id).sort();
  return { rubric: list.find((r) => r.id === submission.rubric) || null, known };
}

// ---- assessment by deadline (Python due.py; spec/scoring.md 4.3) ----------------------------

/** Whether the rubric declares that its items count only from their deadline on (assessment.byDeadline). */
export function byDeadline(rubric) {
  return Boolean(rubric && rubric.assessment && rubric.assessment.byDeadline);
}

/** The last day of a month as ISO text (「x月底前」); the Date's proleptic Gregorian calendar, any year 1–9999. */
export function monthEnd(year, month) {
  const day = new Date(0);
  day.setUTCFullYear(year, month, 0); // day 0 of the next month
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day.getUTCDate()).padStart(2, "0")}`;
}

/** The last day of a period: 2020 → 2020-12-31, 2020Q1 → 2020-03-31, 2020-02 → 2020-02-29. */
export function periodEnd(period) {
  const year = Number(period.slice(0, 4));
  if (period.length === 4) return monthEnd(year, 12);
  if (period[4] === "Q") return monthEnd(year, 3 * Number(period[5]));
  return monthEnd(year, Number(period.slice(5, 7)));
}

/** The assessment date: assessedOn when given, else the last day of the period. */
export function asOf(submission) {
  return submission.assessedOn || periodEnd(submission.period);
}

/**
 * What a (schema-valid) submission's date leaves out of a rubric that assesses by deadline, or null
 * for other rubrics: {asOf, dueOn: Map(item id → deadline date), notDueItems: Set, notDueCriteria: Set}.
 * A month-end deadline falls in the year of the period; an item is due when its deadline is on or
 * before the assessment date (ISO dates compare as text). Items without a month-end deadline are
 * always due.
 */
export function timing(rubric, submission) {
  if (!byDeadline(rubric)) return null;
  const date = asOf(submission);
  const year = Number(submission.period.slice(0, 4));
  const dueOn = new Map();
  const notDueItems = new Set();
  const notDueCriteria = new Set();
  for (const section of rubric.sections || []) {
    for (const item of section.items || []) {
      const deadline = item.deadline;
      if (!deadline || deadline.kind !== "month-end") continue;
      dueOn.set(item.id, monthEnd(year, deadline.month));
      if (dueOn.get(item.id) > date) {
        notDueItems.add(item.id);
        for (const criterion of item.criteria || []) notDueCriteria.add(criterion.id);
      }
    }
  }
  return { asOf: date, dueOn, notDueItems, notDueCriteria };
}

const notYetDueWords = (deadline, dueOn, date, points, given) => [
  `未到时间节点（${deadline}，${dueOn}；评估日期 ${date}），${points} 分不计入应得分` + (given ? "；所填应答不计分" : ""),
  `not yet due (${dueOn}; assessed on ${date}): ${points} points left out of the maximum` +
    (given ? "; the response given is ignored" : ""),
];

// ---- semantic checks (Python validation.py) -----------------------------------------------

/**
 * The semantic errors of a schema-valid submission against the rubric it names
 * (spec/validation.md section 2): [{pointer, code, message, messageEn}], empty when valid.
 * `rubrics` is the rubric (or a list of the available rubrics, see resolveRubric).
 */
export function checkResponses(submission, rubrics) {
  const { rubric, known } = resolveRubric(submission, rubrics);
  if (!rubric) {
    return [error("unknown-rubric", "/rubric", semantic.unknownRubric(submission.rubric, known))];
  }
  if (submission.rubricVersion !== rubric.version) {
    return [error("unknown-version", "/rubricVersion",
      semantic.unknownVersion(rubric.id, submission.rubricVersion, rubric.version))];
  }
  const responses = submission.responses || {};
  const criteria = criteriaById(rubric);
  const notDue = (timing(rubric, submission) || { notDueCriteria: new Set() }).notDueCriteria;
  const errors = [];
  for (const criterionId of Object.keys(responses)) {
    if (!criteria.has(criterionId)) {
      errors.push(error("unknown-criterion", pointer(["responses", criterionId]),
        semantic.unknownCriterion(rubric.id, criterionId)));
    }
  }
  let applicablePoints = ZERO;
  for (const [criterionId, placement] of criteria) {
    const where = ["responses", criterionId];
    if (!hasOwn(responses, criterionId) || responses[criterionId] === null || responses[criterionId] === undefined) {
      if (notDue.has(criterionId)) continue; // not yet due: may go without a response (spec/scoring.md 4.3)
      errors.push(error("missing-response", pointer(where), semantic.missingResponse(criterionId)));
      continue;
    }
    const response = responses[criterionId];
    const found = checkResponse(response, placement.criterion, rubric, where);
    errors.push(...found);
    if (found.length === 0 && !hasOwn(response, "notApplicable") && !notDue.has(criterionId)) {
      applicablePoints = applicablePoints.plus(num(placement.criterion.points));
    }
  }
  if (errors.length === 0 && applicablePoints.isZero()) {
    errors.push(error("no-applicable-criteria", "/responses", semantic.noApplicableCriteria()));
  }
  return errors;
}

/**
 * The semantic errors of one (schema-valid) response to one criterion; `where` is the
 * path of the response, by default ["responses", criterion.id]. Usable on its own by a
 * form that checks one row at a time.
 */
export function checkResponse(response, criterion, rubric, where = ["responses", criterion.id]) {
  const rule = criterion.rule;
  const criterionId = criterion.id;
  if (hasOwn(response, "notApplicable")) {
    const scoring = rubric.scoring || {};
    if (!scoring.notApplicable || criterion.mandatory || rule.kind === "veto") {
      const why = !scoring.notApplicable ? "rubric" : rule.kind === "veto" ? "veto" : "mandatory";
      return [error("not-applicable-not-allowed", pointer([...where, "notApplicable"]),
        semantic.notApplicableNotAllowed(criterionId, why))];
    }
    return [];
  }
  const expected = VALUE_KEY[rule.kind];
  const given = RESPONSE_KEYS.find((key) => hasOwn(response, key));
  if (given !== expected) {
    return [error("wrong-response-kind", pointer(where),
      semantic.wrongResponseKind(criterionId, rule.kind, expected, given ?? "—"))];
  }
  if (rule.kind === "judgement") {
    const awarded = num(response.awarded);
    const points = num(criterion.points);
    const step = stepOf(rule);
    const at = pointer([...where, "awarded"]);
    if (awarded.gt(points)) {
      return [error("out-of-range", at, semantic.outOfRange(fmt(awarded), fmt(points)))];
    }
    if (!onStep(awarded, step)) {
      return [error("off-step", at, semantic.offStep(fmt(awarded), fmt(step)))];
    }
  }
  return [];
}

// ---- rules (Python rules.py) ------------------------------------------------------------

function award(awarded, [explanation, explanationEn], vetoed = false) {
  return { awarded, explanation, explanationEn, vetoed };
}

const APPLY = {
  "judgement"(points, rule, response) {
    const awarded = num(response.awarded);
    return award(awarded, explanations.judgement(fmt(awarded), fmt(points)));
  },
  "yes-no"(points, rule, response) {
    return response.met
      ? award(points, explanations.met(fmt(points)))
      : award(ZERO, explanations.notMet(fmt(points)));
  },
  "per-finding"(points, rule, response) {
    const findings = num(response.findings);
    const deduct = num(rule.deduct);
    const cap = num(rule.cap);
    const raw = findings.times(deduct);
    const deduction = D.min(raw, cap, points);
    const capped = raw.gt(deduction) ? fmt(D.min(cap, points)) : null;
    return award(points.minus(deduction),
      explanations.perFinding(fmt(findings), rule.unit, fmt(deduct), fmt(deduction), fmt(cap), capped));
  },
  "rate-tiers"(points, rule, response) {
    const rate = num(response.rate);
    for (const tier of rule.tiers) {
      if (intervalContains(tier.range, rate)) {
        const deduction = D.min(num(tier.deduct), points);
        return award(points.minus(deduction),
          explanations.inTier(rule.measure, fmt(rate), intervalText(tier.range, "%"), fmt(deduction)));
      }
    }
    return award(points, explanations.noTier(rule.measure, fmt(rate)));
  },
  "shortfall-steps"(points, rule, response) {
    const rate = num(response.rate);
    const target = num(rule.target);
    const step = num(rule.step);
    const shortfall = D.max(ZERO, target.minus(rate));
    // shortfall ≥ 0 and step > 0: divToInt truncates, i.e. floors; ceil adds one for a remainder
    let steps = shortfall.divToInt(step);
    if (rule.partialStep !== "ignore" && !shortfall.minus(steps.times(step)).isZero()) steps = steps.plus(ONE);
    const deduction = D.min(steps.times(num(rule.deduct)), points);
    return award(points.minus(deduction), explanations.shortfall(rule.measure, fmt(rate), fmt(target),
      fmt(shortfall), fmt(steps), fmt(step), rule.partialStep, fmt(deduction)));
  },
  "veto"(points, rule, response) {
    return response.triggered
      ? award(ZERO, explanations.vetoTriggered(), true)
      : award(ZERO, explanations.vetoNotTriggered());
  },
};

/**
 * The points one (valid) response earns, with its explanation:
 * {awarded, deducted, notApplicable, vetoed, explanation, explanationEn}, e.g. explanation
 * 「发现 3 家，每家扣 1 分，扣 3 分」. The form can call it row by row.
 */
export function explain(criterion, response) {
  const points = num(criterion.points);
  if (hasOwn(response, "notApplicable") && response.notApplicable) {
    const [explanation, explanationEn] = explanations.notApplicable(fmt(points));
    return { awarded: ZERO, deducted: ZERO, notApplicable: true, vetoed: false, explanation, explanationEn };
  }
  const apply = APPLY[criterion.rule.kind];
  if (!apply) throw new Error(`unknown rule kind ${criterion.rule.kind}`);
  const result = apply(points, criterion.rule, response);
  return {
    awarded: result.awarded,
    deducted: points.minus(result.awarded),
    notApplicable: false,
    vetoed: result.vetoed,
    explanation: result.explanation,
    explanationEn: result.explanationEn,
  };
}

// ---- scoring (Python scoring/score.py) ----------------------------------------------------

/** A submission that does not pass the semantic checks; `errors` lists them. */
export class InvalidSubmission extends Error {
  constructor(errors) {
    super(errors.map((e) => `${e.pointer || "/"}: [${e.code}] ${e.message}`).join("\n"));
    this.name = "InvalidSubmission";
    this.errors = errors;
  }
}

/**
 * 0 when vetoed; else total ÷ maximum × 100 rounded ROUND_HALF_UP to roundingPlaces when
 * the rubric normalises, or when items not yet due left the maximum (`renormalise`,
 * spec/scoring.md 4.3); else the total (spec/scoring.md 5.2, 5.3).
 */
export function finalScore(total, maximum, scoring, vetoed, renormalise = false) {
  if (vetoed) return ZERO;
  if (!scoring.normalise && !renormalise) return total;
  const places = Number(scoring.roundingPlaces);
  const scale = new D(10).pow(places);
  // floor(total × 100 × 10^p ÷ maximum + 1/2) ÷ 10^p, with exact integer division
  const twice = maximum.times(2);
  const units = total.times(100).times(scale).times(2).plus(maximum).divToInt(twice);
  return units.div(scale);
}

/** The first outcome of the rubric whose range contains value, as {id, label, labelEn}, or null. */
export function outcomeOf(value, rubric) {
  for (const outcome of rubric.outcomes || []) {
    if (intervalContains(outcome.range, value)) {
      const found = { id: outcome.id, label: outcome.label };
      if (outcome.labelEn !== undefined) found.labelEn = outcome.labelEn;
      return found;
    }
  }
  return null;
}

function sum(values) {
  return values.reduce((a, b) => a.plus(b), ZERO);
}

function part(node, lines, lost = ZERO) {
  if (node.lost) lost = num(node.points);
  return {
    id: node.id,
    points: num(node.points),
    awarded: sum(lines.map((c) => c.awarded)),
    notApplicablePoints: lost.plus(sum(lines.filter((c) => c.notApplicable).map((c) => c.points))),
  };
}

/** Say in the result what the assessment date left out (spec/scoring.md 4.3; Python scoring._state_timing). */
function stateTiming(result, when, linesOf, rubric) {
  for (const line of result.criteria) if (line.due === undefined) line.due = true;
  const later = (lines) => sum(lines.filter((c) => c.due === false).map((c) => c.points));
  let index = 0;
  for (const section of rubric.sections) {
    for (const item of section.items) {
      const entry = result.items[index++];
      entry.notYetDuePoints = later(linesOf.get(item) || []);
      entry.due = !when.notDueItems.has(item.id);
      if (when.dueOn.has(item.id)) entry.dueOn = when.dueOn.get(item.id);
    }
  }
  rubric.sections.forEach((section, at) => {
    result.sections[at].notYetDuePoints = later(linesOf.get(section) || []);
  });
  result.asOf = when.asOf;
  result.notYetDue = result.items.filter((entry) => !entry.due).map((entry) => entry.id);
  result.notYetDuePoints = later(result.criteria);
}

/**
 * The result of a submission: {rubric, rubricVersion, subject, period, criteria, items,
 * sections, total, maximum, notApplicablePoints, score, vetoedBy, outcome}; every number is
 * a Decimal. The submission must be schema-valid (see validator.mjs); the semantic checks
 * are run here and an InvalidSubmission is thrown if they fail.
 */
export function score(submission, rubrics) {
  const errors = checkResponses(submission, rubrics);
  if (errors.length) throw new InvalidSubmission(errors);
  return scoreValid(submission, resolveRubric(submission, rubrics).rubric);
}

/** The line of a criterion whose item is not yet due: no points, none deducted, out of the maximum. */
function notDue(points, item, when, given) {
  const [explanation, explanationEn] = notYetDueWords(item.deadline.text, when.dueOn.get(item.id), when.asOf,
    fmt(points), given);
  return { awarded: ZERO, deducted: ZERO, notApplicable: false, vetoed: false, due: false, explanation, explanationEn };
}

/**
 * The result of a submission already known to be valid against `rubric`. For a rubric that
 * assesses by deadline (spec/scoring.md 4.3) the result also states asOf, notYetDue and
 * notYetDuePoints, and each criterion, item and section its `due` / `notYetDuePoints`.
 */
export function scoreValid(submission, rubric) {
  const responses = submission.responses;
  const when = timing(rubric, submission);
  const criteria = [];
  const vetoedBy = [];
  const linesOf = new Map();
  for (const { section, item, criterion } of placements(rubric)) {
    const response = responses[criterion.id];
    const points = num(criterion.points);
    const given = response !== undefined && response !== null;
    const result = when && when.notDueCriteria.has(criterion.id)
      ? notDue(points, item, when, given)
      : explain(criterion, response);
    if (result.vetoed) vetoedBy.push(criterion.id);
    const line = {
      id: criterion.id,
      item: item.id,
      section: section.id,
      rule: criterion.rule.kind,
      points,
      awarded: result.awarded,
      deducted: result.deducted,
      notApplicable: result.notApplicable,
      explanation: result.explanation,
      explanationEn: result.explanationEn,
    };
    if (result.due === false) line.due = false;
    else for (const key of ["reason", "evidence"]) if (response[key]) line[key] = response[key];
    criteria.push(line);
    for (const node of [section, item]) {
      if (!linesOf.has(node)) linesOf.set(node, []);
      linesOf.get(node).push(line);
    }
  }
  const items = [];
  const sections = [];
  for (const section of rubric.sections) {
    let lost = ZERO;
    for (const item of section.items) {
      items.push(part(item, linesOf.get(item) || []));
      if (item.lost) lost = lost.plus(num(item.points));
    }
    sections.push(part(section, linesOf.get(section) || [], lost));
  }
  const total = sum(criteria.map((c) => c.awarded));
  const notApplicablePoints = sum(sections.map((s) => s.notApplicablePoints));
  const notYetDuePoints = sum(criteria.filter((c) => c.due === false).map((c) => c.points));
  const maximum = num(rubric.total).minus(notApplicablePoints).minus(notYetDuePoints);
  const renormalise = !notYetDuePoints.isZero();
  const final = finalScore(total, maximum, rubric.scoring, vetoedBy.length > 0, renormalise);
  const result = {
    rubric: rubric.id,
    rubricVersion: rubric.version,
    subject: submission.subject,
    period: submission.period,
  };
  for (const key of ["assessor", "assessedOn"]) if (key in submission) result[key] = submission[key];
  Object.assign(result, {
    criteria,
    items,
    sections,
    total,
    maximum,
    notApplicablePoints,
    score: final,
    // the score as printed: with roundingPlaces decimals when normalised (82.9, 50.0)
    scoreText: (rubric.scoring.normalise || renormalise) && !vetoedBy.length
      ? final.toFixed(Number(rubric.scoring.roundingPlaces))
      : fmt(final),
    vetoedBy,
    outcome: outcomeOf(final, rubric),
  });
  if (when) stateTiming(result, when, linesOf, rubric);
  return result;
}
