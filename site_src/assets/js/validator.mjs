// WSAS validator: the JSON Schema layer (Ajv, draft 2020-12) followed by the semantic
// checks of scorer.mjs, as in the Python reference (tools/wsas/scoring/validation.py, schemas.py).
//
//   const validate = await loadValidator("../downloads/schemas/v1/", fetchJson);
//   const errors = validate(submission, rubric);   // [] when valid
//
// Schema errors come first and alone: {pointer, code: "schema", keyword, message, messageEn}
// (code "invalid-date" for a calendar format, calendar-formats.mjs; "too-deep" for a document
// nested deeper than 64 levels, nesting.mjs);
// the semantic checks run only on schema-valid documents.
//
// Other published schemas (the hazard-record form) use the schema layer alone:
//
//   const schemaErrors = makeSchemaValidator(await loadSchemas(base, ["hazard.json"], fetchJson), "hazard.json");

import Ajv2020 from "ajv/dist/2020.js";
import { addCalendarFormats, formatMessages } from "./calendar-formats.mjs";
import { schemaMessage, shortJson } from "./messages.mjs";
import { nestedTooDeep, tooDeepError } from "./nesting.mjs";
import { checkResponses } from "./scorer.mjs";

const SUBMISSION = "submission.json";

async function defaultFetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** Every "$ref" string in a schema. */
function refsOf(schema, found = []) {
  if (Array.isArray(schema)) {
    for (const value of schema) refsOf(value, found);
  } else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      if ((key === "$ref" || key === "$dynamicRef") && typeof value === "string") found.push(value);
      else refsOf(value, found);
    }
  }
  return found;
}

/** The directory part of a URL (up to and including the last "/"). */
function directoryOf(url) {
  return url.slice(0, url.lastIndexOf("/") + 1);
}

/**
 * Load submission.json, defs.json and every schema file they $ref (followed transitively)
 * from `schemaBase` (a URL or path ending in the schema directory, e.g.
 * "../downloads/schemas/v1/") with `fetchJson(url) → Promise<object>` (default: fetch),
 * and return the validator of makeValidator.
 */
export async function loadValidator(schemaBase, fetchJson = defaultFetchJson) {
  return makeValidator(await loadSchemas(schemaBase, [SUBMISSION, "defs.json"], fetchJson));
}

/**
 * Load the schema files `names` (e.g. ["hazard.json"]) and every schema file they $ref,
 * followed transitively, from `schemaBase`; returns them as an array (the first is names[0]).
 */
export async function loadSchemas(schemaBase, names, fetchJson = defaultFetchJson) {
  const base = schemaBase.endsWith("/") ? schemaBase : schemaBase + "/";
  const loaded = new Map();
  const queue = [...names];
  while (queue.length) {
    const name = queue.shift();
    if (loaded.has(name)) continue;
    const schema = await fetchJson(base + name);
    loaded.set(name, schema);
    // $refs are resolved against the schema's own $id; files under the same directory
    // as its $id are fetched from schemaBase under the same relative name
    const id = typeof schema.$id === "string" ? schema.$id : `https://wsas.org/schemas/v1/${name}`;
    const home = directoryOf(id);
    for (const ref of refsOf(schema)) {
      const target = ref.split("#")[0];
      if (!target) continue;
      const absolute = new URL(target, id).href;
      if (absolute.startsWith(home)) {
        const file = absolute.slice(home.length);
        if (!loaded.has(file) && !queue.includes(file)) queue.push(file);
      }
    }
  }
  return [...loaded.values()];
}

/** Every subschema object of the schemas with its location: object → "<$id>#<pointer>". */
function indexLocations(schemas) {
  const locations = new Map();
  const visit = (node, location) => {
    if (!node || typeof node !== "object") return;
    if (!Array.isArray(node) && !locations.has(node)) locations.set(node, location);
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      visit(value, `${location}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`);
    }
  };
  for (const schema of schemas) visit(schema, `${schema.$id}#`);
  return locations;
}

/** The schema path as a list for sorting like Python (list of strings, element by element). */
function segments(pointerText) {
  return pointerText === "" ? [] : pointerText.slice(1).split("/");
}

function comparePaths(a, b) {
  const x = segments(a);
  const y = segments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The oneOf branch meant by an object (Python schemas._chosen_branch): by its `kind` when the
 * branches discriminate on it, else the only branch whose required members it has; or null.
 */
function chosenBranch(branches, instance) {
  const kind = instance.kind;
  if (kind !== undefined) {
    for (let index = 0; index < branches.length; index++) {
      const branch = branches[index];
      const declared = branch && typeof branch === "object" ? (branch.properties || {}).kind : undefined;
      if (declared && typeof declared === "object" &&
          (declared.const === kind || (Array.isArray(declared.enum) && declared.enum.includes(kind)))) {
        return index;
      }
    }
  }
  const matches = [];
  branches.forEach((branch, index) => {
    const required = branch && typeof branch === "object" && Array.isArray(branch.required) ? branch.required : [];
    if (required.length && required.every((key) => Object.prototype.hasOwnProperty.call(instance, key))) {
      matches.push(index);
    }
  });
  return matches.length === 1 ? matches[0] : null;
}

/**
 * A validator over already-loaded schema objects (an array, or an object of them by name).
 * They must include submission.json and every schema it $refs (defs.json); each is
 * registered under its $id. Returns validate(submission, rubric) → errors, with
 * validate.schemaErrors(document) for the schema layer alone.
 * `rubric` is the rubric the submission names (or a list of the available rubrics).
 */
export function makeValidator(schemas) {
  const schemaErrors = makeSchemaValidator(schemas, SUBMISSION);
  function validate(document, rubric) {
    const errors = schemaErrors(document);
    if (errors.length) return errors;
    return checkResponses(document, rubric);
  }
  validate.schemaErrors = schemaErrors;
  return validate;
}

/**
 * The schema layer alone for any published schema: `rootName` (e.g. "hazard.json") among the
 * loaded `schemas` (an array, or an object of them by name; each registered under its $id).
 * Returns schemaErrors(document) → [{pointer, code: "schema", keyword, message, messageEn}]
 * ([] when valid); a `required` error also names the missing member (`missing`).
 */
export function makeSchemaValidator(schemas, rootName) {
  const list = [];
  const ids = new Set();
  for (const schema of Array.isArray(schemas) ? schemas : Object.values(schemas)) {
    if (!schema || typeof schema !== "object" || ids.has(schema.$id)) continue;
    ids.add(schema.$id);
    list.push(schema);
  }
  const root = list.find((s) => typeof s.$id === "string" && s.$id.endsWith("/" + rootName));
  if (!root) throw new Error(`makeSchemaValidator: ${rootName} (with its $id) is missing`);
  // verbose: errors carry data and (parent) schema, for messages and for oneOf branches;
  // it changes no verdict.
  const ajv = addCalendarFormats(new Ajv2020({ strict: false, allErrors: true, verbose: true }));
  for (const schema of list) ajv.addSchema(schema);
  const check = ajv.getSchema(root.$id);
  const locations = indexLocations(list);
  const branchValidators = new Map();

  /** Validators of the branches of a oneOf/anyOf (by the error's parent schema), or null. */
  function branchesOf(parentSchema, keyword) {
    const key = parentSchema;
    if (!branchValidators.has(key)) {
      const where = locations.get(parentSchema);
      const branches = parentSchema && parentSchema[keyword];
      branchValidators.set(key, where && Array.isArray(branches)
        ? branches.map((_, index) => ajv.compile({ $ref: `${where}/${keyword}/${index}` }))
        : null);
    }
    return branchValidators.get(key);
  }

  function translate(error, prefix) {
    if (error.keyword === "format") {
      const [message, messageEn] = formatMessages(error.params.format, shortJson(error.data));
      return { pointer: prefix + error.instancePath, code: "invalid-date", keyword: "format", message, messageEn };
    }
    const [message, messageEn] = schemaMessage(error);
    const translated = { pointer: prefix + error.instancePath, code: "schema", keyword: error.keyword, message, messageEn };
    if (error.keyword === "required" && error.params) translated.missing = error.params.missingProperty;
    return translated;
  }

  /**
   * Ajv lists the errors of every branch of a failed oneOf/anyOf before the oneOf error
   * itself; Python's jsonschema nests them. Fold them back: a failed oneOf on an object
   * becomes the errors of the branch the object means (so "类型应为数值" appears next to
   * the field), otherwise one error for the oneOf/anyOf. `if` and `propertyNames` wrappers
   * are dropped (their inner errors are kept, as in Python).
   */
  function fold(errors, prefix) {
    const stack = []; // entries: {raw: number of Ajv errors covered, out: translated errors}
    for (const error of errors) {
      const { keyword } = error;
      if (keyword === "if" || keyword === "propertyNames") {
        stack.push({ raw: 1, out: [], at: error.instancePath });
        continue;
      }
      if ((keyword === "oneOf" || keyword === "anyOf") && error.parentSchema) {
        const branches = branchesOf(error.parentSchema, keyword);
        if (branches) {
          const runs = branches.map((validateBranch) => {
            validateBranch(error.data);
            return validateBranch.errors ? [...validateBranch.errors] : [];
          });
          let need = runs.reduce((n, run) => n + run.length, 0);
          while (need > 0 && stack.length) need -= stack.pop().raw;
          const instance = error.data;
          if (keyword === "oneOf" && instance && typeof instance === "object" && !Array.isArray(instance)) {
            const branch = chosenBranch(error.schema, instance);
            if (branch !== null && runs[branch].length) {
              stack.push({ raw: 1 + runs.reduce((n, run) => n + run.length, 0),
                out: fold(runs[branch], prefix + error.instancePath), at: error.instancePath });
              continue;
            }
          }
          stack.push({ raw: 1 + runs.reduce((n, run) => n + run.length, 0),
            out: [translate(error, prefix)], at: error.instancePath });
          continue;
        }
      }
      stack.push({ raw: 1, out: [translate(error, prefix)], at: error.instancePath });
    }
    return stack
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => comparePaths(a.entry.at, b.entry.at) || a.index - b.index)
      .flatMap(({ entry }) => entry.out);
  }

  /** The schema errors of a document ([] when schema-valid); one too-deep error, as from the
   *  reader, for a document built in memory nested deeper than a file may be. */
  return function schemaErrors(document) {
    if (nestedTooDeep(document)) return [tooDeepError()];
    if (check(document)) return [];
    return fold(check.errors || [], "");
  };
}
