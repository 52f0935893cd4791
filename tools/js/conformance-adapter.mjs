// The handbook's JavaScript validator and scorer behind the WSAS conformance protocol
// (spec/conformance.md section 6): `node tools/js/conformance-adapter.mjs`, run by
//   wsas conformance run --implementation "node tools/js/conformance-adapter.mjs"
//
// It reads one JSON message per line on stdin and answers one per line on stdout. It uses the very
// scorer.mjs and validator.mjs the forms use, over the published schemas and rubrics. The forms do
// not build schedules, check event logs or check record ledgers, so it claims only the validator and
// scorer levels; the harness reports the other suites as not claimed.

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import Decimal from "decimal.js";

import { ROOT, published, validate } from "./published.mjs";
import { scoreValid } from "../../site_src/assets/js/scorer.mjs";
import { readDocument, withExact } from "../../site_src/assets/js/batch-read.mjs";

const PROTOCOL = 1;
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;

/** JSON text in which every Decimal is written as the exact number it holds. */
function encode(value) {
  if (Decimal.isDecimal(value)) return value.isZero() ? "0" : value.toFixed();
  if (Array.isArray(value)) return `[${value.map(encode).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${encode(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const hello = () => ({
  type: "hello", protocol: PROTOCOL,
  implementation: { name: "wsas-handbook-js", version: VERSION, language: "JavaScript" },
  levels: ["validator", "scorer"],
  ruleKinds: ["judgement", "yes-no", "per-finding", "rate-tiers", "shortfall-steps", "veto"],
});

/** A submission case: validity and errors, and the result when it is valid and scoring is asked. */
function answerSubmission(input) {
  const catalogue = input.catalogue === "published" ? published : input.catalogue;
  let submission = input.submission;
  let exact = [];
  if (input.raw !== undefined) { // the file's bytes (Base64): read strictly first, as the batch page does
    const read = readDocument(new Uint8Array(Buffer.from(input.raw, "base64")));
    if (read.error) {
      const e = read.error;
      return { valid: false, errors: [{ pointer: e.pointer ?? "", code: e.code, message: e.message, messageEn: e.messageEn }] };
    }
    submission = read.document;
    exact = read.exact;
  }
  const errors = validate(submission, catalogue);
  const output = {
    valid: errors.length === 0,
    errors: errors.map((e) => ({ pointer: e.pointer, code: e.code, message: e.message, messageEn: e.messageEn })),
  };
  if (output.valid && input.score !== false) {
    const rubric = catalogue.find((r) => r.id === submission.rubric);
    output.result = scoreValid(withExact(submission, exact), rubric);
  }
  return output;
}

function answer(message) {
  if (message.kind !== "submission") {
    return { type: "error", id: message.id, message: `case kind ${message.kind} is not implemented (not claimed)` };
  }
  try {
    return { type: "result", id: message.id, output: answerSubmission(message.input) };
  } catch (error) {
    return { type: "error", id: message.id, message: `${error.name}: ${error.message}` };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const write = (message) => process.stdout.write(encode(message) + "\n");
lines.on("line", (line) => {
  if (!line.trim()) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch (error) {
    write({ type: "error", id: null, message: `unreadable message: ${error.message}` });
    return;
  }
  if (message.type === "start") write(hello());
  else if (message.type === "case") write(answer(message));
  else if (message.type === "stop") lines.close();
});
// stop, or the end of input: every answer is written (stdout to a pipe is synchronous), so exit now.
lines.on("close", () => process.exit(0));
