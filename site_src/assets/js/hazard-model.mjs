// WSAS hazard-record form: the data side, without the DOM (unit-tested in tests/js/hazard-form.test.mjs).
//
// * the layout of the form (sections, fields, person groups, history and attachment rows) over the
//   JSON Pointers of hazard.json, with Chinese labels taken from the schema's titles;
// * form state ⇄ hazard record (buildDocument / stateFromDocument), drafts keep the raw state;
// * the lifecycle rules of records/rules.yaml (published as downloads/records/rules.json):
//   which fields a state requires, and the lifecycle checks of the Python reference
//   (tools/wsas/records/lifecycle.py, spec/records.md §3–§6) with the same codes and pointers;
// * whether an imported file is a hazard record at all.

export const SCHEMA_URI = "https://wsas.org/schemas/v1/hazard.json";

/** Top-level members in the order of hazard.json (exports follow it). */
export const TOP_ORDER = ["$schema", "id", "program", "subject", "name", "description", "level", "source", "type",
  "location", "discovered", "rectification", "plan", "supervision", "acceptance", "closed", "state", "history",
  "attachments", "notes"];

export const PERSON_PARTS = ["name", "role", "organization", "phone"];

/**
 * The form, section by section. kind: text | textarea | select | datetime | date | number | boolean | person.
 * `options` names the list of choices (rules.yaml tables, or the published programs).
 */
export const SECTIONS = [
  { id: "basic", title: "隐患基本信息", fields: [
    { pointer: "/id", kind: "text", placeholder: "例如 H-2024-001", hint: "字母或数字开头，可含 . _ -；在同一台账内唯一" },
    { pointer: "/state", kind: "select", options: "states" },
    { pointer: "/level", kind: "select", options: "hazardLevels" },
    { pointer: "/source", kind: "select", options: "hazardSources" },
    { pointer: "/name", kind: "text", wide: true },
    { pointer: "/type", kind: "text", placeholder: "自由填写，如 电气安全" },
    { pointer: "/program", kind: "select", options: "programs", hint: "按哪个方案的规则检查（不过夜、治理方案、挂牌督办、验收销号等）" },
    { pointer: "/description", kind: "textarea", wide: true },
  ] },
  { id: "subject", pointer: "/subject", fields: [
    { pointer: "/subject/name", kind: "text" },
    { pointer: "/subject/code", kind: "text", placeholder: "统一社会信用代码" },
    { pointer: "/subject/region", kind: "text" },
  ] },
  { id: "discovery", title: "位置与发现", fields: [
    { pointer: "/location/place", kind: "text" },
    { pointer: "/location/unit", kind: "text", placeholder: "风险点编号，如 R-JJG-01" },
    { pointer: "/discovered/at", kind: "datetime" },
    { pointer: "/discovered/by", kind: "person" },
  ] },
  { id: "rectification", pointer: "/rectification", fields: [
    { pointer: "/rectification/measures", kind: "textarea", wide: true },
    { pointer: "/rectification/responsible", kind: "person" },
    { pointer: "/rectification/onTheSpot", kind: "boolean" },
    { pointer: "/rectification/deadline", kind: "date" },
    { pointer: "/rectification/funds", kind: "number", placeholder: "元" },
    { pointer: "/rectification/completedAt", kind: "datetime" },
  ] },
  { id: "plan", pointer: "/plan", fields: [
    { pointer: "/plan/measures", kind: "textarea", wide: true },
    { pointer: "/plan/funds", kind: "number", placeholder: "元" },
    { pointer: "/plan/deadline", kind: "date" },
    { pointer: "/plan/responsible", kind: "person" },
    { pointer: "/plan/emergencyPlan", kind: "textarea", wide: true },
    { pointer: "/plan/approvedBy", kind: "person" },
  ] },
  { id: "supervision", pointer: "/supervision", fields: [
    { pointer: "/supervision/by", kind: "text", placeholder: "督办机关" },
    { pointer: "/supervision/at", kind: "datetime" },
    { pointer: "/supervision/documentNumber", kind: "text" },
  ] },
  { id: "acceptance", pointer: "/acceptance", fields: [
    { pointer: "/acceptance/by", kind: "person" },
    { pointer: "/acceptance/at", kind: "datetime" },
    { pointer: "/acceptance/passed", kind: "boolean", yes: "通过", no: "不通过" },
    { pointer: "/acceptance/comment", kind: "textarea", wide: true },
  ] },
  { id: "closed", pointer: "/closed", fields: [
    { pointer: "/closed/by", kind: "person" },
    { pointer: "/closed/at", kind: "datetime" },
  ] },
  { id: "history", pointer: "/history", table: "history" },
  { id: "attachments", pointer: "/attachments", table: "attachments" },
  { id: "notes", title: "备注", fields: [{ pointer: "/notes", kind: "textarea", wide: true }] },
];

/** The columns of the row tables; `key` is a pointer relative to the row. */
export const TABLES = {
  history: [
    { key: "/state", kind: "select", options: "states" },
    { key: "/at", kind: "datetime" },
    { key: "/by/name", kind: "text" },
    { key: "/by/role", kind: "text" },
    { key: "/by/organization", kind: "text" },
    { key: "/by/phone", kind: "text" },
    { key: "/note", kind: "text" },
  ],
  attachments: [
    { key: "/name", kind: "text" },
    { key: "/href", kind: "text", placeholder: "相对路径或网址" },
    { key: "/mediaType", kind: "text", placeholder: "如 image/jpeg" },
    { key: "/sha256", kind: "text", placeholder: "64 位小写十六进制" },
  ],
};

export const PLACEHOLDERS = {
  datetime: "2024-06-03 或 2024-06-03T09:30",
  date: "2024-06-30",
};

// ---- JSON pointers ------------------------------------------------------------------------

const MISSING = Symbol("missing");

export function parts(pointer) {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at `pointer`, or `fallback` (default undefined) when absent. */
export function resolve(document, pointer, fallback = undefined) {
  let node = document;
  for (const key of parts(pointer)) {
    if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) < node.length) node = node[Number(key)];
    else if (node && typeof node === "object" && !Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key];
    else return fallback;
  }
  return node;
}

function isPlainEmpty(value) {
  return value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** Present: there and not null, "", [] or {} (spec/records.md §4.2). */
export function present(document, pointer) {
  const value = resolve(document, pointer, MISSING);
  return value !== MISSING && value !== null && value !== "" &&
    !(Array.isArray(value) && value.length === 0) && !isPlainEmpty(value);
}

/** A condition {pointer, equals} holds: the value is there, of the same type and equal. */
export function holds(document, condition) {
  const value = resolve(document, condition.pointer, MISSING);
  return value !== MISSING && typeof value === typeof condition.equals && value === condition.equals;
}

function put(document, pointer, value) {
  const keys = parts(pointer);
  let node = document;
  keys.slice(0, -1).forEach((key) => {
    if (!node[key] || typeof node[key] !== "object") node[key] = {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

// ---- labels from the schema --------------------------------------------------------------

function zh(title) {
  return String(title || "").split(" / ")[0];
}

function deref(schema, node) {
  if (node && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    let target = schema;
    for (const key of node.$ref.slice(2).split("/")) target = target[key];
    return { ...target, ...node, properties: target.properties, items: target.items };
  }
  return node;
}

/** The schema node of a pointer in hazard.json (local $refs followed), or null. */
export function schemaNode(schema, pointer) {
  let node = schema;
  for (const key of parts(pointer)) {
    node = deref(schema, node);
    if (/^\d+$/.test(key) || key === "*") node = node && node.items;
    else node = node && node.properties ? node.properties[key] : undefined;
    if (!node) return null;
  }
  return deref(schema, node);
}

/** Labels of members defined in another schema (the enterprise is submission.json#/$defs/subject). */
export const OTHER_LABELS = { "/subject/name": "企业名称", "/subject/code": "统一社会信用代码", "/subject/region": "所在地区" };

/** The Chinese label of a field (its schema title), e.g. "/rectification/deadline" → "整改期限". */
export function fieldLabel(schema, pointer) {
  if (pointer in OTHER_LABELS) return OTHER_LABELS[pointer];
  const node = schema ? schemaNode(schema, pointer.replace(/\/\d+(?=\/|$)/g, "/*")) : null;
  return node && node.title ? zh(node.title) : pointer;
}

/** The label with its parents, e.g. "/acceptance/by/name" → "验收 · 验收人 · 姓名"; "/history/1/at" → "状态历史 第2行 · 时间". */
export function pathLabel(schema, pointer) {
  const keys = parts(pointer);
  const names = [];
  for (let i = 1; i <= keys.length; i++) {
    const key = keys[i - 1];
    if (/^\d+$/.test(key)) {
      names[names.length - 1] = `${names[names.length - 1]} 第${Number(key) + 1}行`;
      continue;
    }
    names.push(fieldLabel(schema, "/" + keys.slice(0, i).join("/")));
  }
  return names.join(" · ");
}

// ---- the lifecycle rules --------------------------------------------------------------------

export function labelOf(rules, table, id) {
  const entry = (rules[table] || []).find((e) => e.id === id);
  return entry ? entry.label : id;
}

function stateIndex(rules, state) {
  return rules.states.findIndex((s) => s.id === state);
}

/** Whether records of `program` must pass through `state` (its `requiredFor`; every program when absent). */
export function mandatory(rules, state, program) {
  const entry = rules.states.find((s) => s.id === state);
  const targets = entry ? entry.requiredFor : undefined;
  return !Array.isArray(targets) || targets.includes(program);
}

/** The states a record's history went through (an optional state counts only then, erratum E6). */
export function passedStates(document) {
  return new Set((Array.isArray(document && document.history) ? document.history : [])
    .map((item) => item && item.state));
}

/** The main-line states up to `state` whose requirements count: itself, the mandatory ones, the ones passed. */
function line(rules, state, program, passed) {
  const index = stateIndex(rules, state);
  if (index < 0) return [];
  return rules.states.slice(0, index + 1).filter((entry) =>
    entry.id === state || passed.has(entry.id) || mandatory(rules, entry.id, program));
}

/**
 * [{pointer, unless, owner}] a record in `state` must have: its own and those of the earlier main-line states
 * that count for `program` and the states the history `passed` (cumulative).
 */
export function requirements(rules, state, program = null, passed = new Set()) {
  const found = [];
  for (const entry of line(rules, state, program, passed)) {
    for (const requirement of entry.requires || []) {
      if (typeof requirement === "string") found.push({ pointer: requirement, unless: null, owner: entry.id });
      else found.push({ pointer: requirement.pointer, unless: requirement.unless, owner: entry.id });
    }
  }
  return found;
}

/** [{owner, pointer, equals}] the conditions a record in `state` must meet (cumulative like the requirements). */
export function conditions(rules, state, program = null, passed = new Set()) {
  return line(rules, state, program, passed).flatMap((entry) =>
    (entry.conditions || []).map((condition) => ({ owner: entry.id, ...condition })));
}

/**
 * What the chosen state asks of the record, for the form's panel: every requirement and
 * condition with `status` "ok" | "missing" | "waived" (an `unless` holds) | "wrong" (a condition fails).
 */
export function stateChecklist(document, rules, state, program = null) {
  const passed = passedStates(document);
  const items = requirements(rules, state, program, passed).map((r) => ({
    ...r, kind: "requires",
    status: present(document, r.pointer) ? "ok" : r.unless && holds(document, r.unless) ? "waived" : "missing",
  }));
  for (const condition of conditions(rules, state, program, passed)) {
    items.push({ ...condition, kind: "condition",
      status: holds(document, condition) ? "ok" : present(document, condition.pointer) ? "wrong" : "missing" });
  }
  return items;
}

// ---- times ----------------------------------------------------------------------------------------

const DAY = 86400000;
const CHINA = 8 * 3600000;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(\+08:00|Z)?)?$/;

function realDate(year, month, day) {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, years below 100 stay themselves
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return null;
  return utc.getTime();
}

/** A `dateTime` as {text, lo, hi, day}: the span of instants it may stand for (ms) and its China day number. */
export function parseWhen(text) {
  const match = typeof text === "string" ? DATETIME.exec(text) : null;
  if (!match) return null;
  const [, y, mo, d, hh, mi, ss, zone] = match;
  const midnight = realDate(Number(y), Number(mo), Number(d));
  if (midnight === null) return null;
  if (hh === undefined) {
    const lo = midnight - CHINA;
    return { text, lo, hi: lo + DAY - 1, day: Math.floor((lo + CHINA) / DAY) };
  }
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss || 0) > 59) return null;
  const moment = midnight + ((Number(hh) * 60 + Number(mi)) * 60 + Number(ss || 0)) * 1000 - (zone === "Z" ? 0 : CHINA);
  return { text, lo: moment, hi: moment, day: Math.floor((moment + CHINA) / DAY) };
}

/** A YYYY-MM-DD day as its day number (days since 1970-01-01), or null. */
export function dayNumber(text) {
  const when = typeof text === "string" && text.length === 10 ? parseWhen(text) : null;
  return when ? when.day : null;
}

export function dayText(day) {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Today in China time, YYYY-MM-DD. */
export function todayInChina(now = Date.now()) {
  return dayText(Math.floor((now + CHINA) / DAY));
}

function before(a, b) {
  return a.hi < b.lo;
}

// ---- the lifecycle checks (tools/wsas/records/lifecycle.py) ----------------------------------

export const TIME_POINTERS = ["/discovered/at", "/rectification/deadline", "/rectification/completedAt",
  "/plan/deadline", "/supervision/at", "/acceptance/at", "/closed/at"];
const COMPLETED = "/rectification/completedAt";

function error(code, message, messageEn, pointer) {
  return { code, pointer, message, messageEn };
}

function shown(value) {
  return value === true ? "true" : value === false ? "false" : String(value);
}

function applies(rules, rule, program, level, state) {
  if (rule.appliesTo !== "all" && !(Array.isArray(rule.appliesTo) && rule.appliesTo.includes(program))) return false;
  if ("level" in rule && rule.level !== level) return false;
  if ("fromState" in rule && stateIndex(rules, state) < stateIndex(rules, rule.fromState)) return false;
  if ("inStates" in rule && !rule.inStates.includes(state)) return false;
  return true;
}

function isCompleted(rules, state) {
  return requirements(rules, state).some((r) => r.pointer === COMPLETED);
}

function deadlineOf(document, times) {
  for (const pointer of ["/rectification/deadline", "/plan/deadline"]) {
    if (times.has(pointer) && (pointer === "/rectification/deadline" || document.level === "major")) {
      return { pointer, day: times.get(pointer).day };
    }
  }
  return null;
}

/**
 * The lifecycle errors and findings of a hazard record that is valid against hazard.json:
 * {errors, findings}, each [{code, pointer, message, messageEn}]. `program` is the program whose
 * rules apply (the record's own, else the chosen one); `asOf` the day (YYYY-MM-DD) open hazards are judged on.
 */
export function evaluate(document, rules, program, asOf) {
  const out = { errors: [], findings: [] };
  const asOfDay = dayNumber(asOf);
  const times = collectTimes(document);
  const { state, level } = document;
  const covered = new Set();
  for (const rule of rules.rules.filter((r) => applies(rules, r, program, level, state))) {
    const found = ruleFindings(rule, document, rules, times, asOfDay);
    if (rule.kind === "error") {
      out.errors.push(...found);
      found.forEach((e) => covered.add(e.pointer));
    } else {
      out.findings.push(...found);
    }
  }
  const missing = missingForState(document, rules, state, covered, program);
  out.errors.push(...missing);
  missing.forEach((e) => covered.add(e.pointer));
  out.errors.push(...historyErrors(document, rules, program, times, covered));
  out.errors.push(...dateOrderErrors(document, rules, times));
  return out;
}

/** Every time of the record by pointer (the schema's formats have proved each a real day or time). */
function collectTimes(document) {
  const pointers = [...TIME_POINTERS];
  (document.history || []).forEach((_, index) => pointers.push(`/history/${index}/at`));
  const times = new Map();
  for (const pointer of pointers) {
    const value = resolve(document, pointer);
    if (value !== undefined && value !== null) times.set(pointer, parseWhen(value));
  }
  return times;
}

/** missing-for-state: the cumulative requirements and conditions of `state` (pointers in `covered` skipped). */
export function missingForState(document, rules, state, covered = new Set(), program = null) {
  const label = labelOf(rules, "states", state);
  const passed = passedStates(document);
  const errors = [];
  for (const { pointer, unless } of requirements(rules, state, program, passed)) {
    if (covered.has(pointer) || present(document, pointer) || (unless && holds(document, unless))) continue;
    errors.push(error("missing-for-state", `状态「${label}」必须填写 ${pointer}`, `state ${state} requires ${pointer}`, pointer));
  }
  const reported = new Set(errors.map((e) => e.pointer));
  for (const condition of conditions(rules, state, program, passed)) {
    const pointer = condition.pointer;
    if (covered.has(pointer) || reported.has(pointer) || holds(document, condition)) continue;
    const value = shown(condition.equals);
    errors.push(error("missing-for-state", `状态「${label}」要求 ${pointer} 为 ${value}`,
      `state ${state} requires ${pointer} to be ${value}`, pointer));
  }
  return errors;
}

function historyErrors(document, rules, program, times, covered) {
  const history = document.history || [];
  const errors = [];
  if (!history.length) return errors;
  if (history[0].state !== rules.initial) {
    errors.push(error("bad-transition", `状态历史应从「${labelOf(rules, "states", rules.initial)}」开始，实为 ${history[0].state}`,
      `the history must start with ${rules.initial}, not ${history[0].state}`, "/history/0/state"));
  }
  const taken = [];
  for (let index = 1; index < history.length; index++) {
    const from = history[index - 1].state;
    const to = history[index].state;
    const transition = rules.transitions.find((t) => t.from === from && t.to === to);
    const skipped = transition ? (transition.skips || []).filter((s) => mandatory(rules, s, program)) : [];
    if (!transition) {
      errors.push(error("bad-transition", `不允许的状态转换：${from} → ${to}`, `transition ${from} → ${to} is not allowed`,
        `/history/${index}/state`));
    } else if (skipped.length) {
      const names = skipped.map((s) => `「${labelOf(rules, "states", s)}」`).join("、");
      errors.push(error("bad-transition", `方案 ${program} 的隐患必须经过${names}，不能 ${from} → ${to}`,
        `program ${program} requires ${skipped.join(", ")}: ${from} → ${to} is not allowed`, `/history/${index}/state`));
    } else {
      taken.push([index, transition]);
    }
    const earlier = times.get(`/history/${index - 1}/at`);
    const later = times.get(`/history/${index}/at`);
    if (earlier && later && before(later, earlier)) {
      errors.push(error("bad-transition", `状态历史时间倒序：${later.text} 早于上一项 ${earlier.text}`,
        `history out of order: ${later.text} is before the previous ${earlier.text}`, `/history/${index}/at`));
    }
  }
  const last = history.length - 1;
  for (const [index, transition] of taken) {
    for (const pointer of transition.requires || []) {
      if (!covered.has(pointer) && !present(document, pointer)) {
        covered.add(pointer);
        errors.push(error("bad-transition", `转换「${transition.label}」要求 ${pointer}`,
          `transition ${transition.id} requires ${pointer}`, pointer));
      }
    }
    if ((transition.scope || "latest") === "latest" && index !== last) continue;
    for (const condition of transition.when || []) {
      if (!holds(document, condition)) {
        const value = shown(condition.equals);
        errors.push(error("bad-transition", `转换「${transition.label}」要求 ${condition.pointer} 为 ${value}`,
          `transition ${transition.id} requires ${condition.pointer} to be ${value}`, condition.pointer));
      }
    }
  }
  if (history[last].state !== document.state) {
    errors.push(error("state-mismatch", `状态 ${document.state} 与状态历史最后一项 ${history[last].state} 不符`,
      `state ${document.state} differs from the last history state ${history[last].state}`, "/state"));
  }
  return errors;
}

function dateOrderErrors(document, rules, times) {
  const errors = [];
  for (const pair of rules.dateOrder || []) {
    if (pair.inStates && !pair.inStates.includes(document.state)) continue;
    const first = times.get(pair.before);
    const second = times.get(pair.after);
    if (first && second && before(second, first)) {
      errors.push(error("date-order", `${pair.label}：${pair.after} ${second.text} 早于 ${pair.before} ${first.text}`,
        `${pair.after} ${second.text} is before ${pair.before} ${first.text}`, pair.after));
    }
  }
  return errors;
}

function ruleFindings(rule, document, rules, times, asOfDay) {
  const { code, label, labelEn } = rule;
  const found = [];
  for (const pointer of rule.requires || []) {
    if (!present(document, pointer)) found.push(error(code, `${label}：缺少 ${pointer}`, `${labelEn}: ${pointer} is missing`, pointer));
  }
  const reported = new Set(found.map((e) => e.pointer));
  for (const condition of rule.conditions || []) {
    if (!reported.has(condition.pointer) && !holds(document, condition)) {
      const value = shown(condition.equals);
      found.push(error(code, `${label}：${condition.pointer} 应为 ${value}`, `${labelEn}: ${condition.pointer} must be ${value}`,
        condition.pointer));
    }
  }
  const special = SPECIAL[code];
  if (special) found.push(...special(rule, document, rules, times, asOfDay));
  return found;
}

const SPECIAL = {
  overdue(rule, document, rules, times, asOf) {
    const deadline = deadlineOf(document, times);
    if (!deadline || isCompleted(rules, document.state) || asOf === null || asOf <= deadline.day) return [];
    const days = asOf - deadline.day;
    return [error("overdue", `${rule.label}：截至 ${dayText(asOf)} 已逾期 ${days} 天（期限 ${dayText(deadline.day)}）`,
      `${rule.labelEn}: ${days} day(s) past the deadline ${dayText(deadline.day)} as of ${dayText(asOf)}`, deadline.pointer)];
  },
  late(rule, document, rules, times) {
    const deadline = deadlineOf(document, times);
    const done = times.get(COMPLETED);
    if (!deadline || !done || !isCompleted(rules, document.state) || done.day <= deadline.day) return [];
    const days = done.day - deadline.day;
    return [error("late", `${rule.label}：${dayText(done.day)} 完成，晚于期限 ${dayText(deadline.day)} ${days} 天`,
      `${rule.labelEn}: completed ${dayText(done.day)}, ${days} day(s) after the deadline ${dayText(deadline.day)}`, COMPLETED)];
  },
  overnight(rule, document, rules, times, asOf) {
    const found = times.get("/discovered/at");
    if (!found) return [];
    const done = isCompleted(rules, document.state) ? times.get(COMPLETED) : undefined;
    if (done) {
      if (done.day <= found.day) return [];
      return [error("overnight", `${rule.label}：${dayText(found.day)} 发现，${dayText(done.day)} 才整改完成`,
        `${rule.labelEn}: found ${dayText(found.day)}, rectified only ${dayText(done.day)}`, COMPLETED)];
    }
    if (asOf === null || asOf <= found.day) return [];
    return [error("overnight", `${rule.label}：${dayText(found.day)} 发现，截至 ${dayText(asOf)} 仍未整改完成`,
      `${rule.labelEn}: found ${dayText(found.day)}, still not rectified as of ${dayText(asOf)}`, COMPLETED)];
  },
  "not-supervised"(rule, document, rules, times) {
    const listed = times.get("/supervision/at");
    const closed = times.get("/closed/at");
    if (listed && closed && before(closed, listed)) {
      return [error("not-supervised", `${rule.label}：挂牌督办 ${listed.text} 晚于销号 ${closed.text}`,
        `${rule.labelEn}: listed ${listed.text}, after closing ${closed.text}`, "/supervision/at")];
    }
    return [];
  },
};

// ---- form state ⇄ record ------------------------------------------------------------------------

/** Every field of the sections (person groups as one entry). */
export function formFields() {
  return SECTIONS.flatMap((section) => section.fields || []);
}

/** The single-value pointers of the form (a person is four of them). */
export function leafPointers() {
  return formFields().flatMap((f) => (f.kind === "person" ? PERSON_PARTS.map((p) => `${f.pointer}/${p}`) : [f.pointer]));
}

const KIND_OF = new Map();
for (const field of SECTIONS.flatMap((s) => s.fields || [])) {
  if (field.kind === "person") PERSON_PARTS.forEach((p) => KIND_OF.set(`${field.pointer}/${p}`, "text"));
  else KIND_OF.set(field.pointer, field.kind);
}

export function emptyState() {
  return { values: {}, history: [], attachments: [], extra: {} };
}

function blank(value) {
  return value === undefined || value === null || String(value).trim() === "";
}

export function isEmptyState(state) {
  return !state || (Object.values(state.values || {}).every(blank) &&
    (state.history || []).every((row) => Object.values(row).every(blank)) &&
    (state.attachments || []).every((row) => Object.values(row).every(blank)));
}

const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A typed value from the text of an input: numbers and booleans where the schema wants them, else the text. */
export function typedValue(kind, text) {
  const value = String(text).trim();
  if (kind === "number" && NUMBER.test(value)) return Number(value);
  if (kind === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

function rowDocument(columns, row) {
  const item = {};
  for (const column of columns) {
    const text = row[column.key];
    if (!blank(text)) put(item, column.key, typedValue(column.kind, text));
  }
  return item;
}

/** The hazard record a form state stands for: blanks left out, members in the schema's order. */
export function buildDocument(state, { schema = false } = {}) {
  const flat = {};
  for (const pointer of leafPointers()) {
    const text = state.values[pointer];
    if (!blank(text)) put(flat, pointer, typedValue(KIND_OF.get(pointer), text));
  }
  for (const table of ["history", "attachments"]) {
    const rows = (state[table] || []).filter((row) => !Object.values(row).every(blank));
    if (rows.length) flat[table] = rows.map((row) => rowDocument(TABLES[table], row));
  }
  const extra = state.extra || {};
  if (schema || extra.$schema !== undefined) flat.$schema = extra.$schema !== undefined ? extra.$schema : SCHEMA_URI;
  const document = {};
  for (const key of TOP_ORDER) if (key in flat) document[key] = flat[key];
  return document;
}

function asText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function leaves(value, pointer = "", out = []) {
  if (value && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (!entries.length) out.push(pointer);
    for (const [key, inner] of entries) leaves(inner, `${pointer}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
  } else {
    out.push(pointer);
  }
  return out;
}

/**
 * The form state of a hazard record, and what of it the form cannot hold (`dropped`: pointers
 * whose value would not come back the same, e.g. an unknown member or an object where text belongs).
 */
export function stateFromDocument(document) {
  const state = emptyState();
  for (const pointer of leafPointers()) {
    const text = asText(resolve(document, pointer));
    if (text !== undefined) state.values[pointer] = text;
  }
  for (const table of ["history", "attachments"]) {
    const items = Array.isArray(document[table]) ? document[table] : [];
    state[table] = items.map((item) => {
      const row = {};
      for (const column of TABLES[table]) {
        const text = asText(resolve(item, column.key));
        row[column.key] = text === undefined ? "" : text;
      }
      return row;
    });
  }
  if (typeof document.$schema === "string") state.extra.$schema = document.$schema;
  const rebuilt = buildDocument(state);
  const dropped = leaves(document).filter((pointer) => pointer !== "" &&
    !sameJson(resolve(document, pointer), resolve(rebuilt, pointer)));
  return { state, dropped };
}

/** Why `document` is not a hazard record (null when it is one): {message, messageEn}. */
export function notAHazard(document, members = TOP_ORDER) {
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    return { message: "不是隐患记录（应为一个 JSON 对象）", messageEn: "not a hazard record (a JSON object is expected)" };
  }
  if ("rubric" in document && "responses" in document) {
    return { message: `是评估表「${document.rubric}」的填报，不是隐患记录；请到该评估表的在线填报页导入`,
      messageEn: `a submission for rubric ${document.rubric}, not a hazard record` };
  }
  if ("kind" in document && typeof document.kind === "string") {
    return { message: `是「${document.kind}」文档（如清单、排查记录），不是隐患记录`,
      messageEn: `a ${document.kind} document, not a hazard record` };
  }
  const unknown = Object.keys(document).filter((key) => !members.includes(key));
  if (unknown.length) {
    return { message: `含有隐患记录没有的字段：${unknown.slice(0, 8).join("、")}，不是隐患记录`,
      messageEn: `members a hazard record does not have: ${unknown.join(", ")}` };
  }
  if (!["id", "name", "level", "state"].some((key) => key in document)) {
    return { message: "没有隐患编号、名称、等级或状态，不是隐患记录",
      messageEn: "no id, name, level or state: not a hazard record" };
  }
  return null;
}

/** A file name for the export: the hazard id, else 隐患记录. */
export function exportFileName(document) {
  const id = typeof document.id === "string" && /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/.test(document.id) ? document.id : "";
  return `${id || "隐患记录"}.json`;
}
