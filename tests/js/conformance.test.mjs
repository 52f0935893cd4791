// Runs every conformance vector (tests/conformance/*.json, spec/conformance.md) against the
// JavaScript validator and scorer of the handbook forms.
//   node --test tests/js/

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import Decimal from "decimal.js";
import Ajv2020 from "ajv/dist/2020.js";

import { ROOT, published, readJson, schemas, validate } from "./published.mjs";
import { scoreValid } from "../../site_src/assets/js/scorer.mjs";
import { readDocument, withExact } from "../../site_src/assets/js/batch-read.mjs";

const VECTORS = path.join(ROOT, "tests", "conformance");

/** The rubrics a vector file makes available: all published ones, or only its inline rubric. */
function catalogueOf(vectors) {
  return typeof vectors.rubric === "string" ? published : [vectors.rubric];
}

/** The case's submission: given whole, or a deep copy of base with responses merged key by key. */
function submissionOf(vectors, testCase) {
  if ("submission" in testCase) return testCase.submission;
  const submission = structuredClone(vectors.base);
  for (const [key, response] of Object.entries(testCase.responses)) {
    if (response === null) delete submission.responses[key];
    else submission.responses[key] = response;
  }
  return submission;
}

const dec = (n) => new Decimal(String(n));

/** spec/conformance.md 3: same code, pointer equal to or below the expected pointer. */
function matches(expected, reported) {
  return expected.code === reported.code &&
    (reported.pointer === expected.pointer || reported.pointer.startsWith(expected.pointer + "/"));
}

const show = (errors) => errors.map((e) => `${e.code} ${JSON.stringify(e.pointer)} ${e.messageEn}`).join("; ");

/** The case's file bytes (`raw` text or `rawBase64`) read by the handbook's strict reader, as the batch page reads. */
function readRaw(testCase) {
  const bytes = "raw" in testCase ? new TextEncoder().encode(testCase.raw) : new Uint8Array(Buffer.from(testCase.rawBase64, "base64"));
  return readDocument(bytes);
}

function checkCase(vectors, testCase) {
  const catalogue = catalogueOf(vectors);
  const raw = "raw" in testCase || "rawBase64" in testCase;
  const read = raw ? readRaw(testCase) : { document: submissionOf(vectors, testCase), exact: [] };
  const submission = read.document;
  const expected = testCase.expected;
  const errors = read.error ? [read.error] : validate(submission, catalogue);
  for (const e of errors) {
    assert.equal(typeof e.message, "string");
    assert.equal(typeof e.messageEn, "string");
    assert.ok(e.message.length > 0 && e.messageEn.length > 0, "every error has both messages");
  }
  if (!expected.valid) {
    assert.ok(errors.length > 0, "expected invalid, found valid");
    for (const want of expected.errors) {
      assert.ok(errors.some((got) => matches(want, got)),
        `expected error ${want.code} at ${JSON.stringify(want.pointer)} not reported; reported: ${show(errors)}`);
    }
    for (const got of errors) {
      assert.ok(expected.errors.some((want) => matches(want, got)),
        `unexpected error ${got.code} at ${JSON.stringify(got.pointer)}: ${got.messageEn}`);
    }
    return;
  }
  assert.deepEqual(errors, [], `expected valid, reported: ${show(errors)}`);
  const rubric = catalogue.find((r) => r.id === submission.rubric);
  const result = scoreValid(withExact(submission, read.exact), rubric);
  const awarded = new Map(result.criteria.map((line) => [line.id, line.awarded]));
  for (const [id, points] of Object.entries(expected.criteria || {})) {
    assert.ok(awarded.has(id), `criterion ${id} not in the result`);
    assert.ok(awarded.get(id).eq(dec(points)), `criterion ${id}: expected ${points}, got ${awarded.get(id)}`);
  }
  for (const key of ["total", "maximum", "notApplicablePoints", "score"]) {
    if (key in expected) {
      assert.ok(Decimal.isDecimal(result[key]), `${key} is a Decimal`);
      assert.ok(result[key].eq(dec(expected[key])), `${key}: expected ${expected[key]}, got ${result[key]}`);
    }
  }
  if ("outcome" in expected) {
    assert.equal(result.outcome ? result.outcome.id : null, expected.outcome, "outcome");
  }
  if ("vetoedBy" in expected) assert.deepEqual(result.vetoedBy, expected.vetoedBy, "vetoedBy");
}

// The vector files themselves must follow schemas/conformance.json.
const ajv = new Ajv2020({ strict: false, allErrors: true });
for (const schema of schemas) ajv.addSchema(schema);
const vectorSchema = ajv.getSchema("https://wsas.org/schemas/v1/conformance.json");

const files = fs.readdirSync(VECTORS).filter((f) => f.endsWith(".json")).sort();
let cases = 0;
for (const file of files) {
  const vectors = readJson(path.join(VECTORS, file));
  test(`${file} follows schemas/conformance.json`, () => {
    assert.ok(vectorSchema(vectors), JSON.stringify(vectorSchema.errors));
  });
  vectors.cases.forEach((testCase, index) => {
    cases += 1;
    test(`${file} / #${index + 1} ${testCase.description}`, () => checkCase(vectors, testCase));
  });
}

test("the vectors hold at least 300 cases", () => {
  assert.ok(cases >= 300, `only ${cases} cases`);
});
