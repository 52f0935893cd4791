// A document built in memory (JSON.parse'd or made by a vendor's code) nested thousands deep: the
// validator answers with the reader's too-deep error instead of overflowing Ajv's stack, as the
// Python reference's validate() does (tests/test_bad_input.py).

import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";

import { ROOT, published, readJson, schemas, validate } from "./published.mjs";
import { makeSchemaValidator } from "../../site_src/assets/js/validator.mjs";
import { MAX_DEPTH, nestedTooDeep } from "../../site_src/assets/js/nesting.mjs";

/** {"x": {"x": … {}}} with `depth` levels. */
function nested(depth) {
  let document = {};
  for (let level = 1; level < depth; level++) document = { x: document };
  return document;
}

const good = readJson(path.join(ROOT, "rubrics", "lianyungang-2020", "examples", "enterprise.valid.json"));

test("a document nested deeper than 64 levels gets one too-deep error", () => {
  const hazardErrors = makeSchemaValidator(schemas, "hazard.json");
  for (const document of [nested(100_000), [nested(MAX_DEPTH)], { ...good, notes: nested(70) }]) {
    assert.deepEqual(validate(document, published).map((e) => [e.code, e.pointer]), [["too-deep", ""]]);
    assert.deepEqual(hazardErrors(document).map((e) => e.code), ["too-deep"]);
  }
});

test("64 levels are validated as usual", () => {
  assert.equal(nestedTooDeep(nested(MAX_DEPTH)), false);
  assert.equal(nestedTooDeep([nested(MAX_DEPTH)]), true);
  assert.ok(!validate(nested(MAX_DEPTH), published).some((e) => e.code === "too-deep"));
  assert.deepEqual(validate(good, published), []);
});
