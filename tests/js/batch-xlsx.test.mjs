// The batch page's workbook import (batch-xlsx*.mjs) against `wsas xlsx import --format json` on the
// same workbooks, made at test time by tests/js/fixtures/xlsx_workbooks.py (every case of
// tests/test_xlsx.py: filled templates of every example and workbook-shaped conformance vector,
// wrong and empty cells, rows not yet due, changed structure, files that are not workbooks; and,
// where LibreOffice is installed, some of them as Calc saves them, one with stale cached values):
// the same verdict, the same errors (code, sheet!cell, criterion, pointer, messages), the same
// submission; and through the batch pipeline, byte for byte the JSON Lines and CSV that
// `wsas score` writes for the imported submissions (the CSV's file column naming the workbook).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ROOT, programs, published, schemas, validate } from "./published.mjs";
import { BatchChecker } from "../../site_src/assets/js/batch-check.mjs";
import { BatchRun } from "../../site_src/assets/js/batch-run.mjs";
import { Summary, csvHeader } from "../../site_src/assets/js/batch-write.mjs";
import { importWorkbook } from "../../site_src/assets/js/batch-xlsx.mjs";
import { floatRepr, fromExcel } from "../../site_src/assets/js/batch-xlsx-sheets.mjs";
import { sameFormula, translateFormula } from "../../site_src/assets/js/batch-xlsx-formula.mjs";

const PYTHON = path.join(ROOT, ".venv", "bin", "python");


// Messages that quote a Python exception: the code and place agree, the words cannot.
const PYTHON_WORDS = new Set(["flipped.xlsx", "chart-manifest.xlsx"]);

function wsas(args, cwd) {
  try {
    return execFileSync(PYTHON, ["-m", "wsas", ...args], { cwd, maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] }).toString("utf8");
  } catch (error) {
    if (error.status === 1) return error.stdout.toString("utf8"); // some workbooks refused: expected
    throw error;
  }
}

function cliImport() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsas-batch-xlsx-"));
  execFileSync(PYTHON, [path.join(ROOT, "tests", "js", "fixtures", "xlsx_workbooks.py"), path.join(dir, "books")], { cwd: ROOT });
  const names = fs.readdirSync(path.join(dir, "books")).filter((n) => n.endsWith(".xlsx")).sort();
  const reports = wsas(["xlsx", "import", "--format", "json", "-o", path.join(dir, "out"), ...names], path.join(dir, "books"))
    .split("\n").filter(Boolean).map((line) => JSON.parse(line));
  const submissions = names.filter((n) => fs.existsSync(path.join(dir, "out", n.replace(/\.xlsx$/, ".json"))))
    .map((n) => path.join("out", n.replace(/\.xlsx$/, ".json")));
  wsas(["score", ...submissions, "--jsonl", "cli.jsonl", "--csv", "cli.csv", "--summary", "cli.summary.json", "--quiet"], dir);
  return { dir, names, reports: new Map(reports.map((report) => [report.file, report])) };
}

const errorKey = (e) => [e.code, e.at, e.criterion, e.pointer];

test("every workbook imports as wsas xlsx import imports it, and scores as wsas score scores the submission", async () => {
  const { dir, names, reports } = cliImport();
  try {
    const checker = new BatchChecker({ rubrics: published, programs, validate, schemas });
    const lines = [];
    const rows = [];
    const invalid = new Map();
    const warnedBy = new Map(); // what the page shows as warnings, by workbook
    const run = new BatchRun(checker, {
      onScored: ({ line, row }) => { lines.push(line); rows.push(row); },
      onInvalid: (outcome) => invalid.set(outcome.file, outcome),
      onWarnings: (outcome) => warnedBy.set(outcome.file, outcome.warnings),
    });
    const expected = new Summary(); // wsas score's summary of the submissions written, one invalid record per workbook refused
    let imported = 0;
    let warned = 0;
    const codes = new Set();
    for (const name of names) {
      const bytes = fs.readFileSync(path.join(dir, "books", name));
      const report = reports.get(name);
      const mine = importWorkbook(new Uint8Array(bytes), name, checker);
      await run.file(new Blob([bytes]), name); // the page's way: the batch run imports each workbook
      expected.add(report.rubric, report.errors);
      assert.equal(Boolean(mine.outcome), report.ok, `${name}: ${JSON.stringify(mine.errors.map(errorKey))} vs ${JSON.stringify(report.errors.map(errorKey))}`);
      assert.equal(mine.rubric, report.rubric, name);
      assert.deepEqual(mine.errors.map(errorKey), report.errors.map(errorKey), name);
      assert.deepEqual(mine.warnings.map((w) => [...errorKey(w), w.message, w.messageEn]),
        report.warnings.map((w) => [...errorKey(w), w.message, w.messageEn]), name);
      if (report.warnings.length) warned++;
      assert.deepEqual((warnedBy.get(name) || []).map((w) => [w.code, w.at, w.message]),
        report.warnings.map((w) => [w.code, w.at, w.message]), `${name}: the batch run's warnings`);
      for (const [index, error] of mine.errors.entries()) {
        codes.add(error.code);
        assert.equal(error.file, name);
        if (PYTHON_WORDS.has(name)) continue;
        assert.equal(error.message, report.errors[index].message, name);
        assert.equal(error.messageEn, report.errors[index].messageEn, name);
      }
      if (report.ok) {
        imported++;
        const written = fs.readFileSync(path.join(dir, "out", name.replace(/\.xlsx$/, ".json")), "utf8");
        assert.equal(mine.submission, written, `${name}: the submission as wsas xlsx import writes it`);
      } else {
        assert.deepEqual(invalid.get(name).errors.map(errorKey), report.errors.map(errorKey), name);
        assert.equal(invalid.get(name).rubric, report.rubric, name);
      }
    }
    assert.ok(imported >= 50, `only ${imported} workbooks imported`);
    // stale-cache.xlsx is a template whose cached total and score were written by hand; lo-stale-cache.xlsx
    // the same as LibreOffice saved it (where LibreOffice is installed)
    assert.equal(warned, names.includes("lo-stale-cache.xlsx") ? 2 : 1, "a stale cached value is a warning");
    assert.equal(warnedBy.size, warned);
    for (const code of ["corrupt", "not-xlsx", "legacy-xls", "encrypted", "not-a-template", "tampered", "unknown-rubric",
      "unknown-version", "formula-overwritten", "not-a-number", "bad-value", "empty", "out-of-range", "off-step", "schema",
      "percent-format", "input-formula", "invalid-date", "not-applicable-not-allowed"]) {
      assert.ok(codes.has(code), `no workbook gave ${code}`);
    }
    // the downloads: what wsas score writes for the submissions written, byte for byte (the file column aside)
    const cliLines = fs.readFileSync(path.join(dir, "cli.jsonl"), "utf8").split(/(?<=\n)/).filter(Boolean);
    assert.deepEqual(lines.slice().sort(), cliLines.sort());
    const cliRows = fs.readFileSync(path.join(dir, "cli.csv"), "utf8").slice(csvHeader().length).split(/(?<=\r\n)/).filter(Boolean);
    const asWorkbook = (row) => row.replace(/^out\/([^,]+)\.json,/, "$1.xlsx,");
    assert.deepEqual(rows.slice().sort(), cliRows.map(asWorkbook).sort());
    const scored = JSON.parse(fs.readFileSync(path.join(dir, "cli.summary.json"), "utf8"));
    assert.equal(scored.records, imported);
    assert.equal(run.summary.json(), expected.json());
    assert.equal(invalid.size, names.length - imported);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("formulas compare by meaning, as spreadsheets re-save them", () => {
  assert.ok(sameFormula("=ROUND( $J$10 + 1E-9 , 2)", "=ROUND(J10+0.000000001,2)"));
  assert.ok(sameFormula("=_xlfn.IFERROR(a1,\"x\")", "=IFERROR(A1,\"x\")"));
  assert.ok(!sameFormula("=IFERROR(A1,\"X\")", "=IFERROR(A1,\"x\")"));
  assert.ok(!sameFormula("=100", "=SUM(J10:J20)"));
  assert.ok(!sameFormula("=SUM(J10:J20", "=SUM(J10:J20)"));
  assert.ok(!sameFormula(100, "=SUM(J10:J20)"));
  // a shared formula's follower: relative references moved, absolute ones kept
  assert.ok(sameFormula(translateFormula("=SUM(J10:J12)+$A$1*B$2-'评估表'!C3", 2, 1), "=SUM(K12:K14)+$A$1*C$2-'评估表'!D5"));
});

test("cell values as openpyxl reads them: floats by their repr, dates from serials", () => {
  assert.deepEqual([0.1, 10, 1e16, 1.5e-5, 123456.789].map(floatRepr), ["0.1", "10.0", "1e+16", "1.5e-05", "123456.789"]);
  assert.equal(fromExcel(43952, false, false).toString(), "2020-05-01 00:00:00");
  assert.equal(fromExcel(43952.5, false, false).toString(), "2020-05-01 12:00:00");
  assert.equal(fromExcel(42490, true, false).toString(), "2020-05-01 00:00:00");
  assert.equal(fromExcel(0.25, false, false).toString(), "06:00:00");
  assert.equal(fromExcel(59, false, false).toString(), "1900-02-28 00:00:00");
});
