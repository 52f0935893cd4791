// Live checking of a form: validation of the submission as it stands, and the points each
// answered criterion already earns — also while other criteria are still empty.
//
// Only the shared API is used: validate(submission, rubric) from validator.mjs (schema
// errors first, then scorer.checkResponses) and score(submission, rubric) from scorer.mjs.
// While a form is incomplete, the points of the answered rows come from a "probe": the
// same responses with placeholder header values and a valid stand-in response for every
// empty or erroneous row; the stand-ins' points are never shown.

import { HEADER_FIELDS, HEADER_POINTERS, VALUE_KEY, criteriaOf, missingCriteria, timingOf } from "./form-model.mjs";

const PROBE_HEADER = { subject: { name: "—" }, period: "2000" };

/** The probe's header: placeholders, but the submission's own dates once they are real (items not yet due). */
function probeHeader(submission, rubric) {
  if (!timingOf(submission, rubric)) return PROBE_HEADER;
  const header = { ...PROBE_HEADER, period: submission.period };
  if (submission.assessedOn !== undefined) header.assessedOn = submission.assessedOn;
  return header;
}

/** A valid stand-in response for a criterion (never shown). */
function standIn(criterion) {
  switch (VALUE_KEY[criterion.rule.kind]) {
    case "awarded": return { awarded: 0 };
    case "met": return { met: false };
    case "findings": return { findings: 0 };
    case "rate": return { rate: 100 };
    case "triggered": return { triggered: false };
    default: return { notApplicable: true };
  }
}

/** The criterion id a pointer /responses/<id>[/…] points into, if it is one of the rubric's. */
export function criterionOfPointer(pointer, known) {
  const match = /^\/responses\/([^/]+)(\/|$)/.exec(pointer || "");
  if (!match) return null;
  const id = match[1].replace(/~1/g, "/").replace(/~0/g, "~");
  return known.has(id) ? id : null;
}

function internalError(error) {
  const text = error && error.message ? error.message : String(error);
  return { pointer: "", code: "internal", message: `校验时出错：${text}`, messageEn: `validation failed: ${text}` };
}

/**
 * Check a submission built from the form.
 *  validate(submission, rubric) → errors;  score(submission, rubric) → result (Decimals)
 *  emptyRequired: names of required header fields left empty.
 * Returns {
 *   errors,        all errors of the submission itself (what `wsas validate` would say)
 *   valid,         no errors at all
 *   result,        score of the submission when valid, else null
 *   rows,          Map criterion id → {errors: [...], line?: result line} for answered rows
 *   header,        Map header field name → errors (required-but-empty ones left out)
 *   others,        errors belonging to no field (e.g. no-applicable-criteria)
 *   missing,       criterion ids without a response
 * }
 */
export function analyse(submission, rubric, { validate, score, emptyRequired = [] }) {
  const placements = criteriaOf(rubric);
  const known = new Set(placements.map((p) => p.criterion.id));
  const safeValidate = (doc) => {
    try {
      return validate(doc, rubric) || [];
    } catch (error) {
      return [internalError(error)];
    }
  };

  const errors = safeValidate(submission);
  const missing = missingCriteria(submission, rubric);

  // rows: the errors and points of answered rows, from the probe
  const bad = new Map();
  let probeErrors = [];
  let probe = null;
  for (let round = 0; round < 6; round++) {
    probe = { rubric: rubric.id, rubricVersion: rubric.version, ...probeHeader(submission, rubric), responses: {} };
    for (const { criterion } of placements) {
      const response = submission.responses[criterion.id];
      probe.responses[criterion.id] = response && !bad.has(criterion.id) ? response : standIn(criterion);
    }
    probeErrors = safeValidate(probe);
    let fresh = false;
    for (const error of probeErrors) {
      const id = criterionOfPointer(error.pointer, known);
      if (id === null || !Object.prototype.hasOwnProperty.call(submission.responses, id)) continue;
      if (!bad.has(id)) {
        bad.set(id, []);
        fresh = true;
      }
      const list = bad.get(id);
      if (!list.some((e) => e.code === error.code && e.pointer === error.pointer && e.message === error.message)) {
        list.push(error);
      }
    }
    if (!fresh) break;
  }
  let probeResult = null;
  if (probeErrors.length === 0) {
    try {
      probeResult = score(probe, rubric);
    } catch {
      probeResult = null;
    }
  }

  const valid = errors.length === 0;
  let result = null;
  if (valid) {
    try {
      result = score(submission, rubric);
    } catch (error) {
      errors.push(internalError(error));
    }
  }
  const lines = new Map(((result || probeResult) && (result || probeResult).criteria || []).map((l) => [l.id, l]));
  const rows = new Map();
  for (const id of Object.keys(submission.responses)) {
    if (!known.has(id)) continue;
    const rowErrors = bad.get(id) || [];
    rows.set(id, { errors: rowErrors, line: rowErrors.length ? undefined : lines.get(id) });
  }

  // everything that is not about a row: header fields and the rest
  const header = new Map();
  const others = [];
  const labels = new Map(HEADER_FIELDS.map((f) => [f.name, f.label]));
  for (const error of errors) {
    if (criterionOfPointer(error.pointer, known) !== null) continue; // rows: shown from the probe
    if (error.code === "missing-response") continue;
    const field = HEADER_POINTERS[error.pointer];
    if (error.keyword === "required" && (error.pointer === "" || error.pointer === "/subject") && emptyRequired.length) {
      continue; // a required header field still empty: counted as missing, not an error
    }
    if (field) {
      const shown = error.keyword === "required" && error.pointer === "/assessor"
        ? { ...error, message: `填写「${labels.get("assessor.organisation")}」时须同时填写「${labels.get(field)}」` }
        : error;
      if (!header.has(field)) header.set(field, []);
      header.get(field).push(shown);
    } else {
      others.push(error);
    }
  }
  return { errors, valid: errors.length === 0 && result !== null, result, rows, header, others, missing, probeResult };
}

/** Sum of Decimals (null for none). */
export function sum(values) {
  return values.reduce((total, value) => (total === null ? value : total.plus(value)), null);
}

/** A Decimal (or number) as plain text without exponent or trailing zeros: 12.5, 0, 82.9. */
export function dec(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && typeof value.toFixed === "function") {
    if (typeof value.isZero === "function" && value.isZero()) return "0";
    return value.toFixed();
  }
  return String(value);
}
