// The pure side of the hazard-record form (site_src/assets/js/hazard-model.mjs):
// the JavaScript lifecycle checks against the record conformance vectors
// (tests/conformance/records/lifecycle-*.json, the same ones the Python reference passes),
// the form state ⇄ record round trip on every example, and the import refusal.
//   node --test tests/js/

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

import {
  buildDocument, dayNumber, emptyState, evaluate, exportFileName, fieldLabel, isEmptyState, notAHazard, parseWhen,
  pathLabel, stateChecklist, stateFromDocument, todayInChina,
} from "../../site_src/assets/js/hazard-model.mjs";
import { loadSchemas, makeSchemaValidator } from "../../site_src/assets/js/validator.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const rules = yaml.load(fs.readFileSync(path.join(ROOT, "records", "rules.yaml"), "utf8"));
const programs = fs.readdirSync(path.join(ROOT, "rubrics"))
  .filter((name) => fs.existsSync(path.join(ROOT, "rubrics", name, "program.yaml")));
const schemas = await loadSchemas(path.join(ROOT, "schemas") + "/", ["hazard.json"],
  async (file) => readJson(file));
const schemaErrors = makeSchemaValidator(schemas, "hazard.json");
const hazardSchema = schemas[0];

/** One record as the form judges it (and `wsas records check` without the ledger-wide duplicate-id). */
function check(document, program, asOf) {
  const shape = schemaErrors(document);
  if (shape.length) return { errors: shape, findings: [] };
  if (document.program !== undefined && !programs.includes(document.program)) {
    return { errors: [{ code: "unknown-program", pointer: "/program" }], findings: [] };
  }
  return evaluate(document, rules, document.program || program, asOf);
}

// ---- the vectors ------------------------------------------------------------------------------

function applyPatch(document, patch) {
  const copy = structuredClone(document);
  for (const [pointer, value] of Object.entries(patch)) {
    const keys = pointer.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    let node = copy;
    for (const key of keys.slice(0, -1)) {
      if (Array.isArray(node)) node = node[Number(key)];
      else node = (node[key] ??= {});
    }
    const last = keys[keys.length - 1];
    if (Array.isArray(node)) {
      const index = Number(last);
      if (value === null) node.splice(index, 1);
      else node[index] = value;
    } else if (value === null) {
      delete node[last];
    } else {
      node[last] = value;
    }
  }
  return copy;
}

const recordOf = (vectors, spec) => ("record" in spec ? spec.record : applyPatch(vectors.bases[spec.base], spec.patch || {}));
const key = (record, e) => `${record} ${e.code} ${e.pointer}`;
const sorted = (list) => [...list].sort();

const vectorFiles = fs.readdirSync(path.join(ROOT, "tests", "conformance", "records"))
  .filter((name) => name.startsWith("lifecycle-") && name.endsWith(".json")).sort();

test("there are lifecycle vectors to run", () => {
  assert.ok(vectorFiles.length >= 3, vectorFiles.join(", "));
});

for (const file of vectorFiles) {
  const vectors = readJson(path.join(ROOT, "tests", "conformance", "records", file));
  vectors.cases.forEach((item, index) => {
    test(`${file} #${index}: ${item.description}`, () => {
      const records = "ledger" in item ? item.ledger.map((spec) => recordOf(vectors, spec)) : [recordOf(vectors, item)];
      const asOf = item.asOf || vectors.asOf;
      const got = { errors: [], findings: [], schema: new Set() };
      records.forEach((document, record) => {
        const outcome = check(document, item.program, asOf);
        for (const e of outcome.errors) {
          if (e.code === "schema") got.schema.add(record);
          else got.errors.push(key(record, e));
        }
        got.findings.push(...outcome.findings.map((f) => key(record, f)));
      });
      const expected = item.expected;
      const want = (expected.errors || []).filter((e) => e.code !== "duplicate-id" && e.code !== "schema");
      // schema errors: the same records are schema-invalid (pointers are the schema layer's, tested elsewhere)
      const wantSchema = new Set((expected.errors || []).filter((e) => e.code === "schema").map((e) => e.record || 0));
      assert.deepEqual([...got.schema].sort(), [...wantSchema].sort(), "records with schema errors");
      assert.deepEqual(sorted(got.errors), sorted(want.map((e) => key(e.record || 0, e))), "errors");
      assert.deepEqual(sorted(got.findings), sorted((expected.findings || []).map((f) => key(f.record || 0, f))),
        "findings");
    });
  });
}

// ---- the examples ------------------------------------------------------------------------------

const EXAMPLES = path.join(ROOT, "records", "examples");
const hazardFiles = fs.readdirSync(path.join(EXAMPLES, "hazards")).filter((n) => n.endsWith(".json")).sort();

test("every example hazard is valid and clean on the examples' day", () => {
  assert.ok(hazardFiles.length >= 5);
  for (const name of hazardFiles) {
    const outcome = check(readJson(path.join(EXAMPLES, "hazards", name)), undefined, "2024-06-30");
    assert.deepEqual(outcome, { errors: [], findings: [] }, name);
  }
});

test("each invalid example shows the code in its name", () => {
  const dir = path.join(EXAMPLES, "invalid");
  for (const name of fs.readdirSync(dir).filter((n) => /^hazard\..*\.(invalid|finding)\.json$/.test(n))) {
    const code = name.split(".")[1];
    const outcome = check(readJson(path.join(dir, name)), undefined, "2024-06-30");
    const reported = [...outcome.errors, ...outcome.findings].map((e) => e.code);
    assert.ok(reported.includes(code), `${name}: ${reported.join(", ")}`);
    assert.equal(outcome.errors.length === 0, name.endsWith(".finding.json"), name);
  }
});

test("form state ⇄ record: every example comes back the same, nothing dropped", () => {
  for (const name of hazardFiles) {
    const document = readJson(path.join(EXAMPLES, "hazards", name));
    const { state, dropped } = stateFromDocument(document);
    assert.deepEqual(dropped, [], name);
    assert.deepEqual(buildDocument(state), document, name);
    assert.deepEqual(Object.keys(buildDocument(state)), Object.keys(document), `${name}: member order`);
  }
});

test("what the form cannot hold is named", () => {
  const { state, dropped } = stateFromDocument({ id: "H1", name: "x", location: { place: "车间", floor: 3 },
    history: [{ state: "registered", at: "2024-01-01", by: { name: "甲" }, extra: 1 }] });
  assert.deepEqual(dropped.sort(), ["/history/0/extra", "/location/floor"]);
  assert.equal(state.values["/location/place"], "车间");
});

test("blank fields and rows are left out; numbers and yes/no become JSON numbers and booleans", () => {
  const state = emptyState();
  assert.ok(isEmptyState(state));
  Object.assign(state.values, { "/id": " H-1 ", "/rectification/funds": "1200.50", "/rectification/onTheSpot": "true",
    "/acceptance/passed": "false", "/plan/funds": "一千", "/name": "  " });
  state.history = [{ "/state": "registered", "/at": "2024-01-02", "/by/name": "甲" }, { "/state": "", "/at": " " }];
  const document = buildDocument(state, { schema: true });
  assert.deepEqual(document, {
    $schema: "https://wsas.org/schemas/v1/hazard.json", id: "H-1",
    rectification: { funds: 1200.5, onTheSpot: true }, plan: { funds: "一千" }, acceptance: { passed: false },
    history: [{ state: "registered", at: "2024-01-02", by: { name: "甲" } }],
  });
  assert.ok(!isEmptyState(state));
  assert.equal(exportFileName(document), "H-1.json");
  assert.equal(exportFileName({ id: "坏 编号" }), "隐患记录.json");
  // the schema layer reports the text where a number belongs, at that field
  const errors = schemaErrors(document);
  assert.ok(errors.some((e) => e.pointer === "/plan/funds" && e.message.includes("数值")), JSON.stringify(errors));
  assert.ok(errors.some((e) => e.keyword === "required" && e.missing === "name"));
});

test("the chosen state's checklist: cumulative, waived on the spot, conditions", () => {
  const base = readJson(path.join(EXAMPLES, "hazards", "H-2024-005.json"));
  assert.ok(stateChecklist(base, rules, "closed").every((item) => item.status === "ok"));
  const bare = { id: "H", subject: { name: "企业" }, name: "n", level: "general", state: "accepted",
    rectification: { onTheSpot: true }, acceptance: { passed: false } };
  const items = stateChecklist(bare, rules, "accepted");
  const status = Object.fromEntries(items.map((i) => [`${i.kind} ${i.pointer}`, i.status]));
  assert.equal(status["requires /rectification/deadline"], "waived");
  assert.equal(status["requires /acceptance/comment"], "missing");
  assert.equal(status["requires /acceptance/passed"], "ok");
  assert.equal(status["condition /acceptance/passed"], "wrong");
  assert.equal(status["requires /history"], "missing");
  assert.ok(!("requires /closed/at" in status));
  assert.deepEqual(stateChecklist(bare, rules, "no-such-state"), []);
});

test("the checklist of 销号 asks for the acceptance only where the program requires it (erratum E6)", () => {
  const closed = { id: "H", subject: { name: "企业" }, name: "n", level: "general", state: "closed",
    history: [{ state: "registered" }, { state: "rectifying" }, { state: "awaiting-acceptance" }, { state: "closed" }] };
  const pointers = (program) => stateChecklist(closed, rules, "closed", program).map((i) => i.pointer);
  assert.ok(!pointers(null).includes("/acceptance/by"));
  assert.ok(!pointers("lianyungang-2020").includes("/acceptance/by"));
  assert.ok(pointers("xinzhou-2020").includes("/acceptance/by"));
  assert.ok(pointers(null).includes("/rectification/completedAt") && pointers(null).includes("/closed/at"));
  // a history that went through 已验收 brings that state's requirements back for every program
  const accepted = { ...closed, history: [...closed.history.slice(0, 3), { state: "accepted" }, { state: "closed" }] };
  assert.ok(stateChecklist(accepted, rules, "closed", null).some((i) => i.pointer === "/acceptance/comment"));
});

test("times: real days only, a date alone spans the day, Z is shifted to China time", () => {
  assert.equal(parseWhen("2024-02-30"), null);
  assert.equal(parseWhen("2024-06-01T24:00"), null);
  assert.equal(parseWhen("2023-02-29"), null);
  assert.ok(parseWhen("2024-02-29"));
  assert.equal(parseWhen("2024-06-02T16:30Z").day, dayNumber("2024-06-03"));
  const day = parseWhen("2024-06-03");
  const morning = parseWhen("2024-06-03T00:00");
  const evening = parseWhen("2024-06-03T23:59:59");
  assert.equal(day.lo, morning.lo);
  assert.ok(day.hi >= evening.hi && day.hi < parseWhen("2024-06-04T00:00").lo);
  assert.match(todayInChina(), /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(todayInChina(Date.UTC(2024, 5, 30, 16, 30)), "2024-07-01");
});

test("imports: a rubric submission, a risk record, a list or an array are not hazard records", () => {
  const submission = readJson(path.join(ROOT, "rubrics", "lianyungang-2020", "examples", "enterprise.valid.json"));
  assert.match(notAHazard(submission).message, /评估表/);
  const risk = JSON.parse(fs.readFileSync(path.join(EXAMPLES, "risks.valid.jsonl"), "utf8").split("\n")[0]);
  assert.match(notAHazard(risk).message, /隐患记录没有的字段/);
  assert.ok(notAHazard([]));
  assert.ok(notAHazard({ kind: "hazard-list", rows: [] }));
  assert.ok(notAHazard({}));
  assert.equal(notAHazard(readJson(path.join(EXAMPLES, "hazards", hazardFiles[0]))), null);
  assert.equal(notAHazard(readJson(path.join(EXAMPLES, "invalid", "hazard.schema.invalid.json"))), null);
});

test("labels come from the schema's titles", () => {
  assert.equal(fieldLabel(hazardSchema, "/rectification/deadline"), "整改期限");
  assert.equal(fieldLabel(hazardSchema, "/discovered/by"), "发现人");
  assert.equal(fieldLabel(hazardSchema, "/discovered/by/phone"), "联系电话");
  assert.equal(fieldLabel(hazardSchema, "/history/3/at"), "时间");
  assert.equal(pathLabel(hazardSchema, "/history/1/by/name"), "状态历史 第2行 · 操作人 · 姓名");
  assert.equal(fieldLabel(hazardSchema, "/nothing"), "/nothing");
});
