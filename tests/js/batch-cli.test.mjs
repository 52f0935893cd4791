// The batch page's pipeline (batch-lines, batch-read, batch-check, batch-write, batch-run) against
// the command line on the same folder, made at test time by benchmarks/batch_page.py write_inputs
// (the example submissions, odd files, and a generated JSON Lines file with corrupted lines):
// the same invalid records with the same codes, pointers, lines and columns (`wsas validate
// --format json`), and byte for byte the same --summary, --jsonl and --csv (lines sorted).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ROOT, programs, published, schemas, validate } from "./published.mjs";
import { BatchChecker } from "../../site_src/assets/js/batch-check.mjs";
import { BatchRun } from "../../site_src/assets/js/batch-run.mjs";
import { csvHeader, errorText } from "../../site_src/assets/js/batch-write.mjs";
import { wantedInFolder } from "../../site_src/assets/js/batch-lines.mjs";

const PYTHON = path.join(ROOT, ".venv", "bin", "python");
const LINES = 3000;

/** Files under `folder`, as sources._walk lists them (sorted, wanted suffixes, no dot files), relative to its parent. */
function walk(folder, base = path.dirname(folder)) {
  const found = [];
  const entries = fs.readdirSync(folder, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relative = path.relative(base, path.join(folder, entry.name)).split(path.sep).join("/");
    if (wantedInFolder(relative, false)) found.push(relative);
  }
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    found.push(...walk(path.join(folder, entry.name), base));
  }
  return found;
}

/** The folder of inputs and what the command line made of it. */
function cliRun() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsas-batch-cli-"));
  const script = `import sys; sys.path.insert(0, ${JSON.stringify(path.join(ROOT, "benchmarks"))})\n` +
    `from pathlib import Path\nfrom batch_page import write_inputs\nwrite_inputs(Path(${JSON.stringify(path.join(dir, "batch"))}), ${LINES})\n`;
  execFileSync(PYTHON, ["-c", script], { cwd: ROOT });
  const wsas = (args) => {
    try {
      return execFileSync(PYTHON, ["-m", "wsas", ...args], { cwd: dir, maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] }).toString("utf8");
    } catch (error) {
      if (error.status === 1) return error.stdout.toString("utf8"); // some records invalid: expected
      throw error;
    }
  };
  wsas(["score", "batch", "--jsonl", "cli.jsonl", "--csv", "cli.csv", "--summary", "cli.summary.json", "--quiet"]);
  const verdicts = wsas(["validate", "batch", "--format", "json", "--quiet"]).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  return { dir, verdicts };
}

async function pageRun(dir) {
  const checker = new BatchChecker({ rubrics: published, programs, validate, schemas });
  const invalid = [];
  const lines = [];
  const rows = [];
  const run = new BatchRun(checker, {
    onInvalid: (outcome) => invalid.push(outcome),
    onScored: ({ line, row }) => { lines.push(line); rows.push(row); },
  });
  for (const name of walk(path.join(dir, "batch"))) {
    await run.file(new Blob([fs.readFileSync(path.join(dir, name))]), name);
  }
  return { run, invalid, lines, rows };
}

const sortedLines = (text) => text.split(/(?<=\n)/).filter(Boolean).sort();

test("the page's pipeline gives what wsas score and wsas validate give", async () => {
  const { dir, verdicts } = cliRun();
  try {
    const { run, invalid, lines, rows } = await pageRun(dir);
    // every invalid record: same file, line, and errors (code, pointer, line, column)
    const key = (file, line) => `${file}:${line ?? ""}`;
    const expected = new Map(verdicts.filter((v) => !v.valid).map((v) => [key(v.file, v.line),
      v.errors.map((e) => [e.code, e.pointer, e.line ?? null, e.column ?? null])]));
    const got = new Map(invalid.map((o) => [key(o.file, o.line), o.errors.map((e) => [e.code, e.pointer, e.line, e.column])]));
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
    for (const [where, errors] of expected) assert.deepEqual(got.get(where), errors, where);
    assert.ok(expected.size >= 50, `only ${expected.size} invalid records`);
    // the outputs, byte for byte
    assert.equal(run.summary.json(), fs.readFileSync(path.join(dir, "cli.summary.json"), "utf8"));
    assert.deepEqual(lines.slice().sort(), sortedLines(fs.readFileSync(path.join(dir, "cli.jsonl"), "utf8")));
    const csv = fs.readFileSync(path.join(dir, "cli.csv"), "utf8");
    assert.ok(csv.startsWith(csvHeader()));
    assert.deepEqual(rows.slice().sort(), csv.slice(csvHeader().length).split(/(?<=\r\n)/).filter(Boolean).sort());
    assert.ok(rows.some((row) => row.includes("'=HYPERLINK")), "formula-like names are neutralised");
    // and the error lines as the command line prints them
    for (const outcome of invalid) for (const error of outcome.errors) assert.ok(errorText(error).startsWith(outcome.file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
