// WSAS enterprise base record (一企一档, 004:102): the data side of the handbook form, without the DOM
// (unit-tested in tests/js/enterprise-form.test.mjs against tests/conformance/records/enterprise.json).
//
// * the fields of the form over the members of enterprise.json, labels from the schema's titles;
// * form values ⇄ record (buildDocument / valuesFromDocument);
// * the checks of `wsas records enterprises` (tools/wsas/records/enterprises.py, spec/records.md §12):
//   missing-field per required item, the other schema errors, unknown-program, and per ledger
//   duplicate-id and duplicate-enterprise — same codes and pointers.

export const SCHEMA_URI = "https://wsas.org/schemas/v1/enterprise.json";

/** The members in the order of enterprise.json (exports follow it). */
export const TOP_ORDER = ["$schema", "id", "program", "code", "name", "address", "scale", "kind", "employees",
  "processes", "standardization", "threeSimultaneities", "updatedOn", "notes"];

/** The form: the eight items of 004:102 first, then the identity and metadata. kind: text | textarea | date | select. */
export const FIELDS = [
  { pointer: "/name", kind: "text", wide: true },
  { pointer: "/address", kind: "text", wide: true },
  { pointer: "/scale", kind: "text", hint: "自由填写，原文没有规定分类，如 规模以上" },
  { pointer: "/kind", kind: "text", hint: "自由填写，如 冶金" },
  { pointer: "/employees", kind: "text", hint: "自由填写，如 从业人员 320 人" },
  { pointer: "/processes", kind: "textarea" },
  { pointer: "/standardization", kind: "text", wide: true },
  { pointer: "/threeSimultaneities", kind: "textarea" },
  { pointer: "/id", kind: "text", placeholder: "例如 E-2017-001", hint: "字母或数字开头，可含 . _ -；在同一台账内唯一" },
  { pointer: "/code", kind: "text", placeholder: "统一社会信用代码" },
  { pointer: "/program", kind: "select" },
  { pointer: "/updatedOn", kind: "date", placeholder: "2017-03-20" },
  { pointer: "/notes", kind: "textarea" },
];

const ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/;

function blank(value) {
  return value === undefined || value === null || String(value).trim() === "";
}

/** The Chinese label of a member, from its title in enterprise.json ("/threeSimultaneities" → "“三同时”落实"). */
export function fieldLabel(schema, pointer) {
  const node = schema && schema.properties ? schema.properties[pointer.slice(1)] : null;
  return node && node.title ? String(node.title).split(" / ")[0] : pointer;
}

/** The record the form's values stand for: blanks left out, text trimmed, members in the schema's order. */
export function buildDocument(values, { schema = false } = {}) {
  const flat = {};
  for (const field of FIELDS) {
    const text = values[field.pointer];
    if (!blank(text)) flat[field.pointer.slice(1)] = String(text).trim();
  }
  if (schema || values.$schema !== undefined) flat.$schema = values.$schema !== undefined ? values.$schema : SCHEMA_URI;
  const document = {};
  for (const key of TOP_ORDER) if (key in flat) document[key] = flat[key];
  return document;
}

/** The form's values of a record, and the members it cannot hold (`dropped`: not text, or unknown). */
export function valuesFromDocument(document) {
  const values = {};
  const dropped = [];
  for (const [key, value] of Object.entries(document)) {
    const known = key === "$schema" || FIELDS.some((f) => f.pointer === `/${key}`);
    if (known && typeof value === "string") values[key === "$schema" ? "$schema" : `/${key}`] = value;
    else dropped.push(`/${key}`);
  }
  return { values, dropped };
}

export function isEmpty(values) {
  return !values || FIELDS.every((f) => blank(values[f.pointer]));
}

/** Why `document` is not an enterprise record (null when it may be one): {message, messageEn}. */
export function notAnEnterprise(document, members = TOP_ORDER) {
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    return { message: "不是企业基础档案（应为一个 JSON 对象）", messageEn: "not an enterprise record (a JSON object is expected)" };
  }
  if ("rubric" in document && "responses" in document) {
    return { message: `是评估表「${document.rubric}」的填报，不是企业基础档案`, messageEn: "a rubric submission" };
  }
  const unknown = Object.keys(document).filter((key) => !members.includes(key));
  if (unknown.length) {
    return { message: `含有企业基础档案没有的字段：${unknown.slice(0, 8).join("、")}，不是企业基础档案`,
      messageEn: `members an enterprise record does not have: ${unknown.join(", ")}` };
  }
  return null;
}

export function exportFileName(document) {
  return `${typeof document.id === "string" && ID.test(document.id) ? document.id : "企业基础档案"}.json`;
}

/**
 * The errors of one record: [{code, pointer, message, messageEn}]. `schemaErrors` is validator.mjs's
 * makeSchemaValidator(…, "enterprise.json"); `programs` the published program ids (null: not checked).
 */
export function recordErrors(document, schema, schemaErrors, programs = null) {
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    return [{ code: "schema", pointer: "", message: "应为一个 JSON 对象（企业基础档案）",
      messageEn: "expected a JSON object (an enterprise record)" }];
  }
  const errors = [];
  for (const name of (schema && schema.required) || []) {
    if (!(name in document)) {
      errors.push({ code: "missing-field", pointer: `/${name}`,
        message: `缺少「${fieldLabel(schema, `/${name}`)}」（一企一档的必填栏目，004:102）`,
        messageEn: `${name} is missing (a required item of the enterprise record, 004:102)` });
    }
  }
  for (const e of schemaErrors(document)) {
    if (e.keyword !== "required") errors.push({ code: e.code, pointer: e.pointer, message: e.message, messageEn: e.messageEn });
  }
  const own = document.program;
  if (!errors.length && own !== undefined && programs && !programs.includes(own)) {
    errors.push({ code: "unknown-program", pointer: "/program", message: `未知的方案「${own}」；已发布：${programs.join("、")}`,
      messageEn: `unknown program ${own}` });
  }
  return errors;
}

/**
 * The errors of a ledger, record by record: `items` are parsed records or {syntax: message} for a line that is
 * not JSON. Returns [[errors of item 0], …] with duplicate-id and duplicate-enterprise added at every occurrence.
 */
export function ledgerErrors(items, schema, schemaErrors, programs = null) {
  const found = items.map((item) => (item && item.syntax !== undefined && Object.keys(item).length === 1
    ? [{ code: "syntax", pointer: "", message: `不是有效的 JSON：${item.syntax}`, messageEn: `not JSON: ${item.syntax}` }]
    : recordErrors(item, schema, schemaErrors, programs)));
  const same = (member, code, words, wordsEn) => {
    const places = new Map();
    items.forEach((item, index) => {
      const value = item && typeof item === "object" && !Array.isArray(item) ? item[member] : undefined;
      if (typeof value === "string") places.set(value, [...(places.get(value) || []), index]);
    });
    for (const [value, indices] of places) {
      if (indices.length < 2) continue;
      for (const index of indices) {
        const others = indices.filter((i) => i !== index).map((i) => `第 ${i + 1} 条`).join("、");
        found[index].push({ code, pointer: `/${member}`, message: `${words.replace("{}", value)}，另见 ${others}`,
          messageEn: wordsEn.replace("{}", value) });
      }
    }
  };
  same("id", "duplicate-id", "编号「{}」在同一台账中重复", "id {} is used more than once in the ledger");
  same("code", "duplicate-enterprise", "统一社会信用代码「{}」在同一台账中有多份档案（一企一档）",
    "credit code {} has more than one record in the ledger (one enterprise, one record)");
  return found;
}
