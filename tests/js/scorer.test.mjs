// Direct unit checks of the JavaScript scorer and validator (site_src/assets/js/).
//   node --test tests/js/

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Decimal from "decimal.js";

import {
  asOf, byDeadline, checkResponses, explain, finalScore, fmt, intervalContains, intervalText, monthEnd, num, onStep,
  periodEnd, score, timing, InvalidSubmission,
} from "../../site_src/assets/js/scorer.mjs";
import { loadValidator } from "../../site_src/assets/js/validator.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const d = (x) => new Decimal(x);

/** A small inline rubric: 1.1 judgement 80, 2.1 judgement 20, 3.1 veto (spec/scoring.md 6). */
const rubric = {
  id: "unit/example", version: "1.0.0", total: 100,
  scoring: { notApplicable: true, normalise: true, roundingPlaces: 1 },
  outcomes: [{ id: "low", label: "低", range: { upper: 60, upperInclusive: false } }],
  sections: [{
    id: "一", points: 100, items: [
      { id: "1", points: 80, criteria: [{ id: "1.1", points: 80, rule: { kind: "judgement" } }] },
      { id: "2", points: 20, criteria: [{ id: "2.1", points: 20, rule: { kind: "judgement" } }] },
      { id: "3", points: 0, criteria: [{ id: "3.1", points: 0, rule: { kind: "veto" } }] },
    ],
  }],
};
const submission = (responses) => ({
  rubric: "unit/example", rubricVersion: "1.0.0", subject: { name: "测试" }, period: "2024", responses,
});

test("decimal arithmetic is exact: 0.1 + 0.2 is 0.3, 0.3 is a multiple of 0.1", () => {
  assert.ok(num(0.1).plus(num(0.2)).eq(d("0.3")));
  assert.equal(num(0.1).plus(num(0.2)).toString(), "0.3");
  assert.ok(onStep(0.3, 0.1));
  assert.ok(!onStep(0.35, 0.1));
  assert.ok(onStep(0, 0.5));
  assert.ok(!onStep(12.3, 0.5));
});

test("numbers convert through their shortest decimal text", () => {
  assert.equal(num(3.0).toString(), "3");
  assert.equal(num(2.5).toString(), "2.5");
  assert.equal(fmt(60.0), "60");
  assert.equal(fmt("2.50"), "2.5");
  assert.equal(fmt(1e-7), "0.0000001");
  assert.throws(() => num(Infinity), RangeError);
});

test("a true half rounds up (ROUND_HALF_UP), not to even", () => {
  const scoring = { normalise: true, roundingPlaces: 1 };
  assert.equal(finalScore(d(61), d(80), scoring, false).toString(), "76.3"); // 76.25
  assert.equal(finalScore(d("0.5"), d(40), scoring, false).toString(), "1.3"); // 1.25
  assert.equal(finalScore(d("60.05"), d(100), scoring, false).toString(), "60.1");
  assert.equal(finalScore(d("70.5"), d(85), scoring, false).toString(), "82.9");
  assert.equal(finalScore(d("2.5"), d(4), { normalise: true, roundingPlaces: 0 }, false).toString(), "63");
  assert.equal(finalScore(d("2.5"), d(4), scoring, true).toString(), "0");
  assert.equal(finalScore(d("97.5"), d(100), { normalise: false, roundingPlaces: 1 }, false).toString(), "97.5");
});

test("per-finding deductions stop at the cap and at the points", () => {
  const town51 = { id: "5.1", points: 5, rule: { kind: "per-finding", deduct: 1, cap: 5, unit: "家" } };
  const three = explain(town51, { findings: 3 });
  assert.equal(three.awarded.toString(), "2");
  assert.equal(three.explanation, "发现 3 家，每家扣 1 分，扣 3 分");
  const eight = explain(town51, { findings: 8 });
  assert.equal(eight.awarded.toString(), "0");
  assert.equal(eight.explanation, "发现 8 家，每家扣 1 分，扣 5 分（扣满 5 分为止）");
  const capped = { id: "1.2", points: 2, rule: { kind: "per-finding", deduct: 0.5, cap: 1, unit: "家" } };
  assert.equal(explain(capped, { findings: 100 }).awarded.toString(), "1");
  const overPoints = { id: "1.1", points: 3, rule: { kind: "per-finding", deduct: 1.5, cap: 4, unit: "处" } };
  assert.equal(explain(overPoints, { findings: 3 }).awarded.toString(), "0");
});

test("rate tiers use the stated bound inclusiveness; shortfall steps floor or ceil exactly", () => {
  const tier = { lower: 5, lowerInclusive: true, upper: 10, upperInclusive: false };
  assert.ok(intervalContains(tier, 5));
  assert.ok(!intervalContains(tier, 10));
  assert.equal(intervalText(tier, "%"), "[5%, 10%)");
  const rule = (partialStep) => ({ kind: "shortfall-steps", measure: "达标率", target: 0.3, step: 0.1, deduct: 1, partialStep });
  assert.equal(explain({ id: "2.1", points: 5, rule: rule("ignore") }, { rate: 0 }).awarded.toString(), "2");
  const ceil = { kind: "shortfall-steps", measure: "达标率", target: 0.9, step: 0.3, deduct: 1, partialStep: "count" };
  assert.equal(explain({ id: "2.2", points: 5, rule: ceil }, { rate: 0 }).awarded.toString(), "2");
});

test("scoring with not applicable, veto and outcome (spec/scoring.md 6)", () => {
  const result = score(submission({ "1.1": { awarded: 61 }, "2.1": { notApplicable: true }, "3.1": { triggered: false } }), rubric);
  assert.equal(result.total.toString(), "61");
  assert.equal(result.notApplicablePoints.toString(), "20");
  assert.equal(result.maximum.toString(), "80");
  assert.equal(result.score.toString(), "76.3");
  assert.equal(result.scoreText, "76.3");
  assert.equal(result.outcome, null);
  assert.deepEqual(result.vetoedBy, []);
  const vetoed = score(submission({ "1.1": { awarded: 61 }, "2.1": { notApplicable: true }, "3.1": { triggered: true } }), rubric);
  assert.equal(vetoed.score.toString(), "0");
  assert.deepEqual(vetoed.vetoedBy, ["3.1"]);
  assert.equal(vetoed.outcome.id, "low");
  assert.equal(vetoed.items[1].notApplicablePoints.toString(), "20");
});

test("semantic errors carry codes, pointers and both languages", () => {
  const errors = checkResponses(submission({ "1.1": { awarded: 12.3 }, "3.1": { notApplicable: true }, "9.1": { met: true } }), rubric);
  assert.deepEqual(errors.map((e) => [e.code, e.pointer]), [
    ["unknown-criterion", "/responses/9.1"],
    ["off-step", "/responses/1.1/awarded"],
    ["missing-response", "/responses/2.1"],
    ["not-applicable-not-allowed", "/responses/3.1/notApplicable"],
  ]);
  assert.equal(errors[1].message, "得分 12.3 不是 0.5 的整数倍");
  assert.equal(errors[1].messageEn, "awarded 12.3 is not a multiple of 0.5");
  const none = checkResponses(submission({ "1.1": { notApplicable: true }, "2.1": { notApplicable: true }, "3.1": { triggered: false } }), rubric);
  assert.deepEqual(none.map((e) => [e.code, e.pointer]), [["no-applicable-criteria", "/responses"]]);
  assert.deepEqual(checkResponses({ ...submission({}), rubric: "foo/bar" }, rubric).map((e) => e.code), ["unknown-rubric"]);
  assert.throws(() => score(submission({}), rubric), InvalidSubmission);
});

test("loadValidator fetches submission.json and what it $refs, and reports schema errors first", async () => {
  const fetched = [];
  const validate = await loadValidator("schemas-base/", async (url) => {
    fetched.push(url);
    return JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", url.replace("schemas-base/", "")), "utf8"));
  });
  assert.deepEqual(fetched.sort(), ["schemas-base/defs.json", "schemas-base/submission.json"]);
  const bad = validate(submission({ "1.1": { awarded: "5" }, "2.1": { awarded: 1.5 }, "3.1": { triggered: false } }), rubric);
  assert.deepEqual(bad.map((e) => [e.code, e.pointer, e.keyword]), [["schema", "/responses/1.1/awarded", "type"]]);
  assert.match(bad[0].message, /类型应为数值/);
  const missing = validate({ rubricVersion: "1.0.0", subject: { name: "x" }, period: "2024", responses: {} }, rubric);
  assert.deepEqual(missing.map((e) => [e.code, e.pointer, e.keyword]), [["schema", "", "required"]]);
  assert.match(missing[0].message, /rubric/);
  const ok = validate(submission({ "1.1": { awarded: 5 }, "2.1": { awarded: 1.5 }, "3.1": { triggered: false } }), rubric);
  assert.deepEqual(ok, []);
});

// ---- assessment by deadline (spec/scoring.md 4.3) ----------------------------------------------

/** A rubric assessed by deadline: 1 due at the end of February, 2 all year, 3 at the end of October (veto). */
const dated = {
  id: "unit/dated", version: "1.0.0", total: 100,
  scoring: { notApplicable: false, normalise: false, roundingPlaces: 1 },
  assessment: { byDeadline: true, source: { lines: [31] } },
  outcomes: [{ id: "redo", label: "推倒重来", range: { upper: 60, upperInclusive: false } }],
  sections: [{
    id: "main", points: 100, items: [
      { id: "1", points: 30, deadline: { text: "2月底前", kind: "month-end", month: 2 },
        criteria: [{ id: "1.1", points: 30, rule: { kind: "judgement" } }] },
      { id: "2", points: 40, deadline: { text: "全年", kind: "whole-year" },
        criteria: [{ id: "2.1", points: 40, rule: { kind: "judgement" } }] },
      { id: "3", points: 30, deadline: { text: "10月底前", kind: "month-end", month: 10 },
        criteria: [{ id: "3.1", points: 30, rule: { kind: "judgement" } }, { id: "3.2", points: 0, rule: { kind: "veto" } }] },
    ],
  }],
};
const datedSubmission = (period, assessedOn, responses) => ({
  rubric: "unit/dated", rubricVersion: "1.0.0", subject: { name: "测试" }, period,
  ...(assessedOn ? { assessedOn } : {}), responses,
});

test("the assessment date and the year of the deadlines", () => {
  assert.deepEqual(["2020", "2020Q1", "2020Q4", "2020-02", "2021-02", "1900-02", "0001-01"].map(periodEnd),
    ["2020-12-31", "2020-03-31", "2020-12-31", "2020-02-29", "2021-02-28", "1900-02-28", "0001-01-31"]);
  assert.equal(asOf({ period: "2020-02" }), "2020-02-29");
  assert.equal(asOf({ period: "2020-02", assessedOn: "2020-02-10" }), "2020-02-10");
  assert.equal(monthEnd(2024, 2), "2024-02-29");
  assert.equal(byDeadline(rubric), false);
  assert.equal(timing(rubric, submission({})), null);
  const december = timing(dated, datedSubmission("2020-12", "2021-01-10", {}));
  assert.deepEqual([...december.notDueItems], []);
  assert.equal(december.dueOn.get("1"), "2020-02-29");
  assert.deepEqual([...timing(dated, datedSubmission("2020-02", "2020-02-28", {})).notDueCriteria], ["1.1", "3.1", "3.2"]);
  assert.deepEqual([...timing(dated, datedSubmission("2020-02", "2020-02-29", {})).notDueItems], ["3"]);
});

test("items not yet due leave the maximum, the score is re-normalised and the result says so", () => {
  const given = datedSubmission("2020-02", null, { "1.1": { awarded: 10 }, "2.1": { awarded: 15 },
    "3.1": { awarded: 30, reason: "提前完成" }, "3.2": { triggered: true } });
  const result = score(given, dated);
  assert.equal(result.asOf, "2020-02-29");
  assert.deepEqual(result.notYetDue, ["3"]);
  assert.deepEqual([result.total, result.notYetDuePoints, result.maximum, result.score].map(String), ["25", "30", "70", "35.7"]);
  assert.equal(result.scoreText, "35.7");
  assert.deepEqual(result.vetoedBy, []);                      // a veto not yet due triggers nothing
  assert.equal(result.outcome.id, "redo");                    // on the re-normalised score
  const line = result.criteria.find((c) => c.id === "3.1");
  assert.deepEqual([line.due, String(line.awarded), String(line.deducted), line.notApplicable, line.reason],
    [false, "0", "0", false, undefined]);
  assert.match(line.explanation, /未到时间节点（10月底前，2020-10-31；评估日期 2020-02-29）.*所填应答不计分/);
  assert.deepEqual(result.items.map((i) => [i.id, i.due, i.dueOn, String(i.notYetDuePoints)]),
    [["1", true, "2020-02-29", "0"], ["2", true, undefined, "0"], ["3", false, "2020-10-31", "30"]]);
  assert.equal(String(result.sections[0].notYetDuePoints), "30");
  assert.equal(result.criteria.find((c) => c.id === "1.1").due, true);
});

test("responses not yet due may be left out; a given one is still checked; all due scores as before", () => {
  const february = datedSubmission("2020-02", null, { "1.1": { awarded: 30 }, "2.1": { awarded: 40 } });
  assert.deepEqual(checkResponses(february, dated), []);
  assert.equal(String(score(february, dated).score), "100");
  const wrong = datedSubmission("2020-02", null, { "1.1": { awarded: 30 }, "2.1": { awarded: 40 }, "3.1": { awarded: 31 } });
  assert.deepEqual(checkResponses(wrong, dated).map((e) => [e.code, e.pointer]), [["out-of-range", "/responses/3.1/awarded"]]);
  const november = datedSubmission("2020-11", null, { "1.1": { awarded: 30 }, "2.1": { awarded: 20 } });
  assert.deepEqual(checkResponses(november, dated).map((e) => e.pointer), ["/responses/3.1", "/responses/3.2"]);
  const all = score(datedSubmission("2020-11", null, { "1.1": { awarded: 30 }, "2.1": { awarded: 20 },
    "3.1": { awarded: 9.5 }, "3.2": { triggered: false } }), dated);
  assert.deepEqual([all.total, all.maximum, all.score, all.notYetDuePoints].map(String), ["59.5", "100", "59.5", "0"]);
  assert.equal(all.scoreText, "59.5");
  const other = score(submission({ "1.1": { awarded: 5 }, "2.1": { awarded: 1.5 }, "3.1": { triggered: false } }), rubric);
  assert.equal("asOf" in other || "notYetDue" in other || other.criteria.some((c) => "due" in c), false);
});
