// Scores submissions with the JavaScript validator and scorer of the handbook forms, one per
// line, for the Python property tests (tests/test_properties.py) to compare with wsas.
//
//   node tests/js/score-lines.mjs < submissions.jsonl > results.jsonl
//
// Each input line is a submission to a published rubric, or {"submission": ..., "rubric": ...}
// with an inline rubric (then only that rubric is available, as in a conformance vector file).
// Each output line is {"errors": [{code, pointer}]} for an invalid submission, or
// {"errors": [], "result": ...} with every Decimal of the result written as its exact decimal
// string (no exponent). Not a test file itself (node --test tests/js/ does not pick it up).

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import Decimal from "decimal.js";

import { makeValidator } from "../../site_src/assets/js/validator.mjs";
import { scoreValid } from "../../site_src/assets/js/scorer.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMAS = path.join(ROOT, "schemas");
const RUBRICS = path.join(ROOT, "rubrics");

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

const schemas = fs.readdirSync(SCHEMAS).filter((f) => f.endsWith(".json")).sort()
  .map((f) => readJson(path.join(SCHEMAS, f)));
const validate = makeValidator(schemas);

/** Every published rubric: rubrics/<program>/<rubric>.yaml (not program.yaml). */
function publishedRubrics() {
  const found = [];
  for (const program of fs.readdirSync(RUBRICS).sort()) {
    const dir = path.join(RUBRICS, program);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (file.endsWith(".yaml") && file !== "program.yaml") {
        found.push(yaml.load(fs.readFileSync(path.join(dir, file), "utf8")));
      }
    }
  }
  return found;
}
const published = publishedRubrics();

/** JSON-ready copy of a result: Decimals become their exact decimal text. */
function plain(value) {
  if (Decimal.isDecimal(value)) return value.toFixed();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

function scoreLine(line) {
  const input = JSON.parse(line);
  const inline = input && typeof input === "object" && "submission" in input && "rubric" in input
    && typeof input.rubric === "object";
  const submission = inline ? input.submission : input;
  const catalogue = inline ? [input.rubric] : published;
  const errors = validate(submission, catalogue);
  if (errors.length) return { errors: errors.map((e) => ({ code: e.code, pointer: e.pointer })) };
  const rubric = catalogue.find((r) => r.id === submission.rubric);
  return { errors: [], result: plain(scoreValid(submission, rubric)) };
}

const out = [];
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = scoreLine(line);
  } catch (exc) {
    answer = { crash: String(exc && exc.stack || exc) };
  }
  out.push(JSON.stringify(answer));
}
process.stdout.write(out.length ? out.join("\n") + "\n" : "");
