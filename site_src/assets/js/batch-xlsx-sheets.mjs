// A workbook's sheets as cell grids, read the way `wsas xlsx import` reads them (openpyxl's
// read-only load, tools/wsas/xlsx/grid.py): for each cell its value with openpyxl's types, its data
// type ("f" for a formula, "s", "n", "b", "d", "e") and its number format. A Web Worker has no
// DOMParser, so the few SpreadsheetML parts needed (workbook, relationships, shared strings,
// styles, worksheets) are read by a small non-validating XML reader.
//
// Values, as Python would hold them: null; a string (text, an error "#N/A", a formula "=…"); a
// boolean; a BigInt (an integer: openpyxl's int); a number (a float); a PyDate / PyDateTime /
// PyTime / PyTimedelta (a number in a date or duration format, or a t="d" cell); a formula object
// {formula: "=…"} for array and data-table formulas (openpyxl's ArrayFormula, DataTableFormula).

import { translateFormula } from "./batch-xlsx-formula.mjs";

// ---- XML ------------------------------------------------------------------------------------------

const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescape(text) {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name) => {
    if (name[0] === "#") return String.fromCodePoint(name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    if (name in ENTITIES) return ENTITIES[name];
    throw new Error(`undefined entity ${whole}`);
  });
}

const localName = (name) => name.slice(name.indexOf(":") + 1);

/** An element: {name (without prefix), attrs (by full and by local name), children, text (its direct text)}. */
export function parseXml(text) {
  const root = { name: "#document", attrs: {}, children: [], text: "" };
  const stack = [root];
  const tag = /<(\/?)([^\s/>!?]+)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>/g;
  const attribute = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  let last = 0;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const between = text.slice(last, match.index);
    if (between.includes("<")) throw new Error("not well-formed (invalid token)");
    stack[stack.length - 1].text += unescape(between);
    last = tag.lastIndex;
    if (match[5] !== undefined) {
      stack[stack.length - 1].text += match[5];
      continue;
    }
    if (match[2] === undefined) continue; // comment, processing instruction, doctype
    const name = localName(match[2]);
    if (match[1]) {
      const open = stack.pop();
      if (!open || open.name !== name || !stack.length) throw new Error(`mismatched tag </${match[2]}>`);
      continue;
    }
    const attrs = {};
    for (let found = attribute.exec(match[3]); found; found = attribute.exec(match[3])) {
      const value = unescape(found[2] !== undefined ? found[2] : found[3]);
      attrs[found[1]] = value;
      if (!(localName(found[1]) in attrs)) attrs[localName(found[1])] = value;
    }
    attribute.lastIndex = 0;
    const element = { name, attrs, children: [], text: "" };
    stack[stack.length - 1].children.push(element);
    if (!match[4]) stack.push(element);
  }
  if (text.slice(last).trim() || stack.length !== 1) throw new Error("no element found (unclosed token)");
  const top = root.children.filter((child) => child.name);
  if (top.length !== 1) throw new Error("not well-formed: one root element expected");
  return top[0];
}

const child = (element, name) => element.children.find((c) => c.name === name);
const childrenNamed = (element, name) => element.children.filter((c) => c.name === name);

// ---- Python values --------------------------------------------------------------------------------

const pad = (n, width = 2) => String(n).padStart(width, "0");

export class PyDate {
  constructor(year, month, day) { Object.assign(this, { year, month, day }); }
  iso() { return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`; }
  toString() { return this.iso(); }
}

export class PyTime {
  constructor(hour, minute, second, microsecond = 0) { Object.assign(this, { hour, minute, second, microsecond }); }
  toString() { return `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? "." + pad(this.microsecond, 6) : ""}`; }
}

export class PyDateTime extends PyDate {
  constructor(year, month, day, hour = 0, minute = 0, second = 0, microsecond = 0) {
    super(year, month, day);
    this.time = new PyTime(hour, minute, second, microsecond);
  }
  isMidnight() { return !this.time.hour && !this.time.minute && !this.time.second && !this.time.microsecond; }
  toString(separator = " ") { return `${this.iso()}${separator}${this.time}`; }
}

export class PyTimedelta {
  constructor(microseconds) { this.microseconds = microseconds; }
  toString() {
    const total = Math.round(this.microseconds);
    const days = Math.floor(total / 86400e6);
    let rest = total - days * 86400e6;
    const micro = rest % 1e6;
    rest = Math.floor(rest / 1e6);
    const clock = `${Math.floor(rest / 3600)}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}${micro ? "." + pad(micro, 6) : ""}`;
    return days ? `${days} day${Math.abs(days) === 1 ? "" : "s"}, ${clock}` : clock;
  }
}

/** Python's repr of a float (str of a float): shortest digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Object.is(x, -0)) return "-0.0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const text = String(x);
    return text.includes(".") || text.includes("e") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${pad(exponent.replace(/^[+-]/, ""))}`;
}

/** str(value) in Python, for the values a cell holds. */
export function pyStr(value) {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return floatRepr(value);
  if (typeof value === "object" && "formula" in value) return value.formula;
  return String(value);
}

// ---- dates (openpyxl.utils.datetime) ---------------------------------------------------------------

const DAY_MS = 86400000;
const epochOf = (date1904) => (date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30));

function pyRound(x) { // Python's round(): halves to even
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** from_excel: a serial number as a datetime (or a time below 1, or a timedelta). */
export function fromExcel(value, date1904, timedelta) {
  const x = Number(value);
  if (timedelta) return new PyTimedelta(x * 86400e6);
  let day = Math.floor(x);
  const diffMs = pyRound((x - day) * 86400 * 1000);
  if (x >= 0 && x < 1 && diffMs < DAY_MS) {
    const seconds = Math.floor(diffMs / 1000);
    return new PyTime(Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60, (diffMs % 1000) * 1000);
  }
  if (x > 0 && x < 60 && !date1904) day += 1;
  const when = new Date(epochOf(date1904) + day * DAY_MS + diffMs);
  const year = when.getUTCFullYear();
  if (!Number.isFinite(when.getTime()) || year < 1 || year > 9999) throw new RangeError("date value out of range");
  return new PyDateTime(year, when.getUTCMonth() + 1, when.getUTCDate(), when.getUTCHours(), when.getUTCMinutes(),
    when.getUTCSeconds(), (when.getUTCMilliseconds()) * 1000);
}

const ISO = /^(?:(\d{4})-(\d{2})-(\d{2}))?T?(?:(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,}))?)?Z?)?$/;

/** from_ISO8601 for t="d" cells. */
export function fromIso(text) {
  if (!text) return null;
  const match = ISO.exec(text);
  if (!match || !match.slice(1).some(Boolean)) throw new Error(`invalid datetime ${text}`);
  const [, y, mo, d, h, mi, s, fraction] = match;
  const micro = fraction ? Math.trunc(Number(`0.${fraction}`) * 1e6) : 0;
  if (!y) return new PyTime(Number(h || 0), Number(mi || 0), Number(s || 0), micro);
  if (!h) return new PyDate(Number(y), Number(mo), Number(d));
  return new PyDateTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s || 0), micro);
}

// ---- number formats (openpyxl.styles.numbers) -----------------------------------------------------

export const BUILTIN_FORMATS = {
  0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 5: '"$"#,##0_);("$"#,##0)',
  6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
  9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm",
  17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
  37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)", 40: "#,##0.00_);[Red](#,##0.00)",
  41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)', 42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
  43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', 44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
  45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
};
const STRIP = /".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]/g;
const TIMEDELTA = /\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?/i;

export function isDateFormat(format) {
  if (format === null || format === undefined) return false;
  return /(?<![_\\])[dmhysDMHYS]/.test(format.split(";")[0].replace(STRIP, ""));
}

export const isTimedeltaFormat = (format) => format !== null && format !== undefined && TIMEDELTA.test(format.split(";")[0]);

/** Per cell style (cellXfs index): {format, date, timedelta} as openpyxl's Stylesheet computes them. */
function cellStyles(stylesXml) {
  if (!stylesXml) return [];
  const root = parseXml(stylesXml);
  const custom = new Map();
  const numFmts = child(root, "numFmts");
  for (const numFmt of numFmts ? childrenNamed(numFmts, "numFmt") : []) custom.set(Number(numFmt.attrs.numFmtId), numFmt.attrs.formatCode);
  const xfs = child(root, "cellXfs");
  return (xfs ? childrenNamed(xfs, "xf") : []).map((xf) => {
    const id = Number(xf.attrs.numFmtId || 0);
    const code = custom.has(id) ? custom.get(id) : BUILTIN_FORMATS[id] ?? null;
    const format = custom.has(id) ? code : id < 164 ? code ?? "General" : null;
    return { format, date: isDateFormat(code), timedelta: isTimedeltaFormat(code) };
  });
}

// ---- cells and sheets -----------------------------------------------------------------------------

export const EMPTY_CELL = Object.freeze({ value: null, dataType: "n", numberFormat: null });

const LETTERS = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

export function columnIndex(letters) {
  let index = 0;
  for (const char of letters.toUpperCase()) index = index * 26 + char.charCodeAt(0) - 64;
  return index;
}

export function columnLetter(index) {
  let letters = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** "H12" → [12, 8]. */
export function coordinate(address) {
  const match = LETTERS.exec(address);
  if (!match) throw new Error(`invalid cell coordinates (${address})`);
  return [Number(match[2]), columnIndex(match[1])];
}

/** The text of an <si> or <is> (openpyxl Text.content: the plain <t>, then every run's <t>). */
function richText(element) {
  const plain = child(element, "t");
  let text = plain ? plain.text : "";
  for (const run of childrenNamed(element, "r")) {
    const t = child(run, "t");
    if (t) text += t.text;
  }
  return text;
}

/** One sheet's cells by (row, column), as grid.Grid holds them. */
export class Grid {
  constructor(cells, maxRow) {
    this.cells = cells;
    this.maxRow = maxRow;
  }

  cell(row, column) {
    return this.cells.get(row * 20000 + column) || EMPTY_CELL;
  }

  at(address) {
    const [row, column] = coordinate(address);
    return this.cell(row, column);
  }

  /** Rows 1 … the last holding a cell, each the first `columns` values. */
  values(columns) {
    const rows = [];
    for (let row = 1; row <= this.maxRow; row++) {
      const values = [];
      for (let column = 1; column <= columns; column++) values.push(this.cell(row, column).value);
      rows.push(values);
    }
    return rows;
  }
}

function readGrid(xml, book, dataOnly) {
  const root = parseXml(xml);
  if (root.name !== "worksheet") throw new Error(`'${root.name}' is not a worksheet`);
  const cells = new Map();
  let maxRow = 0;
  const shared = new Map(); // si → {tokens master formula, row, column}
  const data = child(root, "sheetData");
  let rowCounter = 0;
  for (const row of data ? childrenNamed(data, "row") : []) {
    rowCounter = row.attrs.r !== undefined ? Math.trunc(Number(row.attrs.r)) : rowCounter + 1;
    let columnCounter = 0;
    for (const c of childrenNamed(row, "c")) {
      let dataType = c.attrs.t || "n";
      const styleId = c.attrs.s ? Number(c.attrs.s) : 0;
      const style = book.styles[styleId] || { format: styleId ? null : "General", date: false, timedelta: false };
      let r = rowCounter;
      let column;
      if (c.attrs.r) {
        [r, column] = coordinate(c.attrs.r);
        columnCounter = column;
      } else column = ++columnCounter;
      const v = child(c, "v");
      let value = dataType === "inlineStr" ? null : (v && v.text) || null;
      const f = child(c, "f");
      if (!dataOnly && f) {
        dataType = "f";
        value = formulaValue(f, r, column, shared);
      } else if (value !== null) {
        if (dataType === "n") {
          value = /[.eE]/.test(value) ? Number(value) : BigInt(value.trim());
          if (typeof value === "number" && Number.isNaN(Number(v.text)) && !/nan/i.test(v.text)) throw new Error(`could not convert string to float: '${v.text}'`);
          if (style.date) {
            try {
              value = fromExcel(value, book.date1904, style.timedelta);
              dataType = "d";
            } catch {
              dataType = "e";
              value = "#VALUE!";
            }
          }
        } else if (dataType === "s") {
          const index = Number(value);
          if (!(index in book.strings)) throw new Error("IndexError: list index out of range");
          value = book.strings[index];
        } else if (dataType === "b") value = Boolean(Number(value));
        else if (dataType === "str") dataType = "s";
        else if (dataType === "d") value = fromIso(value);
      } else if (dataType === "inlineStr") {
        const is = child(c, "is");
        if (is) {
          dataType = "s";
          value = richText(is);
        }
      }
      cells.set(r * 20000 + column, { value, dataType, numberFormat: style.format });
      maxRow = Math.max(maxRow, r);
    }
  }
  return new Grid(cells, maxRow);
}

/** parse_formula: "=" + text; a shared formula's followers translated from its first cell. */
function formulaValue(f, row, column, shared) {
  let value = "=" + f.text;
  const kind = f.attrs.t;
  if (kind === "array") return { formula: value, array: true };
  if (kind === "dataTable") return { formula: "=", dataTable: true };
  if (kind === "shared") {
    const index = f.attrs.si;
    if (shared.has(index)) {
      const master = shared.get(index);
      value = translateFormula(master.value, row - master.row, column - master.column);
    } else if (value !== "=") shared.set(index, { value, row, column });
  }
  return value;
}

const resolveTarget = (target) => (target.startsWith("/") ? target.slice(1) : `xl/${target}`).replace(/\/[^/]+\/\.\.\//g, "/");

/**
 * The workbook in an archive (batch-xlsx-zip.mjs openArchive): sheetnames, and sheet(name, dataOnly)
 * — the Grid of a worksheet, read once. Throws on damaged parts, as openpyxl does.
 */
export function readBook(archive) {
  const text = (name) => {
    const bytes = archive.read(name);
    return bytes === undefined ? undefined : new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  };
  const workbook = parseXml(text("xl/workbook.xml"));
  const relsText = text("xl/_rels/workbook.xml.rels");
  if (relsText === undefined) throw new Error("KeyError: \"There is no item named 'xl/_rels/workbook.xml.rels' in the archive\"");
  const rels = new Map(childrenNamed(parseXml(relsText), "Relationship").map((rel) => [rel.attrs.Id, rel.attrs]));
  const typed = (suffix) => [...rels.values()].find((rel) => (rel.Type || "").endsWith(suffix));
  const stringsRel = typed("/sharedStrings");
  const stringsXml = stringsRel ? text(resolveTarget(stringsRel.Target)) : undefined;
  const strings = stringsXml ? childrenNamed(parseXml(stringsXml), "si").map((si) => richText(si).replaceAll("x005F_", "")) : [];
  const stylesRel = typed("/styles");
  const properties = child(workbook, "workbookPr");
  const book = {
    strings,
    styles: cellStyles(stylesRel ? text(resolveTarget(stylesRel.Target)) : undefined),
    date1904: Boolean(properties && ["1", "true"].includes(properties.attrs.date1904)),
  };
  const sheetsElement = child(workbook, "sheets");
  const sheets = (sheetsElement ? childrenNamed(sheetsElement, "sheet") : []).map((sheet) => {
    const rel = rels.get(sheet.attrs["r:id"] ?? sheet.attrs.id);
    if (!rel) throw new Error(`KeyError: '${sheet.attrs["r:id"]}'`);
    return { name: sheet.attrs.name, path: resolveTarget(rel.Target), state: sheet.attrs.state || "visible" };
  });
  const grids = new Map();
  return {
    sheetnames: sheets.map((sheet) => sheet.name),
    sheet(name, dataOnly = false) {
      const key = `${dataOnly}:${name}`;
      if (!grids.has(key)) {
        const found = sheets.find((sheet) => sheet.name === name);
        if (!found) throw new Error(`KeyError: 'Worksheet ${name} does not exist.'`);
        const xml = text(found.path);
        if (xml === undefined) throw new Error(`KeyError: "There is no item named '${found.path}' in the archive"`);
        grids.set(key, readGrid(xml, book, dataOnly));
      }
      return grids.get(key);
    },
  };
}
