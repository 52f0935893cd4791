// What the batch page writes, byte for byte as `wsas score` writes it (tools/wsas/scoring/batch.py):
// result documents as JSON Lines (batch.result_line: orjson, decimals as the exact JSON number,
// output.plain), the totals table as CSV (batch.csv_row, UTF-8 with BOM, CRLF, text cells that
// start like a formula prefixed with ' as tools/wsas/spreadsheet_text.py does), and the summary
// (batch.Summary: text and --summary JSON). A pure module: the worker and node tests use it.

import Decimal from "decimal.js";

// ---- numbers and JSON lines ---------------------------------------------------------------------

/** A finite double as orjson writes it: shortest digits; exponent form below 1e-5 and from 1e16. */
export function floatText(x) {
  if (Object.is(x, -0)) return "-0.0";
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-5 && magnitude < 1e16) return String(x);
  const [mantissa, exponent] = x.toExponential().split("e");
  return `${mantissa}e${exponent.startsWith("-") ? exponent : "+" + exponent.replace("+", "")}`;
}

const isDecimal = (value) => value !== null && typeof value === "object" && value.toStringTag === "[object Decimal]";

/**
 * A decimal as Python's output.plain makes it a JSON number: a whole number below 10^18 as an
 * integer, anything else as the float with the same shortest text (an error if none is exact).
 */
export function plainNumber(value) {
  const d = isDecimal(value) ? value : new Decimal(String(value));
  const text = d.toFixed();
  if (!text.includes(".")) { // a whole number: an integer below 10^18
    const digits = text.startsWith("-") ? text.length - 1 : text.length;
    if (digits <= 18) return text === "-0" ? "0" : text;
  }
  const float = Number(text);
  if (String(float) !== text && (!Number.isFinite(float) || !new Decimal(String(float)).eq(d))) {
    throw new RangeError(`${text} cannot be written exactly as a JSON number`);
  }
  return floatText(float);
}

/** JSON text of a result (orjson's compact form; Decimals as plainNumber), the slow and sure way. */
export function jsonText(value) {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string": return JSON.stringify(value);
    case "boolean": return value ? "true" : "false";
    case "number": return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : floatText(value);
    default: break;
  }
  if (isDecimal(value)) return plainNumber(value);
  if (Array.isArray(value)) return "[" + value.map(jsonText).join(",") + "]";
  const parts = [];
  for (const key of Object.keys(value)) {
    if (value[key] === undefined) continue;
    parts.push(JSON.stringify(key) + ":" + jsonText(value[key]));
  }
  return "{" + parts.join(",") + "}";
}

/**
 * jsonText, fast: a copy with every Decimal as the JS number of its plain text, printed by the
 * native JSON.stringify, which writes every number between 1e-5 and 1e16 (all a score needs) as
 * orjson does; a result with any other number, or a JS number of its own, takes jsonText.
 */
function fastJsonText(result) {
  const state = { sure: true };
  const copy = plainCopy(result, state);
  return state.sure ? JSON.stringify(copy) : jsonText(result);
}

function plainCopy(value, state) {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number") state.sure = false;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => plainCopy(item, state));
  if (value.toStringTag === "[object Decimal]") {
    const plain = plainNumber(value);
    const number = Number(plain);
    if (String(number) !== plain) state.sure = false;
    return number;
  }
  const copy = {};
  for (const key in value) {
    if (key === "__proto__") Object.defineProperty(copy, key, { value: plainCopy(value[key], state), enumerable: true, writable: true, configurable: true });
    else copy[key] = plainCopy(value[key], state);
  }
  return copy;
}

/** One line of `wsas score --jsonl`. */
export function resultLine(result) {
  return fastJsonText(result) + "\n";
}

// ---- CSV ---------------------------------------------------------------------------------------------

export const CSV_COLUMNS = ["文件", "行", "评估表", "版本", "被评估对象", "编码", "地区", "评估期",
  "实得分", "应得分", "缺项分", "得分", "结果", "等级", "否决项", "结果运用"];
const NUMBER_COLUMNS = new Set(["行", "实得分", "应得分", "缺项分", "得分"]);
const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"];
export const CSV_BOM = "\ufeff";

/** A CSV text cell safe from formula injection (spreadsheet_text.safe_cell). */
export function safeCell(value) {
  return typeof value === "string" && FORMULA_STARTS.some((start) => value.startsWith(start)) ? "'" + value : value;
}

/** One field as Python's csv module writes it (QUOTE_MINIMAL, doubled quotes). */
function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text;
}

/** One CSV line (CRLF), fields in order. */
export function csvLine(fields) {
  return fields.map(csvField).join(",") + "\r\n";
}

/** The header line, after the BOM the file starts with. */
export function csvHeader() {
  return CSV_BOM + csvLine(CSV_COLUMNS);
}

const numberText = (value) => plainNumber(value);

/** The totals of a result (batch.totals_of): column → text. */
export function totalsOf(result) {
  const subject = result.subject;
  return {
    评估表: result.rubric, 版本: result.rubricVersion, 被评估对象: subject.name,
    编码: subject.code ?? "", 地区: subject.region ?? "", 评估期: result.period,
    实得分: numberText(result.total), 应得分: numberText(result.maximum),
    缺项分: numberText(result.notApplicablePoints), 得分: numberText(result.score),
    结果: result.outcome ? result.outcome.label : "",
    等级: result.grade ? result.grade.label : "",
    否决项: result.vetoedBy.join("、"),
    结果运用: (result.consequences || []).map((c) => c.effect).join("；"),
  };
}

/** One `--csv` row of a result read from `file` (at `line` of a JSON Lines file, or null). */
export function csvRow(result, file, line) {
  const row = { ...totalsOf(result), 文件: file, 行: line === null || line === undefined ? "" : line };
  return csvLine(CSV_COLUMNS.map((column) => (NUMBER_COLUMNS.has(column) ? row[column] : safeCell(row[column]))));
}

// ---- the summary ---------------------------------------------------------------------------------------

export const UNKNOWN_RUBRIC = "（未知评估表 unknown）";

/** Code point order, as Python sorts strings. */
export function byCodePoint(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
  }
  return x.length - y.length;
}

/** Counters over a batch (batch.Summary): records valid and invalid, by rubric and by error code. */
export class Summary {
  constructor() {
    this.valid = 0;
    this.invalid = 0;
    this.byRubric = new Map();
    this.invalidByRubric = new Map();
    this.byCode = new Map();
  }

  /** Count one record: its rubric (or null) and its errors ([] when valid). */
  add(rubric, errors) {
    const key = rubric || UNKNOWN_RUBRIC;
    this.byRubric.set(key, (this.byRubric.get(key) || 0) + 1);
    if (!errors.length) {
      this.valid++;
      return;
    }
    this.invalid++;
    this.invalidByRubric.set(key, (this.invalidByRubric.get(key) || 0) + 1);
    for (const code of new Set(errors.map((error) => error.code))) this.byCode.set(code, (this.byCode.get(code) || 0) + 1);
  }

  get total() {
    return this.valid + this.invalid;
  }

  /** What `--summary FILE` holds. */
  asDict() {
    const byRubric = {};
    for (const rubric of [...this.byRubric.keys()].sort(byCodePoint)) {
      byRubric[rubric] = { records: this.byRubric.get(rubric), invalid: this.invalidByRubric.get(rubric) || 0 };
    }
    const invalidByCode = {};
    for (const code of [...this.byCode.keys()].sort(byCodePoint)) invalidByCode[code] = this.byCode.get(code);
    return { records: this.total, valid: this.valid, invalid: this.invalid, byRubric, invalidByCode };
  }

  /** The `--summary` file: Python's json.dumps(indent=2, ensure_ascii=False) and a newline. */
  json() {
    return JSON.stringify(this.asDict(), null, 2) + "\n";
  }

  /** The summary the command line prints at the end of a run. */
  text() {
    const lines = [`合计 ${this.total} 条：有效 ${this.valid}，无效 ${this.invalid} / ` +
      `${this.total} record(s): ${this.valid} valid, ${this.invalid} invalid`];
    for (const rubric of [...this.byRubric.keys()].sort(byCodePoint)) {
      const count = this.byRubric.get(rubric);
      const bad = this.invalidByRubric.get(rubric) || 0;
      lines.push(`  ${rubric}: ${count} 条，无效 ${bad} / ${count} record(s), ${bad} invalid`);
    }
    if (this.byCode.size) {
      const kinds = [...this.byCode.keys()].sort(byCodePoint).map((code) => `${code} ${this.byCode.get(code)}`).join("，");
      lines.push(`  无效记录按错误类型（每条记录每类计一次）/ invalid records by error code: ${kinds}`);
    }
    return lines.join("\n");
  }

  /** A copy that survives postMessage (plain data). */
  toData() {
    return { valid: this.valid, invalid: this.invalid, byRubric: [...this.byRubric], invalidByRubric: [...this.invalidByRubric],
      byCode: [...this.byCode] };
  }

  static fromData(data) {
    const summary = new Summary();
    summary.valid = data.valid;
    summary.invalid = data.invalid;
    summary.byRubric = new Map(data.byRubric);
    summary.invalidByRubric = new Map(data.invalidByRubric);
    summary.byCode = new Map(data.byCode);
    return summary;
  }
}

/** An error as the command line prints it (errors.Error.__str__): `file:line:column pointer: [code] zh / en`. */
export function errorText(error) {
  let place = error.file || "<input>";
  if (error.line !== null && error.line !== undefined) {
    place += `:${error.line}`;
    if (error.column !== null && error.column !== undefined) place += `:${error.column}`;
  }
  if (error.pointer || error.line === null || error.line === undefined) place += ` ${error.pointer || "/"}`;
  return `${place}: [${error.code}] ${error.message} / ${error.messageEn}`;
}
