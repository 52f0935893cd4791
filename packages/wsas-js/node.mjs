// wsas-js/node: the published JSON Schemas this package carries (schemas/, copied when it is packed),
// read from disk, and a validator over them. Node only; in a browser load the schemas yourself.

import fs from "node:fs";

import { makeValidator } from "./lib/validator.mjs";

const SCHEMAS = new URL("./schemas/", import.meta.url);

/** Every schema of schemas/ (schemas/v1 of the specification), as objects, by file name order. */
export function schemas() {
  return fs.readdirSync(SCHEMAS).filter((name) => name.endsWith(".json")).sort()
    .map((name) => JSON.parse(fs.readFileSync(new URL(name, SCHEMAS), "utf8")));
}

/** validate(submission, rubric or rubrics) → errors ([] when valid), over the carried schemas. */
export function validator() {
  return makeValidator(schemas());
}
