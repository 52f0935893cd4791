// The npm package wsas-js (packages/wsas-js): `npm pack` gives a tarball that installs into an empty
// folder and, imported there from Node by its name, validates and scores the conformance vectors that
// carry their own rubric as the vectors expect. Packing leaves no copy of the sources behind.
// Cost: about 3 s (pack, an install from the npm cache, one run).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Decimal from "decimal.js";

import { ROOT, readJson } from "./published.mjs";

const PACKAGE = path.join(ROOT, "packages", "wsas-js");
const VECTORS = path.join(ROOT, "tests", "conformance");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

// Run in the installed folder: every case of the given vector files (inline rubrics), answered by the
// package as a consumer imports it; numbers as strings, so the test compares exact decimals.
const CONSUMER = `
import fs from "node:fs";
import { makeValidator, scoreValid } from "wsas-js";
import { schemas } from "wsas-js/node";

const validate = makeValidator(schemas());
const answers = [];
for (const file of process.argv.slice(2)) {
  const vectors = JSON.parse(fs.readFileSync(file, "utf8"));
  vectors.cases.forEach((testCase, index) => {
    let submission = testCase.submission;
    if (!submission) {
      submission = structuredClone(vectors.base);
      for (const [key, value] of Object.entries(testCase.responses)) {
        if (value === null) delete submission.responses[key];
        else submission.responses[key] = value;
      }
    }
    const errors = validate(submission, [vectors.rubric]);
    const answer = { id: file + "#" + (index + 1), errors: errors.map((e) => ({ pointer: e.pointer, code: e.code })) };
    if (!errors.length) {
      const result = scoreValid(submission, vectors.rubric);
      answer.result = { score: String(result.score), total: String(result.total), maximum: String(result.maximum),
        criteria: Object.fromEntries(result.criteria.map((line) => [line.id, String(line.awarded)])) };
    }
    answers.push(answer);
  });
}
process.stdout.write(JSON.stringify(answers));
`;

const matches = (want, got) => want.code === got.code &&
  (got.pointer === want.pointer || got.pointer.startsWith(want.pointer + "/"));
const same = (got, want) => got !== undefined && new Decimal(got).eq(new Decimal(String(want)));

test("the packed wsas-js installs into an empty folder and scores the vectors", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "wsas-js-"));
  try {
    execFileSync(NPM, ["pack", "--silent", "--pack-destination", work], { cwd: PACKAGE, stdio: "pipe" });
    for (const copy of ["lib", "schemas", "LICENSE"]) {
      assert.ok(!fs.existsSync(path.join(PACKAGE, copy)), `${copy} is removed after packing (one source copy)`);
    }
    const version = readJson(path.join(PACKAGE, "package.json")).version;
    const tarball = path.join(work, `wsas-js-${version}.tgz`);
    assert.ok(fs.existsSync(tarball), "npm pack wrote wsas-js-<version>.tgz");

    const app = path.join(work, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", tarball],
      { cwd: app, stdio: "pipe" });
    const installed = path.join(app, "node_modules", "wsas-js");
    for (const name of ["scorer.mjs", "validator.mjs"]) {
      assert.equal(fs.readFileSync(path.join(installed, "lib", name), "utf8"),
        fs.readFileSync(path.join(ROOT, "site_src", "assets", "js", name), "utf8"), `lib/${name} is the source`);
    }
    assert.deepEqual(fs.readdirSync(path.join(installed, "schemas")).sort(),
      fs.readdirSync(path.join(ROOT, "schemas")).filter((n) => n.endsWith(".json")).sort());

    const files = fs.readdirSync(VECTORS).filter((n) => n.endsWith(".json")).map((n) => path.join(VECTORS, n))
      .filter((file) => typeof readJson(file).rubric === "object");
    assert.ok(files.length >= 5, "vector files with an inline rubric");
    fs.writeFileSync(path.join(app, "consumer.mjs"), CONSUMER);
    const answers = JSON.parse(execFileSync(process.execPath, ["consumer.mjs", ...files], { cwd: app, encoding: "utf8" }));

    let scored = 0;
    for (const file of files) {
      readJson(file).cases.forEach(({ expected }, index) => {
        const answer = answers.find((a) => a.id === `${file}#${index + 1}`);
        const where = `${path.basename(file)}#${index + 1}`;
        if (!expected.valid) {
          assert.ok(answer.errors.length > 0, `${where}: expected invalid`);
          assert.ok(expected.errors.every((want) => answer.errors.some((got) => matches(want, got))), where);
          assert.ok(answer.errors.every((got) => expected.errors.some((want) => matches(want, got))), where);
          return;
        }
        assert.deepEqual(answer.errors, [], where);
        for (const key of ["score", "total", "maximum"]) {
          if (key in expected) assert.ok(same(answer.result[key], expected[key]), `${where} ${key}`);
        }
        for (const [id, points] of Object.entries(expected.criteria || {})) {
          assert.ok(same(answer.result.criteria[id], points), `${where} criterion ${id}`);
        }
        scored += 1;
      });
    }
    assert.ok(scored > 50, `scored ${scored} valid cases`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
