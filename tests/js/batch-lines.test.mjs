// JSON Lines splitting of the batch page (batch-lines.mjs LineSplitter) and its writers
// (batch-write.mjs): the same records whatever the chunk boundaries (a character, a CRLF or
// the file's BOM cut in two), the rules of tools/wsas/sources.py (BOM only at the start of the
// file, trailing CRs, blank lines, empty files, over-long lines), and CSV cells as Python's csv
// module and spreadsheet_text.safe_cell write them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { LineSplitter, fileRecords } from "../../site_src/assets/js/batch-lines.mjs";
import { MAX_BYTES } from "../../site_src/assets/js/batch-read.mjs";
import { csvLine, floatText, safeCell } from "../../site_src/assets/js/batch-write.mjs";
import { ROOT } from "./published.mjs";

const enc = (text) => new Uint8Array(Buffer.from(text, "utf8"));
const simple = (records) => records.map((r) => [r.line, r.text ?? null, r.error ? r.error.code : null,
  r.error && r.error.column !== undefined ? r.error.column : null]);

function split(bytes, size) {
  const splitter = new LineSplitter("f.jsonl");
  const out = [];
  for (let at = 0; at < bytes.length; at += size) out.push(...splitter.push(bytes.subarray(at, at + size)));
  out.push(...splitter.end());
  return simple(out);
}

const SAMPLE = new Uint8Array([
  ...enc("\ufeff{\"名\": \"甲\"}\r\n\r\n  \t\n{\"b\": 2}\r\r\n"), 0xef, 0xbb, 0xbf, ...enc("{\"c\": 3}\n"),
  ...enc("{\"d\": \""), 0xc4, 0xe3, ...enc("\"}\n\x0b\x0c\n{\"e\": \"尾\"}"),
]);

test("the same records whatever the chunk size", () => {
  const whole = split(SAMPLE, SAMPLE.length);
  assert.deepEqual(whole, [
    [1, "{\"名\": \"甲\"}", null, null],
    [4, "{\"b\": 2}", null, null],
    [5, null, "syntax", 1],          // a BOM at the start of a later line
    [6, null, "encoding", 8],        // GBK bytes: column of the first bad byte (offset 7)
    [8, "{\"e\": \"尾\"}", null, null],
  ]);
  for (let size = 1; size < SAMPLE.length; size++) assert.deepEqual(split(SAMPLE, size), whole, `chunks of ${size}`);
});

test("an empty file and a file of blank lines are one `empty` record", () => {
  assert.deepEqual(split(enc(""), 1), [[null, null, "empty", null]]);
  assert.deepEqual(split(enc("\n \r\n\t\n"), 2), [[null, null, "empty", null]]);
  assert.deepEqual(split(enc("\ufeff"), 1), [[null, null, "empty", null]]);
});

test("a line over the limit is `too-large` and the next line is read", () => {
  const long = new Uint8Array(MAX_BYTES + 10).fill(0x20);
  long[0] = 0x5b;
  const bytes = new Uint8Array([...enc("{}\n"), ...long, ...enc("\n{\"x\": 1}\n")]);
  assert.deepEqual(split(bytes, 1 << 20), [[1, "{}", null, null], [2, null, "too-large", null], [3, "{\"x\": 1}", null, null]]);
});

test("fileRecords streams a Blob and reads a .json file whole", async () => {
  const batches = [];
  for await (const batch of fileRecords(new Blob([SAMPLE]), "a.jsonl")) batches.push(batch);
  assert.equal(batches.reduce((n, b) => n + b.bytes, 0), SAMPLE.length);
  assert.equal(batches.flatMap((b) => b.records).length, 5);
  for await (const batch of fileRecords(new Blob([enc("{\"a\": 1}")]), "a.json")) batches.push(batch);
  assert.deepEqual([...batches.at(-1).records[0].bytes], [...enc("{\"a\": 1}")]);
});

test("CSV cells as Python's csv module writes them, formula-like text neutralised", () => {
  const cells = ["a", "b,c", "d\"e", "f\ng", "h\ri", "", "=1+1", "+x", "-y", "@z", "\tt", "\rr", "'q", " s", "示例"];
  const python = execFileSync(join(ROOT, ".venv", "bin", "python"), ["-c",
    "import csv, io, json, sys\nfrom wsas.spreadsheet_text import safe_cell\n" +
    "cells = json.load(sys.stdin)\nout = io.StringIO()\ncsv.writer(out).writerow([safe_cell(c) for c in cells] + [12, ''])\n" +
    "sys.stdout.write(json.dumps(out.getvalue()))"], { input: JSON.stringify(cells) }).toString("utf8");
  assert.equal(csvLine([...cells.map(safeCell), 12, ""]), JSON.parse(python));
});

test("floats as orjson writes them", () => {
  const python = execFileSync(join(ROOT, ".venv", "bin", "python"), ["-c",
    "import orjson, sys, json\nprint(orjson.dumps(json.load(sys.stdin)).decode())"],
  { input: "[82.9, 0.5, 1e-05, 1.5e-06, 1e-07, 12345678.9, 0.1, 1000000000000000.5, 1.5e16, 1e21]" }).toString("utf8").trim();
  assert.equal("[" + [82.9, 0.5, 1e-5, 1.5e-6, 1e-7, 12345678.9, 0.1, 1000000000000000.5, 1.5e16, 1e21].map(floatText).join(",") + "]",
    python);
});
