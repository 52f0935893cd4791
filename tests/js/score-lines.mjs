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

import readline from "node:readline";
import Decimal from "decimal.js";

import { published, validate } from "./published.mjs";
import { scoreValid } from "../../site_src/assets/js/scorer.mjs";


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
