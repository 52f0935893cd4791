// Checking and scoring one batch record, as `wsas validate` / `wsas score` do (tools/wsas/scoring/batch.py
// Checker): read strictly (batch-read.mjs), validate with the forms' validator (validator.mjs:
// Ajv on the published submission.json, then scorer.mjs's semantic checks), score valid records
// with scorer.mjs, and add what programs attach to a result (grades and consequences,
// tools/wsas/scoring/consequences.py), so that the result is the document `wsas score --jsonl` writes.
// A pure module: the worker and node tests use it.

import Ajv2020 from "ajv/dist/2020.js";
import { addCalendarFormats } from "./calendar-formats.mjs";
import { checkResponses, intervalContains, scoreValid } from "./scorer.mjs";
import { readDocument, readTextFast, withExact } from "./batch-read.mjs";

/**
 * The schema verdict alone, quickly: Ajv on the same published schemas and formats as validator.mjs,
 * without collecting every error (the verdict does not change). A record it passes needs only the
 * semantic checks; any other goes through validator.mjs for the located, translated errors — as
 * the reference's fast path (tools/wsas/scoring/fastpath.py) only ever says "valid" or "ask the reference".
 */
export function quickSchemaCheck(schemas) {
  const ajv = addCalendarFormats(new Ajv2020({ strict: false }));
  const seen = new Set();
  let root = null;
  for (const schema of Array.isArray(schemas) ? schemas : Object.values(schemas)) {
    if (!schema || typeof schema !== "object" || seen.has(schema.$id)) continue;
    seen.add(schema.$id);
    ajv.addSchema(schema);
    if (typeof schema.$id === "string" && schema.$id.endsWith("/submission.json")) root = schema.$id;
  }
  return ajv.getSchema(root);
}

/** An error placed at a record (errors.Error.at_record): a line record keeps a column only from a read error. */
export function atRecord(error, file, line) {
  const placed = { file, line: error.line ?? null, column: error.column ?? null, pointer: error.pointer ?? "",
    code: error.code, message: error.message, messageEn: error.messageEn };
  if (line !== null && line !== undefined) {
    placed.line = line;
    placed.column = error.line !== null && error.line !== undefined ? error.column ?? null : null;
  }
  return placed;
}

/** The level of the first grading scale of these programs tied to the rubric whose levels carry ranges. */
export function gradeOf(score, rubricId, programs) {
  for (const program of programs) {
    for (const scale of program.grading || []) {
      if (scale.rubric !== rubricId) continue;
      for (const level of scale.levels) {
        if (level.range && intervalContains(level.range, score)) {
          return { program: program.id, scale: scale.id, level: level.id, label: level.label };
        }
      }
    }
  }
  return null;
}

/** The consequences the programs attach to this outcome or grade. */
export function consequencesOf(rubricId, outcome, grade, programs) {
  const found = [];
  for (const program of programs) {
    for (const consequence of program.consequences || []) {
      const when = consequence.when || {};
      const byOutcome = outcome && when.outcome && when.outcome.rubric === rubricId && when.outcome.outcome === outcome.id &&
        Object.keys(when.outcome).length === 2;
      const byGrade = grade && grade.program === program.id && when.grade && when.grade.scale === grade.scale &&
        when.grade.level === grade.level && Object.keys(when.grade).length === 2;
      if (byOutcome || byGrade) {
        found.push({ program: program.id, id: consequence.id, label: consequence.label, effect: consequence.effect });
      }
    }
  }
  return found;
}

/**
 * A criterion line with its keys in the order the reference writes them: a line not yet due
 * states `due: false` right after `notApplicable` (scoring._not_due_line); others end with `due`.
 * JSON Lines output is compared byte for byte, so the order is part of the result.
 */
export function pythonKeyOrder(line) {
  if (line.due !== false || Object.keys(line).indexOf("due") === Object.keys(line).indexOf("notApplicable") + 1) return line;
  const ordered = {};
  for (const [key, value] of Object.entries(line)) {
    if (key === "due") continue;
    ordered[key] = value;
    if (key === "notApplicable") ordered.due = false;
  }
  return ordered;
}

/**
 * Validates and scores records against the published rubrics. `validate` is validator.mjs's
 * makeValidator(schemas); `schemas` (optional) the same schemas, for quickSchemaCheck; `programs`
 * the published program data (sorted by id here, as Python lists them).
 */
export class BatchChecker {
  constructor({ rubrics, programs = [], validate, schemas = null }) {
    this.rubrics = rubrics;
    this.byId = new Map(rubrics.map((rubric) => [rubric.id, rubric]));
    this.programs = [...programs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.validate = validate;
    this.quick = schemas ? quickSchemaCheck(schemas) : null;
  }

  /** The document of a record, or its read error. */
  read(record) {
    if (record.error) return { error: record.error };
    if (record.text !== undefined) return readTextFast(record.text);
    return readDocument(record.bytes);
  }

  /**
   * {file, line, rubric, errors, document?, exact?, rubricData?}: errors [] when valid; then the
   * document, its exact numbers and its rubric come along for scoring.
   */
  check(record) {
    const { file, line } = record;
    const read = this.read(record);
    if (read.error) return { file, line, rubric: null, errors: [atRecord(read.error, file, line)] };
    const document = read.document;
    const errors = this.quick && this.quick(document) ? checkResponses(document, this.rubrics) : this.validate(document, this.rubrics);
    const named = document && typeof document === "object" && !Array.isArray(document) && typeof document.rubric === "string"
      ? document.rubric : null;
    if (errors.length) return { file, line, rubric: named, errors: errors.map((error) => atRecord(error, file, line)) };
    return { file, line, rubric: named, errors: [], document, exact: read.exact, rubricData: this.byId.get(named) };
  }

  /** The result document of a valid record, as `wsas score` writes it (key order included). */
  score(outcome) {
    const rubric = outcome.rubricData;
    const result = scoreValid(withExact(outcome.document, outcome.exact), rubric);
    delete result.scoreText; // the form's display text, not part of the result document
    result.criteria = result.criteria.map(pythonKeyOrder);
    const programs = this.programs.filter((program) => (program.rubrics || []).includes(rubric.id));
    const grade = gradeOf(result.score, rubric.id, programs);
    if (grade) result.grade = grade;
    const consequences = consequencesOf(rubric.id, result.outcome, grade, programs);
    if (consequences.length) result.consequences = consequences;
    return result;
  }
}
