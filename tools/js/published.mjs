// The published schemas and rubrics, read from the repository, and the JavaScript validator over
// them: shared by the conformance adapter, the conformance tests and score-lines.mjs so that all read them one way.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

import { makeValidator } from "../../site_src/assets/js/validator.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMAS = path.join(ROOT, "schemas");
const RUBRICS = path.join(ROOT, "rubrics");

export const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

export const schemas = fs.readdirSync(SCHEMAS).filter((f) => f.endsWith(".json")).sort()
  .map((f) => readJson(path.join(SCHEMAS, f)));
export const validate = makeValidator(schemas);

/** Every published rubric: rubrics/<program>/<rubric>.yaml (not program.yaml). */
function publishedRubrics() {
  const found = [];
  for (const program of fs.readdirSync(RUBRICS).sort()) {
    const dir = path.join(RUBRICS, program);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (file.endsWith(".yaml") && file !== "program.yaml") {
        found.push(yaml.load(fs.readFileSync(path.join(dir, file), "utf8")));
      }
    }
  }
  return found;
}
export const published = publishedRubrics();

/** Every published program: rubrics/<program>/program.yaml. */
export const programs = fs.readdirSync(RUBRICS).sort()
  .map((dir) => path.join(RUBRICS, dir, "program.yaml"))
  .filter((file) => fs.existsSync(file))
  .map((file) => yaml.load(fs.readFileSync(file, "utf8")));
