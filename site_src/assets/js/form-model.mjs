// The data side of the WSAS form, without DOM: the form state (what the inputs hold) and
// the submission built from it, and back. Pure functions, usable in Node tests.
//
// A form state is
//   {header: {"subject.name": "…", "period": "…", …},
//    rows: {"<criterion id>": {value, na, reason, evidence}}}
// where `value` is the raw input: a string for judgement / per-finding / rate rules
// ("" when empty), "" | "true" | "false" for yes-no, a boolean for veto; a row may also
// carry `bad: true` when its numeric input holds text that is no number.

import { VALUE_KEY, timing } from "./scorer.mjs";
import { isCalendarValue } from "./calendar-formats.mjs";
export const SCHEMA_ID = "https://wsas.org/schemas/v1/submission.json";

/** Header fields: name (also the input's name), label, where it sits in the submission. */
export const HEADER_FIELDS = [
  { name: "subject.name", label: "被评估单位", path: ["subject", "name"], required: true },
  { name: "subject.code", label: "统一社会信用代码", path: ["subject", "code"] },
  { name: "subject.region", label: "地区", path: ["subject", "region"] },
  { name: "period", label: "评估期", path: ["period"], required: true,
    hint: "年 2024、季度 2020Q2 或月份 2020-04", placeholder: "2020-04 / 2020Q2 / 2024" },
  { name: "assessor.name", label: "评估人", path: ["assessor", "name"] },
  { name: "assessor.organisation", label: "评估单位", path: ["assessor", "organisation"] },
  { name: "assessedOn", label: "评估日期", path: ["assessedOn"], type: "date" },
  { name: "notes", label: "备注", path: ["notes"], multiline: true },
];

/** JSON Pointer of a header field → field name; "/subject" and "/assessor" are their required names. */
export const HEADER_POINTERS = {
  "/subject": "subject.name",
  "/subject/name": "subject.name",
  "/subject/code": "subject.code",
  "/subject/region": "subject.region",
  "/period": "period",
  "/assessor": "assessor.name",
  "/assessor/name": "assessor.name",
  "/assessor/organisation": "assessor.organisation",
  "/assessedOn": "assessedOn",
  "/notes": "notes",
};

/** The response member each rule kind takes: the scorer's own table (spec/scoring.md section 2). */
export { VALUE_KEY };

const VALUE_KEYS = ["awarded", "met", "findings", "rate", "triggered", "notApplicable"];

function hasOwn(object, key) {
  return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
}

/** Every criterion of a rubric with its section and item, in rubric order. */
export function criteriaOf(rubric) {
  const found = [];
  for (const section of rubric.sections || []) {
    for (const item of section.items || []) {
      for (const criterion of item.criteria || []) found.push({ section, item, criterion });
    }
  }
  return found;
}

/** Whether the rubric lets this criterion be answered 「缺项」 (spec/scoring.md 4.1). */
export function naAllowed(rubric, criterion) {
  return Boolean(rubric.scoring && rubric.scoring.notApplicable) && !criterion.mandatory &&
    criterion.rule.kind !== "veto";
}

/** A number typed into a numeric input: the JS number, or undefined when empty, NaN when not a number. */
export function parseNumber(text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed === "") return undefined;
  // accept a decimal comma and full-width digits, as people type them
  const normal = trimmed
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。，,]/g, ".");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normal)) return NaN;
  const value = Number(normal);
  return Number.isFinite(value) ? value : NaN;
}

/** An empty state for a rubric. */
export function emptyState(rubric) {
  const header = {};
  for (const field of HEADER_FIELDS) header[field.name] = "";
  const rows = {};
  for (const { criterion } of criteriaOf(rubric)) {
    rows[criterion.id] = { value: criterion.rule.kind === "veto" ? false : "", na: false, reason: "", evidence: "" };
  }
  return { header, rows };
}

/** Whether nothing has been filled in (a veto left unticked counts as nothing). */
export function isEmptyState(state) {
  if (Object.values(state.header).some((v) => String(v ?? "").trim() !== "")) return false;
  return Object.values(state.rows).every((row) =>
    (row.value === "" || row.value === false || row.value === undefined) && !row.na &&
    !String(row.reason ?? "").trim() && !String(row.evidence ?? "").trim());
}

/**
 * The value member of one row's response: {key, value} with value a JSON value,
 * or {key, missing: true} when nothing is filled in, or {key, bad: true} for text that is no number.
 */
export function rowValue(criterion, row) {
  const kind = criterion.rule.kind;
  const key = VALUE_KEY[kind];
  if (row.bad) return { key, bad: true };
  if (kind === "veto") return { key, value: Boolean(row.value) };
  if (kind === "yes-no") {
    if (row.value === "true" || row.value === true) return { key, value: true };
    if (row.value === "false" || row.value === false) return { key, value: false };
    return { key, missing: true };
  }
  const value = parseNumber(row.value);
  if (value === undefined) return { key, missing: true };
  if (Number.isNaN(value)) return { key, bad: true };
  return { key, value };
}

function setPath(target, path, value) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== "object") node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

/**
 * The submission of a form state, schema-shaped: {$schema?, rubric, rubricVersion, subject, period,
 * assessor?, assessedOn?, responses, notes?}. Empty header fields are left out. Criteria
 * without an answer get no response; with `partial` (drafts) they keep their reason and evidence
 * as a response without a value, which the schema refuses — drafts are never validated.
 */
export function buildSubmission(state, rubric, { partial = false, schema = false } = {}) {
  const submission = {};
  if (schema) submission.$schema = SCHEMA_ID;
  submission.rubric = rubric.id;
  submission.rubricVersion = rubric.version;
  const head = {};
  for (const field of HEADER_FIELDS) {
    const value = String(state.header[field.name] ?? "").trim();
    if (value !== "") setPath(head, field.path, value);
  }
  if (head.subject) submission.subject = head.subject;
  if (head.period) submission.period = head.period;
  if (head.assessor) submission.assessor = head.assessor;
  if (head.assessedOn) submission.assessedOn = head.assessedOn;
  const responses = {};
  for (const { criterion } of criteriaOf(rubric)) {
    const row = state.rows[criterion.id];
    if (!row) continue;
    const notes = {};
    const reason = String(row.reason ?? "").trim();
    const evidence = String(row.evidence ?? "").trim();
    if (reason) notes.reason = reason;
    if (evidence) notes.evidence = evidence;
    if (row.na) {
      responses[criterion.id] = { notApplicable: true, ...notes };
      continue;
    }
    const found = rowValue(criterion, row);
    if (!found.missing && !found.bad) {
      responses[criterion.id] = { [found.key]: found.value, ...notes };
    } else if (partial && Object.keys(notes).length) {
      responses[criterion.id] = notes;
    }
  }
  submission.responses = responses;
  if (head.notes) submission.notes = head.notes;
  return submission;
}

/**
 * What the submission's date leaves out of a rubric that assesses by deadline (scorer.timing:
 * {asOf, dueOn, notDueItems, notDueCriteria}), or null while the rubric does not, or the 评估期 /
 * 评估日期 do not yet name a real period and day (then every item counts as due).
 */
export function timingOf(submission, rubric) {
  if (typeof submission.period !== "string" || !isCalendarValue("wsas-period", submission.period)) return null;
  if (submission.assessedOn !== undefined &&
      (typeof submission.assessedOn !== "string" || !isCalendarValue("date", submission.assessedOn))) return null;
  return timing(rubric, submission);
}

/** Which criteria of a submission have no response (criteria not yet due need none). */
export function missingCriteria(submission, rubric) {
  const responses = submission.responses || {};
  const when = timingOf(submission, rubric);
  return criteriaOf(rubric).map(({ criterion }) => criterion.id)
    .filter((id) => !hasOwn(responses, id) && !(when && when.notDueCriteria.has(id)));
}

function describe(value) {
  try {
    const text = JSON.stringify(value);
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
  } catch {
    return String(value);
  }
}

/**
 * The form state of a submission document (an imported file, an example or a draft), with
 * warnings [{message, messageEn}] for whatever the form cannot hold (unknown criteria,
 * responses of the wrong kind, values of the wrong type). Never throws for an object.
 */
export function stateFromSubmission(doc, rubric) {
  const state = emptyState(rubric);
  const warnings = [];
  const warn = (message, messageEn) => warnings.push({ message, messageEn });
  for (const field of HEADER_FIELDS) {
    let node = doc;
    for (const key of field.path) node = node && typeof node === "object" ? node[key] : undefined;
    if (node === undefined || node === null) continue;
    if (typeof node === "string" || typeof node === "number") {
      state.header[field.name] = String(node);
    } else {
      warn(`「${field.label}」的值 ${describe(node)} 不是文字，未填入`, `${field.name}: ${describe(node)} is not text; left out`);
    }
  }
  const responses = doc && typeof doc.responses === "object" && doc.responses !== null && !Array.isArray(doc.responses)
    ? doc.responses : {};
  if (doc && doc.responses !== undefined && responses !== doc.responses) {
    warn("responses 不是对象，未填入任何应答", "responses is not an object; no response filled in");
  }
  const known = new Map(criteriaOf(rubric).map((p) => [p.criterion.id, p.criterion]));
  const unknown = Object.keys(responses).filter((id) => !known.has(id));
  if (unknown.length) {
    warn(`本评估表没有评分细则 ${unknown.join("、")}，这些应答未填入`,
      `the rubric has no criterion ${unknown.join(", ")}; those responses were left out`);
  }
  for (const [id, criterion] of known) {
    if (!hasOwn(responses, id)) continue;
    const response = responses[id];
    const row = state.rows[id];
    if (!response || typeof response !== "object" || Array.isArray(response)) {
      warn(`细则 ${id} 的应答 ${describe(response)} 不是对象，未填入`, `criterion ${id}: response is not an object; left out`);
      continue;
    }
    for (const key of ["reason", "evidence"]) {
      if (typeof response[key] === "string") row[key] = response[key];
    }
    if (response.notApplicable === true) {
      if (naAllowed(rubric, criterion)) {
        row.na = true;
      } else {
        warn(`细则 ${id} 不得填报缺项，未填入`, `criterion ${id} cannot be not applicable; left out`);
      }
      continue;
    }
    const key = VALUE_KEY[criterion.rule.kind];
    const value = response[key];
    if (hasOwn(response, key)) {
      const wantsBoolean = key === "met" || key === "triggered";
      if (wantsBoolean && typeof value === "boolean") {
        row.value = criterion.rule.kind === "veto" ? value : String(value);
      } else if (!wantsBoolean && typeof value === "number" && Number.isFinite(value)) {
        row.value = String(value);
      } else {
        warn(`细则 ${id} 的 ${key} 值 ${describe(value)} 类型不符，未填入`,
          `criterion ${id}: ${key} ${describe(value)} has the wrong type; left out`);
      }
    } else {
      const given = VALUE_KEYS.find((k) => hasOwn(response, k));
      if (given) {
        warn(`细则 ${id} 应填 ${key}，文件中为 ${given}，未填入`, `criterion ${id} takes ${key}, the file has ${given}; left out`);
      }
    }
  }
  return { state, warnings };
}

/** A file name for an exported submission: <rubric-id>-<subject>-<period>.json. */
export function exportFileName(submission, rubric) {
  const clean = (text) => String(text ?? "")
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, "")
    .replace(/\s+/g, "_")
    .replace(/^[._]+|[._]+$/g, "")
    .slice(0, 60);
  const subject = clean(submission.subject && submission.subject.name) || "未命名";
  const period = clean(submission.period) || "未填评估期";
  return `${rubric.id.replace(/\//g, "-")}-${subject}-${period}.json`;
}
