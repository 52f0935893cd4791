// The Node conformance adapter (tools/js/conformance-adapter.mjs) speaks the protocol of
// spec/conformance.md section 6: hello, one answer per case, error for a kind it does not claim, exit on stop.
// The whole suite runs through it in tests/test_conformance_harness.py (wsas conformance run).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

import { ROOT, readJson } from "./published.mjs";

test("the adapter says hello, answers cases in order and exits on stop", async () => {
  const child = spawn(process.execPath, [path.join(ROOT, "tools", "js", "conformance-adapter.mjs")],
    { stdio: ["pipe", "pipe", "inherit"] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (message) => {
    child.stdin.write(JSON.stringify(message) + "\n");
    return JSON.parse((await lines.next()).value);
  };
  const hello = await ask({ type: "start", protocol: 1, spec: "1.1.0" });
  assert.equal(hello.type, "hello");
  assert.equal(hello.protocol, 1);
  assert.deepEqual(hello.levels, ["validator", "scorer"]);

  const vectors = readJson(path.join(ROOT, "tests", "conformance", "veto.json"));
  const submission = structuredClone(vectors.base);
  submission.responses["2.1"] = { triggered: true };
  const scored = await ask({ type: "case", id: "veto.json#2", kind: "submission",
    input: { catalogue: [vectors.rubric], submission, score: true } });
  assert.equal(scored.id, "veto.json#2");
  assert.equal(scored.output.valid, true);
  assert.equal(scored.output.result.score, 0);
  assert.deepEqual(scored.output.result.vetoedBy, ["2.1"]);

  const other = await ask({ type: "case", id: "x.json#1", kind: "schedule", input: {} });
  assert.equal(other.type, "error");
  assert.equal(other.id, "x.json#1");

  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.stdin.write(JSON.stringify({ type: "stop" }) + "\n");
  assert.equal(await exited, 0);
});
