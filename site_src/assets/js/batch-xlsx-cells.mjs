// From input cells to a submission, the way `wsas xlsx import` reads them (tools/wsas/xlsx/cells.py,
// collect.py): a number cell must hold a number (text that looks like one is refused, as the
// sheet's formulas refuse it), numbers are read from the shortest decimal of the stored double,
// 是/否 with spaces ignored, dates from date cells or text; empty and unreadable cells are
// reported at their cell, everything else is left to the validator, whose JSON pointers
// Places.cellOf maps back to cells. The submission's numbers are kept as their exact decimal text.

import { isCalendarValue } from "./calendar-formats.mjs";
import { fmt, num, timing } from "./scorer.mjs";
import { FIELDS, MANIFEST_SHEET, NA_TEXT, NO, SHEET, YES } from "./batch-xlsx-layout.mjs";
import { PyDate, PyDateTime, PyTime, PyTimedelta, floatRepr, pyStr } from "./batch-xlsx-sheets.mjs";

export const SUBMISSION_SCHEMA = "https://wsas.org/schemas/v1/submission.json";

// ---- Python strings ------------------------------------------------------------------------------------

const SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "g");

/** str.strip(). */
export const pyStrip = (text) => text.replace(STRIP, "");

/** repr() of a str. */
export function pyRepr(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0);
    if (char === "\\" || char === quote) out += "\\" + char;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if ((code >= 0x2028 && code <= 0x202e) || (code >= 0xd800 && code <= 0xdfff)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out + quote;
}

/** An exact decimal read from a cell, with the JSON number `wsas xlsx import` writes for it (output.plain:
 * a whole number below 10^18 as an integer, anything else as the float it came from). */
export class CellNumber {
  constructor(text) {
    this.decimal = num(text);
    this.text = this.decimal.isInteger() && this.decimal.abs().lt("1e18") ? this.decimal.toFixed() : text;
  }
}

// ---- cells.py ------------------------------------------------------------------------------------------

export class CellProblem extends Error {
  constructor(code, message, messageEn) {
    super(messageEn);
    Object.assign(this, { code, zh: message, en: messageEn });
  }
}

export const isEmpty = (value) => value === null || value === undefined || (typeof value === "string" && pyStrip(value) === "");
export const isFormula = (cell) => cell.dataType === "f" || (cell.value !== null && typeof cell.value === "object" && "formula" in cell.value);

function refuseFormula(cell) {
  if (isFormula(cell)) throw new CellProblem("input-formula", "填写区应直接填值，不能填公式", "input cells take values, not formulas");
}

function quote(value) {
  const chars = [...pyStr(value)];
  return chars.length <= 40 ? chars.join("") : chars.slice(0, 40).join("") + "…";
}

export function percentFormat(numberFormat) {
  if (!numberFormat) return false;
  let quoted = false;
  for (const char of numberFormat) {
    if (char === '"') quoted = !quoted;
    else if (char === "%" && !quoted) return true;
  }
  return false;
}

const isDateLike = (value) => value instanceof PyDate || value instanceof PyTime || value instanceof PyTimedelta;

export function number(value) {
  if (typeof value === "boolean") {
    throw new CellProblem("not-a-number", `应填数值，实为逻辑值 ${pyStr(value)}`, `expected a number, got the logical value ${pyStr(value)}`);
  }
  if (typeof value === "bigint") return new CellNumber(value.toString());
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CellProblem("not-a-number", "应填数值", "expected a number");
    return new CellNumber(floatRepr(value));
  }
  if (isDateLike(value)) {
    throw new CellProblem("not-a-number", "应填数值，实为日期或时间（单元格被设成了日期格式？）",
      "expected a number, got a date or time (is the cell formatted as a date?)");
  }
  throw new CellProblem("not-a-number", `应填数值，实为文本「${quote(value)}」（文本格式的数字也不计算，请填数值）`,
    `expected a number, got the text ${pyRepr(quote(value))} (numbers stored as text are not counted)`);
}

export function rate(value, numberFormat) {
  const found = number(value);
  if (percentFormat(numberFormat)) {
    const held = fmt(found.decimal);
    const shown = fmt(found.decimal.times(100));
    throw new CellProblem("percent-format",
      `单元格是百分比格式（存的是 ${held}，显示为 ${shown}%）：请把格式改为常规，直接填百分数的数值，例如 ${shown}`,
      `the cell is formatted as a percentage (it holds ${held}, shown as ${shown}%): use the General format and type the ` +
      `percentage as a number, e.g. ${shown}`);
  }
  return found;
}

export function yesNo(value) {
  const text = typeof value === "string" ? pyStrip(value) : null;
  if (text === YES) return true;
  if (text === NO) return false;
  throw new CellProblem("bad-value", `应填「${YES}」或「${NO}」，实为「${quote(value)}」`,
    `expected ${YES} (yes) or ${NO} (no), got ${pyRepr(quote(value))}`);
}

/** Free text (names, reasons, evidence); numbers become their decimal text. */
export function text(value) {
  if (isEmpty(value)) return null;
  if (typeof value === "boolean") return value ? "是" : "否";
  if (typeof value === "bigint" || typeof value === "number") return fmt(number(value).decimal);
  if (value instanceof PyDateTime) return value.isMidnight() ? value.iso() : value.toString(" ");
  if (value instanceof PyDate) return value.iso();
  return pyStrip(pyStr(value));
}

/** 评估期: 2024, 2024Q2 or 2024-04 as text; a year typed as a number is accepted. */
export function period(value) {
  if (value instanceof PyDate) {
    throw new CellProblem("bad-value", "评估期被识别成了日期：请把单元格设为文本格式，填 2024、2024Q2 或 2024-04",
      "the period was taken as a date: format the cell as text and type 2024, 2024Q2 or 2024-04");
  }
  if (typeof value === "number" && Number.isInteger(value)) value = BigInt(value);
  return text(value);
}

/** 评估日期: a date cell, or text YYYY-MM-DD. */
export function date(value) {
  if (isEmpty(value)) return null;
  if (value instanceof PyDate) return value.iso();
  if (typeof value === "string") return pyStrip(value);
  throw new CellProblem("bad-value", `应填日期（如 2024-11-29），实为「${quote(value)}」`,
    `expected a date (e.g. 2024-11-29), got ${pyRepr(quote(value))}`);
}

// ---- errors located in the workbook (errors.py) ------------------------------------------------------

/** errors.cell_error: the message starts with the cell and criterion, in both languages. */
export function cellError(code, message, messageEn, sheet, cell, criterion = null, pointer = "") {
  const prefix = `${sheet}!${cell}` + (criterion ? `（细则 ${criterion}）` : "");
  const prefixEn = `${sheet}!${cell}` + (criterion ? ` (criterion ${criterion})` : "");
  return { code, message: `${prefix}：${message}`, messageEn: `${prefixEn}: ${messageEn}`, pointer, sheet, cell, criterion };
}

export const errorAt = (error) => (error.cell ? (error.sheet ? `${error.sheet}!${error.cell}` : error.cell) : "");

// ---- collect.py -------------------------------------------------------------------------------------------

/** JSON pointer (prefix) → [sheet, cell, criterion, label]. */
export class Places {
  constructor() {
    this.entries = new Map();
  }

  add(pointer, cell, criterion = null, label = null, sheet = SHEET) {
    this.entries.set(pointer, [sheet, cell, criterion, label]);
  }

  /** The place of the longest registered pointer that is `pointer` or above it. */
  cellOf(pointer) {
    let probe = pointer;
    for (;;) {
      if (this.entries.has(probe)) return this.entries.get(probe);
      if (!probe) return null;
      probe = probe.slice(0, Math.max(0, probe.lastIndexOf("/")));
    }
  }
}

export function places(layout) {
  const found = new Places();
  found.add("/rubric", "B3", null, "评估表标识", MANIFEST_SHEET);
  found.add("/rubricVersion", "B4", null, "评估表版本", MANIFEST_SHEET);
  for (const item of FIELDS) found.add(item.pointer, layout.fieldCell(item.key), null, item.label);
  found.add("/subject", layout.fieldCell("subject.name"), null, "被评估单位");
  found.add("/assessor", layout.fieldCell("assessor.name"), null, "评估人");
  found.add("/responses", layout.columnRange("value"), null, "填报值");
  for (const criterionId of layout.criterionRows.keys()) {
    const base = `/responses/${criterionId}`;
    found.add(base, layout.cell("value", criterionId), criterionId);
    found.add(`${base}/notApplicable`, layout.cell("na", criterionId) || layout.cell("value", criterionId), criterionId);
    found.add(`${base}/reason`, layout.cell("reason", criterionId), criterionId, "扣分原因");
    found.add(`${base}/evidence`, layout.cell("evidence", criterionId), criterionId, "佐证");
  }
  return found;
}

function problemError(problem, address, criterion, label, pointer) {
  const message = label ? `${label}：${problem.zh}` : problem.zh;
  const messageEn = label ? `${label}: ${problem.en}` : problem.en;
  return cellError(problem.code, message, messageEn, SHEET, address, criterion, pointer);
}

function read(sheet, address, reader, errors, criterion = null, label = null, pointer = "") {
  const cell = sheet.at(address);
  try {
    refuseFormula(cell);
    return reader(cell);
  } catch (problem) {
    if (!(problem instanceof CellProblem)) throw problem;
    errors.push(problemError(problem, address, criterion, label, pointer));
    return null;
  }
}

function readFields(sheet, layout, errors) {
  const values = {};
  for (const item of FIELDS) {
    const reader = item.key === "period" ? (c) => period(c.value) : item.key === "assessedOn" ? (c) => date(c.value) : (c) => text(c.value);
    values[item.key] = read(sheet, layout.fieldCell(item.key), reader, errors, null, item.label, item.pointer);
  }
  for (const [key, label] of [["subject.name", "被评估单位"], ["period", "评估期"]]) {
    if (values[key] === null && !errors.some((e) => e.cell === layout.fieldCell(key))) {
      errors.push(cellError("empty", `${label}未填写（必填）`, `${label} is required but empty`, SHEET, layout.fieldCell(key), null,
        "/" + key.replace(".", "/")));
    }
  }
  if (values["assessor.organisation"] && !values["assessor.name"]) {
    errors.push(cellError("empty", "填了评估单位，也要填评估人", "an assessing organisation needs an assessor name", SHEET,
      layout.fieldCell("assessor.name"), null, "/assessor/name"));
  }
  return values;
}

/** Criteria not yet due at the dates typed in (spec/scoring.md §4.3); none while the dates are not real ones. */
function notDue(layout, values) {
  const dates = { period: values.period };
  if (values.assessedOn !== null) dates.assessedOn = values.assessedOn;
  if (!isCalendarValue("wsas-period", dates.period || "") || !isCalendarValue("date", dates.assessedOn ?? "2000-01-01")) return new Set();
  const found = timing(layout.rubric, dates);
  return found ? found.notDueCriteria : new Set();
}

const VALUE_READERS = {
  "judgement": ["awarded", (c) => number(c.value)],
  "yes-no": ["met", (c) => yesNo(c.value)],
  "veto": ["triggered", (c) => yesNo(c.value)],
  "per-finding": ["findings", (c) => number(c.value)],
  "rate-tiers": ["rate", (c) => rate(c.value, c.numberFormat)],
  "shortfall-steps": ["rate", (c) => rate(c.value, c.numberFormat)],
};

function readResponse(sheet, layout, criterion, errors, optional) {
  const cid = criterion.id;
  const base = `/responses/${cid}`;
  const valueCell = layout.cell("value", cid);
  const value = sheet.at(valueCell).value;
  const before = errors.length;
  const response = {};
  const naCell = layout.cell("na", cid);
  const marked = naCell ? read(sheet, naCell, (c) => text(c.value), errors, cid, "缺项", base) : null;
  if (marked !== null && marked !== NA_TEXT) {
    errors.push(cellError("bad-value", `「缺项」栏只能选「${NA_TEXT}」或留空`, `the 缺项 column takes ${NA_TEXT} or nothing`, SHEET, naCell, cid,
      `${base}/notApplicable`));
  } else if (marked === NA_TEXT) {
    if (!isEmpty(value)) errors.push(cellError("bad-value", "选了缺项，填报值应留空", "marked not applicable: leave the value empty", SHEET, valueCell, cid, base));
    response.notApplicable = true;
  } else if (typeof value === "string" && pyStrip(value) === NA_TEXT && sheet.at(valueCell).dataType !== "f") {
    if (naCell) {
      errors.push(cellError("bad-value", `缺项请在「缺项」栏选「${NA_TEXT}」，填报值留空`, "mark not applicable in the 缺项 column and leave the value empty",
        SHEET, valueCell, cid, base));
    } else response.notApplicable = true; // the validator reports that it is not allowed here
  } else if (isEmpty(value)) {
    if (optional) return null;
    errors.push(cellError("empty", "未填写填报值", "no value filled in", SHEET, valueCell, cid, base));
  } else {
    const [key, reader] = VALUE_READERS[criterion.rule.kind];
    const found = read(sheet, valueCell, reader, errors, cid, null, `${base}/${key}`);
    if (found !== null) response[key] = found;
  }
  for (const [key, role, label] of [["reason", "reason", "扣分原因"], ["evidence", "evidence", "佐证"]]) {
    const note = read(sheet, layout.cell(role, cid), (c) => text(c.value), errors, cid, label, `${base}/${key}`);
    if (note !== null) response[key] = note;
  }
  return errors.length === before ? response : null;
}

function nest(values, ...keys) {
  const found = {};
  for (const key of keys) if (values[key] !== null) found[key.split(".")[1]] = values[key];
  return found;
}

/** read_submission: the submission typed into the sheet (numbers as CellNumber), and the cells that could not be read. */
export function readSubmission(book, layout) {
  const sheet = book.sheet(SHEET);
  const errors = [];
  const values = readFields(sheet, layout, errors);
  const later = notDue(layout, values);
  const responses = {};
  for (const [criterionId, row] of layout.criterionRows) {
    const response = readResponse(sheet, layout, row.criterion, errors, later.has(criterionId));
    if (response !== null) responses[criterionId] = response;
  }
  const document = { $schema: SUBMISSION_SCHEMA, rubric: layout.rubric.id, rubricVersion: layout.rubric.version,
    subject: nest(values, "subject.name", "subject.code", "subject.region") };
  if (values.period !== null) document.period = values.period;
  const assessor = nest(values, "assessor.name", "assessor.organisation");
  if (Object.keys(assessor).length) document.assessor = assessor;
  if (values.assessedOn !== null) document.assessedOn = values.assessedOn;
  document.responses = responses;
  if (values.notes !== null) document.notes = values.notes;
  return { document, errors };
}

/** The submission as JSON text (two-space indent, as `wsas xlsx import` writes it; numbers exact). */
export function submissionJson(value, indent = "") {
  if (value instanceof CellNumber) return value.text;
  if (value === null) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  const inner = indent + "  ";
  const entries = Object.entries(value);
  if (!entries.length) return "{}";
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${submissionJson(item, inner)}`).join(",\n")}\n${indent}}`;
}
