// Where everything is on a rubric's 评估表 sheet, computed from the rubric alone, and the hidden
// _wsas manifest recomputed from it with its fingerprint (tools/wsas/xlsx/layout.py, manifest.py,
// and the column roles of tools/wsas/site/rubric_view.py). The importer reads cells by these
// addresses only after the workbook's manifest equals the one recomputed here.

import { byDeadline } from "./scorer.mjs";
import { columnLetter, floatRepr } from "./batch-xlsx-sheets.mjs";

export const SHEET = "评估表";
export const MANIFEST_SHEET = "_wsas";
export const DEFAULT_COLUMNS = ["序号", "主要内容", "具体要求", "分值"];
export const FIELD_ROW = 4;
export const HEADER_ROW = 9;
export const FIRST_ROW = 10;
export const NA_TEXT = "缺项";
export const YES = "是";
export const NO = "否";

export const FIELDS = [
  { key: "subject.name", label: "被评估单位", pointer: "/subject/name" },
  { key: "subject.code", label: "统一社会信用代码", pointer: "/subject/code" },
  { key: "subject.region", label: "地区", pointer: "/subject/region" },
  { key: "period", label: "评估期", pointer: "/period" },
  { key: "assessor.name", label: "评估人", pointer: "/assessor/name" },
  { key: "assessor.organisation", label: "评估单位", pointer: "/assessor/organisation" },
  { key: "assessedOn", label: "评估日期", pointer: "/assessedOn" },
  { key: "notes", label: "备注", pointer: "/notes" },
];

const ADDED = { id: "细则编号", rule: "评分规则（WSAS）", value: "填报值", na: "缺项", awarded: "得分", reason: "扣分原因", evidence: "佐证" };

// rubric_view.ROLE_NAMES: first match wins, exact names before parts of names
const ROLE_NAMES = [
  ["number", ["序号", "编号"]],
  ["points", ["分值", "标准分", "分数", "满分"]],
  ["deadline", ["时间节点", "时限", "完成时间"]],
  ["blank", ["实际得分", "得分", "扣分原因", "扣分", "备注", "评分", "自评"]],
  ["criterion", ["具体要求", "细则", "评分标准", "考核标准", "要求"]],
  ["item", ["主要内容", "内容", "考核项目"]],
  ["section", ["项目", "类别", "分项"]],
];

export function columnRoles(columns, hasSectionTitles) {
  return columns.map((column) => {
    let role = (ROLE_NAMES.find(([, names]) => names.includes(column)) || [])[0];
    role = role || (ROLE_NAMES.find(([, names]) => names.some((n) => column.includes(n))) || ["blank"])[0];
    return role === "section" && !hasSectionTitles ? "item" : role;
  });
}

function blankRole(header) {
  if (header.includes("原因")) return "reason";
  if (header === "扣分") return "deducted";
  if (["得分", "评分", "自评"].some((word) => header.includes(word))) return "awarded";
  return "other";
}

/** scoring.md §4.1: the rubric allows it, the criterion is not mandatory and not a veto. */
export const mayBeNotApplicable = (rubric, criterion) =>
  Boolean(rubric.scoring.notApplicable) && !criterion.mandatory && criterion.rule.kind !== "veto";

/** Cell addresses of one rubric's workbook (layout.Layout). */
export class Layout {
  constructor(rubric) {
    this.rubric = rubric;
    this.byDeadline = byDeadline(rubric);
    this.hasSectionTitles = rubric.sections.some((section) => section.title);
    this.showSections = this.hasSectionTitles || rubric.sections.length > 1;
    this.columns = this.makeColumns(rubric.columns && rubric.columns.length ? rubric.columns : DEFAULT_COLUMNS);
    this.byRole = new Map();
    for (const column of this.columns) if (!this.byRole.has(column.role)) this.byRole.set(column.role, column);
    this.table = this.tableRows();
    this.criterionRows = new Map(this.table.filter((r) => r.criterion).map((r) => [r.criterion.id, r]));
    this.summary = this.summaryRows();
    this.summaryByKey = new Map(this.summary.map((r) => [r.node ? `${r.kind}:${r.node.id}` : r.kind, r]));
  }

  makeColumns(source) {
    const roles = columnRoles(source, this.hasSectionTitles);
    const descriptive = [];
    const blanks = [];
    const seen = new Set();
    source.forEach((header, index) => {
      if (roles[index] !== "blank") descriptive.push([roles[index], header]);
    });
    source.forEach((header, index) => {
      if (roles[index] !== "blank") return;
      let kind = blankRole(header);
      kind = seen.has(kind) && kind !== "other" ? "other" : kind;
      seen.add(kind);
      blanks.push([kind, header]);
    });
    const added = [["id", ADDED.id], ["rule", ADDED.rule], ["value", ADDED.value]];
    if (this.rubric.scoring.notApplicable) added.push(["na", ADDED.na]);
    if (!seen.has("awarded")) added.push(["awarded", ADDED.awarded]);
    const tail = seen.has("reason") ? [] : [["reason", ADDED.reason]];
    tail.push(["evidence", ADDED.evidence]);
    return [...descriptive, ...added, ...blanks, ...tail]
      .map(([role, header], index) => ({ role, header, index: index + 1, letter: columnLetter(index + 1) }));
  }

  column(role) {
    return this.byRole.get(role) || null;
  }

  get width() {
    return this.columns.length;
  }

  fieldCell(key) {
    const criterion = this.column("criterion");
    const split = Math.min(Math.max(3, criterion ? criterion.index : 3), this.width - 3);
    const position = FIELDS.findIndex((field) => field.key === key);
    const row = FIELD_ROW + Math.floor(position / 2);
    return `${columnLetter(position % 2 === 0 ? 3 : split + 3)}${row}`;
  }

  tableRows() {
    const rows = [];
    let row = FIRST_ROW;
    for (const section of this.rubric.sections) {
      for (const item of section.items) {
        const criteria = item.criteria && item.criteria.length ? item.criteria : [null];
        for (const criterion of criteria) rows.push({ row: row++, section, item, criterion });
      }
    }
    return rows;
  }

  get lastTableRow() {
    return this.table[this.table.length - 1].row;
  }

  rowsOf(nodeId, kind) {
    return this.table.filter((r) => (kind === "item" ? r.item.id : r.section.id) === nodeId);
  }

  cell(role, criterionId) {
    const column = this.column(role);
    if (!column) return null;
    if (role === "na" && !mayBeNotApplicable(this.rubric, this.criterionRows.get(criterionId).criterion)) return null;
    return `${column.letter}${this.criterionRows.get(criterionId).row}`;
  }

  columnRange(role, first = null, last = null) {
    const { letter } = this.column(role);
    return `${letter}${first || FIRST_ROW}:${letter}${last || this.lastTableRow}`;
  }

  summaryRows() {
    const rows = [];
    let row = this.lastTableRow + 3;
    if (this.showSections) for (const section of this.rubric.sections) rows.push({ row: row++, kind: "section", node: section });
    for (const section of this.rubric.sections) for (const item of section.items) rows.push({ row: row++, kind: "item", node: item });
    const kinds = this.byDeadline ? ["total", "asOf", "notYetDuePoints", "maximum", "score"] : ["total", "maximum", "score"];
    if ([...this.criterionRows.values()].some((r) => r.criterion.rule.kind === "veto")) kinds.push("vetoedBy");
    if (this.rubric.outcomes && this.rubric.outcomes.length) kinds.push("outcome");
    kinds.push("status");
    for (const kind of kinds) rows.push({ row: row++, kind, node: null });
    return rows;
  }

  summaryCell(key, which = "awarded") {
    const row = this.summaryByKey.get(key);
    const [points, na, awarded] = [this.width - 2, this.width - 1, this.width];
    if (!["section", "item", "total"].includes(row.kind)) return `${columnLetter(points)}${row.row}`;
    return `${columnLetter({ points, na, awarded }[which])}${row.row}`;
  }

  /** [kind, key, cell] of every input: field, value, notApplicable, reason, evidence. */
  get inputs() {
    const entries = FIELDS.map((field) => ["field", field.key, this.fieldCell(field.key)]);
    for (const criterionId of this.criterionRows.keys()) {
      for (const [kind, role] of [["value", "value"], ["notApplicable", "na"], ["reason", "reason"], ["evidence", "evidence"]]) {
        const address = this.cell(role, criterionId);
        if (address) entries.push([kind, criterionId, address]);
      }
    }
    return entries;
  }

  /** [key, cell] of every formula, keys named like the result document's members. */
  get formulaCells() {
    const entries = [];
    for (const criterionId of this.criterionRows.keys()) {
      entries.push([`awarded:${criterionId}`, this.cell("awarded", criterionId)]);
      if (this.column("deducted")) entries.push([`deducted:${criterionId}`, this.cell("deducted", criterionId)]);
    }
    for (const row of this.summary) {
      if (row.kind === "section" || row.kind === "item") {
        const key = `${row.kind}:${row.node.id}`;
        entries.push([key, this.summaryCell(key)]);
        entries.push([`${row.kind}-na:${row.node.id}`, this.summaryCell(key, "na")]);
      } else if (row.kind === "total") {
        entries.push(["total", this.summaryCell("total")]);
        entries.push(["notApplicablePoints", this.summaryCell("total", "na")]);
      } else entries.push([row.kind, this.summaryCell(row.kind)]);
    }
    return entries;
  }
}

// ---- the manifest -------------------------------------------------------------------------------------

export const FORMAT = "wsas-xlsx/1";
const TITLE = ["WSAS", "工作簿清单：导入时据此读取评估表，请勿修改 / manifest read by `wsas xlsx import`; do not edit", ""];
export const FIRST_ENTRY_ROW = 8;

function structure(layout) {
  const data = layout.rubric;
  const sections = data.sections.map((section) => ({
    id: section.id, points: section.points,
    items: section.items.map((item) => ({
      id: item.id, points: item.points, lost: Boolean(item.lost),
      criteria: (item.criteria || []).map((c) => ({ id: c.id, points: c.points, rule: c.rule, mandatory: Boolean(c.mandatory) })),
    })),
  }));
  const outcomes = (data.outcomes || []).map((o) => ({ id: o.id, label: o.label, range: o.range }));
  const found = { rubric: data.id, version: data.version, total: data.total, scoring: data.scoring, outcomes, sections,
    columns: layout.columns.map((c) => [c.role, c.header, c.letter]), inputs: layout.inputs, formulas: layout.formulaCells };
  if (layout.byDeadline) {
    found.byDeadline = {};
    for (const section of data.sections) for (const item of section.items) if ("deadline" in item) found.byDeadline[item.id] = item.deadline;
  }
  return found;
}

const byCodePoint = (a, b) => {
  const x = [...a].map((c) => c.codePointAt(0));
  const y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

/** json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":")). */
export function pythonJson(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e18 ? String(value) : floatRepr(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(",")}]`;
  return `{${Object.keys(value).sort(byCodePoint).map((key) => `${JSON.stringify(key)}:${pythonJson(value[key])}`).join(",")}}`;
}

const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

/**
 * SHA-256 of a text's UTF-8 bytes, in hex. Written out rather than crypto.subtle: that exists only in
 * secure contexts, and the handbook may be served over plain HTTP on an intranet.
 */
export function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const length = Math.ceil((bytes.length + 9) / 64) * 64;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(length - 4, (bytes.length * 8) >>> 0);
  const hash = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = hash;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, h].forEach((value, i) => { hash[i] = (hash[i] + value) >>> 0; });
  }
  return [...hash].map((word) => word.toString(16).padStart(8, "0")).join("");
}

/** manifest.fingerprint: SHA-256 over the rubric's scoring structure and the cell map. */
export function fingerprint(layout) {
  return "sha256:" + sha256Hex(pythonJson(structure(layout)));
}

/** manifest.rows: the _wsas sheet's content, row by row from row 1. */
export function manifestRows(layout) {
  const rubric = layout.rubric;
  return [TITLE, ["format", FORMAT, ""], ["rubric", rubric.id, ""], ["rubricVersion", rubric.version, ""],
    ["fingerprint", fingerprint(layout), ""], ["sheet", SHEET, ""], ["kind", "key", "cell"],
    ...layout.inputs, ...layout.formulaCells.map(([key, cell]) => ["formula", key, cell])];
}
