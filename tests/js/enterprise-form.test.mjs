// The pure side of the enterprise-record form (site_src/assets/js/enterprise-model.mjs): the checks of
// `wsas records enterprises` against the vectors tests/conformance/records/enterprise.json (the same ones the
// Python reference passes), the form values ⇄ record round trip on the examples, and the import refusal.
//   node --test tests/js/

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  FIELDS, TOP_ORDER, buildDocument, exportFileName, fieldLabel, isEmpty, ledgerErrors, notAnEnterprise, recordErrors,
  valuesFromDocument,
} from "../../site_src/assets/js/enterprise-model.mjs";
import { loadSchemas, makeSchemaValidator } from "../../site_src/assets/js/validator.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const programs = fs.readdirSync(path.join(ROOT, "rubrics"))
  .filter((name) => fs.existsSync(path.join(ROOT, "rubrics", name, "program.yaml")));
const schemas = await loadSchemas(path.join(ROOT, "schemas") + "/", ["enterprise.json"], async (file) => readJson(file));
const schema = schemas[0];
const schemaErrors = makeSchemaValidator(schemas, "enterprise.json");
const vectors = readJson(path.join(ROOT, "tests", "conformance", "records", "enterprise.json"));
const EXAMPLES = path.join(ROOT, "records", "examples");

function patched(document, patch) {
  const copy = structuredClone(document);
  for (const [pointer, value] of Object.entries(patch || {})) {
    const key = pointer.slice(1);
    if (value === null) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

function item(entry) {
  if ("line" in entry) {
    try {
      return JSON.parse(entry.line);
    } catch (error) {
      return { syntax: error.message };
    }
  }
  return "record" in entry ? entry.record : patched(vectors.bases[entry.base], entry.patch);
}

const key = (e) => `${e.record} ${e.code} ${e.pointer}`;

for (const [index, c] of vectors.cases.entries()) {
  test(`enterprise vector ${index}: ${c.description}`, () => {
    const found = ledgerErrors(c.ledger.map(item), schema, schemaErrors, programs);
    const got = found.flatMap((errors, record) => errors.map((e) => key({ record, ...e }))).sort();
    assert.deepEqual(got, c.expected.errors.map(key).sort());
    assert.equal(found.every((errors) => errors.length === 0), c.expected.valid);
  });
}

test("the form has a field for every member of enterprise.json, labelled from its title", () => {
  const members = Object.keys(schema.properties).filter((m) => m !== "$schema");
  assert.deepEqual(FIELDS.map((f) => f.pointer.slice(1)).sort(), members.sort());
  assert.deepEqual(TOP_ORDER, Object.keys(schema.properties));
  assert.equal(fieldLabel(schema, "/threeSimultaneities"), "“三同时”落实");
  assert.equal(fieldLabel(schema, "/employees"), "从业人员");
});

test("values ⇄ record: every example comes back the same, blanks are left out", () => {
  for (const name of fs.readdirSync(path.join(EXAMPLES, "enterprises"))) {
    const document = readJson(path.join(EXAMPLES, "enterprises", name));
    const { values, dropped } = valuesFromDocument(document);
    assert.deepEqual(dropped, []);
    assert.deepEqual(buildDocument(values), document);
    assert.deepEqual(recordErrors(document, schema, schemaErrors, programs), []);
    assert.equal(exportFileName(document), name);
  }
  assert.deepEqual(buildDocument({ "/name": "  示例  ", "/scale": " " }), { name: "示例" });
  assert.equal(buildDocument({}, { schema: true }).$schema, "https://wsas.org/schemas/v1/enterprise.json");
  assert.ok(isEmpty({}) && !isEmpty({ "/name": "x" }));
  assert.deepEqual(valuesFromDocument({ name: "x", employees: 3, extra: "y" }).dropped, ["/employees", "/extra"]);
});

test("missing items are reported one by one, at the field, citing 004:102", () => {
  const errors = recordErrors({ id: "E-1", name: "示例" }, schema, schemaErrors, programs);
  assert.deepEqual(errors.map((e) => e.pointer), ["/address", "/scale", "/kind", "/employees", "/processes",
    "/standardization", "/threeSimultaneities"]);
  assert.ok(errors.every((e) => e.code === "missing-field" && e.message.includes("004:102")));
});

test("imports: a hazard record or a submission is not an enterprise record", () => {
  const hazard = readJson(path.join(EXAMPLES, "hazards", "H-2024-001.json"));
  assert.ok(notAnEnterprise(hazard, Object.keys(schema.properties)));
  assert.ok(notAnEnterprise({ rubric: "x", responses: {} }));
  assert.ok(notAnEnterprise([1]));
  assert.equal(notAnEnterprise({ name: "x" }), null);
});
