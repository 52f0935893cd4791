// One batch run over many files, as `wsas score FILES --jsonl --csv --summary` makes it: every
// record checked (batch-check.mjs), each invalid one reported with its errors, each valid one
// scored and written as a result line and a CSV row (batch-write.mjs), counters kept
// (batch-write.mjs Summary). One bad file never stops the batch. A workbook (.xlsx) is imported
// first, as `wsas xlsx import` does (batch-xlsx.mjs): one record, its submission or its cell errors.
// Pure (no DOM, no worker API): the worker drives it in the browser, node tests drive it directly.
//
//   const run = new BatchRun(checker, {onInvalid, onScored, onProgress});
//   for (const {file, name} of files) await run.file(file, name);
//   run.summary.text()

import { fileRecords, isWorkbook } from "./batch-lines.mjs";
import { workbookOutcome } from "./batch-xlsx.mjs";
import { csvRow, resultLine, Summary } from "./batch-write.mjs";

export class BatchRun {
  /**
   * `checker` a BatchChecker; `sink` receives the outcomes: onInvalid(outcome) for a record with
   * errors, onScored({outcome, result, line, row}) for a valid one (the result line and CSV row
   * already written out), onWarnings(outcome) after it for a workbook whose cells showed other values
   * than the result (outcome.warnings, `cached-value-differs`: the record stays valid, its result
   * stands), onProgress({bytes, records}) after every batch of records, and pause() (optional)
   * awaited between batches.
   */
  constructor(checker, sink = {}) {
    this.checker = checker;
    this.sink = sink;
    this.summary = new Summary();
    this.records = 0;
    this.bytes = 0;
  }

  /** Check and score every record of one file (a Blob) named `name`. */
  async file(blob, name) {
    if (isWorkbook(name)) {
      this.outcome(await workbookOutcome(blob, name, this.checker));
      this.progress(blob.size);
      return;
    }
    for await (const { records, bytes } of fileRecords(blob, name)) {
      for (const record of records) this.outcome(this.checker.check(record));
      this.progress(bytes);
      if (this.sink.pause) await this.sink.pause();
    }
  }

  /** Count, report and (when valid and not yet scored) score one outcome. */
  outcome(outcome) {
    this.records++;
    this.summary.add(outcome.rubric, outcome.errors);
    if (outcome.errors.length) {
      if (this.sink.onInvalid) this.sink.onInvalid(outcome);
      return;
    }
    const result = this.checker.score(outcome);
    const scored = { outcome, result, line: resultLine(result), row: csvRow(result, outcome.file, outcome.line) };
    if (this.sink.onScored) this.sink.onScored(scored);
    if (outcome.warnings && outcome.warnings.length && this.sink.onWarnings) this.sink.onWarnings(outcome);
  }

  progress(bytes) {
    this.bytes += bytes;
    if (this.sink.onProgress) this.sink.onProgress({ bytes: this.bytes, records: this.records });
  }
}
