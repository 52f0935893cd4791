// The batch page's Web Worker (bundled as assets/wsas-batch-worker.js by site_src/build-assets.mjs):
// the page stays responsive while this checks and scores every record (batch-run.mjs). Nothing
// leaves the browser: the page hands the worker the handbook's own published data (schemas,
// rubrics, programs: it loads them, from file:// too, where a worker can fetch nothing) and the
// worker reads the files the user gave.
//
// Messages in:  {type: "load", schemas, rubrics, programs}   (schemas: submission.json first, as loadSchemas gives them)
//               {type: "run", files: [{blob, name}]}
// Messages out: {type: "ready"} | {type: "failed", message}
//               {type: "progress", bytes, total, records}   (at most every 100 ms)
//               {type: "invalid", outcomes}  {type: "scored", rows}  {type: "warnings", outcomes}   (in batches)
//               {type: "done", summary, summaryJson, jsonl: Blob, csv: Blob, errorsCsv: Blob}
// Cancelling is the page's worker.terminate(): nothing here needs cleaning up.

import { makeValidator } from "./validator.mjs";
import { BatchChecker } from "./batch-check.mjs";
import { BatchRun } from "./batch-run.mjs";
import { csvHeader, csvLine, plainNumber, safeCell } from "./batch-write.mjs";

const BLOB_PART = 4 * 1024 * 1024; // strings gathered into a Blob every few MB: the browser may keep big Blobs on disk
const POST_EVERY_MS = 100;
export const ERROR_COLUMNS = ["文件", "行", "列", "位置", "代码", "说明", "说明（英文）"];

/** Text gathered into Blobs, a few MB at a time. */
class BlobWriter {
  constructor(type, first = "") {
    this.type = type;
    this.parts = [];
    this.pending = first ? [first] : [];
    this.size = first.length;
  }

  write(text) {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= BLOB_PART) this.flush();
  }

  flush() {
    if (this.pending.length) this.parts.push(new Blob(this.pending));
    this.pending = [];
    this.size = 0;
  }

  blob() {
    this.flush();
    return new Blob(this.parts, { type: this.type });
  }
}

let checker = null;
let loading = null;

async function load({ schemas, rubrics, programs }) {
  checker = new BatchChecker({ rubrics, programs, validate: makeValidator(schemas), schemas });
}

/** The totals row the page shows for a scored record (the CSV's columns, as plain data). */
function shownRow(outcome, result) {
  return {
    file: outcome.file, line: outcome.line, rubric: result.rubric,
    name: result.subject.name, code: result.subject.code ?? "", region: result.subject.region ?? "",
    period: result.period, total: plainNumber(result.total), maximum: plainNumber(result.maximum),
    score: plainNumber(result.score), outcome: result.outcome ? result.outcome.label : "",
    grade: result.grade ? result.grade.label : "", vetoed: result.vetoedBy.join("、"),
  };
}

function errorRow(outcome, error) {
  return csvLine([outcome.file, error.line ?? "", error.column ?? "", error.pointer, error.code, error.message,
    error.messageEn].map((value, index) => (index === 1 || index === 2 ? value : safeCell(value))));
}

async function run(files) {
  await loading;
  const total = files.reduce((sum, file) => sum + file.blob.size, 0);
  const jsonl = new BlobWriter("application/x-ndjson");
  const csv = new BlobWriter("text/csv;charset=utf-8", csvHeader());
  const errors = new BlobWriter("text/csv;charset=utf-8", "\ufeff" + csvLine(ERROR_COLUMNS));
  let invalid = [];
  let rows = [];
  let warned = [];
  let last = 0;
  const post = (force = false) => {
    const now = Date.now();
    if (!force && now - last < POST_EVERY_MS) return;
    last = now;
    if (invalid.length) self.postMessage({ type: "invalid", outcomes: invalid });
    if (rows.length) self.postMessage({ type: "scored", rows });
    if (warned.length) self.postMessage({ type: "warnings", outcomes: warned });
    invalid = [];
    rows = [];
    warned = [];
    self.postMessage({ type: "progress", bytes: batch.bytes, total, records: batch.records });
  };
  const batch = new BatchRun(checker, {
    onInvalid(outcome) {
      invalid.push({ file: outcome.file, line: outcome.line, rubric: outcome.rubric, errors: outcome.errors });
      for (const error of outcome.errors) errors.write(errorRow(outcome, error));
    },
    onScored({ outcome, result, line, row }) {
      jsonl.write(line);
      csv.write(row);
      rows.push(shownRow(outcome, result));
    },
    onWarnings(outcome) {
      warned.push({ file: outcome.file, warnings: outcome.warnings });
    },
    onProgress: () => post(),
  });
  for (const { blob, name } of files) await batch.file(blob, name);
  post(true);
  self.postMessage({ type: "done", summary: batch.summary.toData(), summaryJson: batch.summary.json(),
    summaryText: batch.summary.text(), jsonl: jsonl.blob(), csv: csv.blob(), errorsCsv: errors.blob() });
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "load") {
    loading = load(message).then(() => self.postMessage({ type: "ready" }),
      (error) => self.postMessage({ type: "failed", message: String(error && error.message || error) }));
  } else if (message.type === "run") {
    run(message.files).catch((error) => self.postMessage({ type: "failed", message: String(error && error.stack || error) }));
  }
};
