// The JavaScript entry points of `make fuzz`: benchmarks/fuzz.py draws each input in Python (hypothesis,
// the same structure-aware mutations as the Python entry points) and this process runs it through the
// handbook's own code, as the pages do:
//
//   batch   the batch page's pipeline (batch-run.mjs: the strict reader, BatchChecker's validator and
//           scorer, the result line and CSV row writers) on the bytes as fuzz.json or fuzz.jsonl (by
//           the parity of their length), then the rubric form's import (form.mjs loadDocument:
//           stateFromSubmission, the validator, analyse, the export's buildSubmission)
//   records the hazard form's import (notAHazard, stateFromDocument, buildDocument, evaluate, the
//           schema check) and the enterprise form's (notAnEnterprise, valuesFromDocument, recordErrors)
//   xlsx    the batch page's workbook import (batch-xlsx.mjs) and the scoring of what it imports
//
// Protocol on stdin / stdout: a frame is a 4-byte big-endian length, then `kind\n` and the input's bytes;
// each frame is answered by one JSON line {ok, error?, signature?, cpuMs}. Anything thrown is a crash:
// the handbook's code reports bad input as error values, never by throwing.

import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

import { ROOT, programs, published, readJson, schemas, validate } from "../../tools/js/published.mjs";
import { BatchChecker } from "../../site_src/assets/js/batch-check.mjs";
import { BatchRun } from "../../site_src/assets/js/batch-run.mjs";
import { analyse } from "../../site_src/assets/js/form-check.mjs";
import { buildSubmission, exportFileName, stateFromSubmission } from "../../site_src/assets/js/form-model.mjs";
import * as hazard from "../../site_src/assets/js/hazard-model.mjs";
import * as enterprise from "../../site_src/assets/js/enterprise-model.mjs";
import { score } from "../../site_src/assets/js/scorer.mjs";
import { makeSchemaValidator } from "../../site_src/assets/js/validator.mjs";
import { readDocument } from "../../site_src/assets/js/batch-read.mjs";

Error.stackTraceLimit = 500; // deep recursion: the handbook's frame that started it must be in the stack

const checker = new BatchChecker({ rubrics: published, programs, validate, schemas });
const rubrics = new Map(published.map((rubric) => [rubric.id, rubric]));
const rules = yaml.load(fs.readFileSync(path.join(ROOT, "records", "rules.yaml"), "utf8"));
const hazardSchema = readJson(path.join(ROOT, "schemas", "hazard.json"));
const hazardErrors = makeSchemaValidator(schemas, "hazard.json");
const enterpriseSchema = readJson(path.join(ROOT, "schemas", "enterprise.json"));
const enterpriseErrors = makeSchemaValidator(schemas, "enterprise.json");
const programIds = programs.map((program) => program.id);

/** What a page shows of an error or a result must be text (the DOM takes strings). */
function shown(...values) {
  for (const value of values) String(value);
}

/** The batch page's run over one file named `name`: every outcome reported, every valid one written. */
async function batchRun(bytes, name) {
  const run = new BatchRun(checker, {
    onInvalid: (outcome) => shown(...outcome.errors.flatMap((e) => [e.code, e.pointer, e.message, e.messageEn])),
    onScored: ({ line, row }) => shown(line, row),
    onWarnings: (outcome) => shown(...outcome.warnings.map((w) => w.message)),
  });
  await run.file(new Blob([bytes]), name);
  shown(run.summary.text(), run.summary.json());
}

/** A file as FormBase.importFile reads it (the strict reader); null when the form refuses it. */
function imported(bytes) {
  const read = readDocument(bytes);
  if (read.error) {
    shown(read.error.message, new TextDecoder().decode(bytes)); // refuseNotJson's message and its look at the text
    return null;
  }
  return { document: read.document };
}

function rubricFormImport(bytes) {
  const parsed = imported(bytes);
  const doc = parsed && parsed.document;
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || typeof doc.rubric !== "string" || !("responses" in doc)) return;
  const rubric = rubrics.get(doc.rubric);
  if (!rubric) return; // refused: another rubric's form
  const { state, warnings } = stateFromSubmission(doc, rubric);
  shown(...warnings.map((w) => w.message), ...validate(doc, rubric).map((e) => e.message));
  const submission = buildSubmission(state, rubric);
  const analysis = analyse(submission, rubric, { validate, score, emptyRequired: [] });
  shown(...analysis.errors.map((e) => e.message));
  const exported = buildSubmission(state, rubric, { schema: true });
  shown(exportFileName(exported, rubric), JSON.stringify(exported));
}

function recordFormsImport(bytes) {
  const parsed = imported(bytes);
  if (!parsed) return;
  const doc = parsed.document;
  if (!hazard.notAHazard(doc, Object.keys(hazardSchema.properties))) {
    const { state, dropped } = hazard.stateFromDocument(doc);
    const record = hazard.buildDocument(state);
    const shape = hazardErrors(record); // as the form checks it (hazard-form.mjs check): the lifecycle only when valid
    shown(...dropped, ...shape.map((e) => e.message));
    if (!shape.length && (typeof record.program !== "string" || programIds.includes(record.program))) {
      shown(JSON.stringify(hazard.evaluate(record, rules, record.program || null, "2024-06-30")));
    }
    shown(hazard.exportFileName(hazard.buildDocument(state, { schema: true })));
  }
  if (!enterprise.notAnEnterprise(doc, Object.keys(enterpriseSchema.properties))) {
    const { values, dropped } = enterprise.valuesFromDocument(doc);
    const record = enterprise.buildDocument(values);
    const errors = enterprise.recordErrors(record, enterpriseSchema, enterpriseErrors, programIds);
    shown(...dropped, ...errors.map((e) => e.message), enterprise.exportFileName(enterprise.buildDocument(values, { schema: true })));
  }
}

const ENTRIES = {
  async batch(bytes) {
    await batchRun(bytes, bytes.length % 2 ? "fuzz.jsonl" : "fuzz.json");
    rubricFormImport(bytes);
  },
  async records(bytes) {
    recordFormsImport(bytes);
  },
  async xlsx(bytes) {
    await batchRun(bytes, "fuzz.xlsx");
  },
};

const OURS = /(site_src|benchmarks)\/.*\.mjs:\d+/;

/** The innermost frame of the handbook's code in a stack: where a crash is. */
function signature(error) {
  const frame = String(error && error.stack || error).split("\n").find((line) => OURS.test(line));
  const at = frame ? frame.match(/([\w-]+\.mjs:\d+)/)[1] : "?";
  return `${error && error.name || "Error"}@${at}`;
}

/** The stack, its first lines and the handbook's frames only (a deep recursion repeats one frame). */
function trimmed(error) {
  const lines = String(error && error.stack || error).split("\n");
  const ours = [...new Set(lines.slice(8).filter((line) => OURS.test(line)))].slice(0, 12);
  return [...lines.slice(0, 8), ...ours].join("\n");
}

// ---- the frames ----------------------------------------------------------------------------------------

const chunks = [];
let buffered = 0;
let busy = false;

function take(size) {
  const joined = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
  chunks.length = 0;
  const taken = joined.subarray(0, size);
  const rest = joined.subarray(size);
  buffered = rest.length;
  if (rest.length) chunks.push(rest);
  return taken;
}

function frameSize() {
  if (buffered < 4) return null;
  const head = chunks[0].length >= 4 ? chunks[0] : Buffer.concat(chunks, buffered);
  return 4 + head.readUInt32BE(0);
}

async function pump() {
  busy = true;
  for (let size = frameSize(); size !== null && buffered >= size; size = frameSize()) {
    const frame = take(size).subarray(4);
    const newline = frame.indexOf(10);
    const kind = frame.subarray(0, newline).toString("utf8");
    const bytes = new Uint8Array(frame.subarray(newline + 1));
    const start = process.cpuUsage();
    let reply;
    try {
      await ENTRIES[kind](bytes);
      reply = { ok: true };
    } catch (error) {
      reply = { ok: false, error: trimmed(error), signature: signature(error) };
    }
    const used = process.cpuUsage(start);
    reply.cpuMs = (used.user + used.system) / 1000;
    process.stdout.write(JSON.stringify(reply) + "\n");
  }
  busy = false;
}

process.stdin.on("data", (chunk) => {
  chunks.push(chunk);
  buffered += chunk.length;
  if (!busy) pump();
});
process.stdin.on("end", () => process.exit(0));
