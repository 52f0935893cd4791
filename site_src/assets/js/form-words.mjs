// Wording and table layout of the WSAS form: which of the source table's columns
// (rubric.columns) holds what, and each scoring rule in words. No DOM.

/** Number as written in the rubric JSON (shortest round-trip text). */
export function n(value) {
  return String(value);
}

// Column roles by header text; exact names first, then parts of names (as the rubric page does).
const ROLE_NAMES = [
  ["number", ["序号", "编号"]],
  ["points", ["分值", "标准分", "分数", "满分"]],
  ["deadline", ["时间节点", "时限", "完成时间"]],
  ["reason", ["扣分原因", "原因", "扣分说明", "备注", "说明"]],
  ["score", ["实际得分", "得分", "扣分", "评分", "自评", "评分结果"]],
  ["criterion", ["具体要求", "细则", "评分标准", "考核标准", "要求"]],
  ["item", ["主要内容", "内容", "考核项目"]],
  ["section", ["项目", "类别", "分项"]],
];

/** Role of one column header. */
function roleOf(column) {
  for (const [role, names] of ROLE_NAMES) if (names.includes(column)) return role;
  for (const [role, names] of ROLE_NAMES) if (names.some((name) => column.includes(name))) return role;
  return "blank";
}

/**
 * The form's columns: [{title, role, added}] — the source columns in their order with their
 * roles, plus 分值, 得分 and 扣分原因 columns where the source has none. Each of the roles
 * section, number, item, criterion, deadline, points, reason, score is held by at most one column;
 * a second column of the same role stays blank.
 */
export function formColumns(rubric) {
  const source = Array.isArray(rubric.columns) && rubric.columns.length
    ? rubric.columns : ["序号", "主要内容", "具体要求", "分值"];
  const hasSectionTitles = (rubric.sections || []).some((s) => s.title);
  const seen = new Set();
  const columns = source.map((title) => {
    let role = roleOf(title);
    if (role === "section" && !hasSectionTitles) role = "item";
    if (seen.has(role)) role = "blank";
    if (role !== "blank") seen.add(role);
    return { title, role, added: false };
  });
  const indexOf = (role) => columns.findIndex((c) => c.role === role);
  if (indexOf("criterion") < 0) {
    const at = indexOf("item") >= 0 ? indexOf("item") + 1 : columns.length;
    columns.splice(at, 0, { title: "评分细则", role: "criterion", added: true });
  }
  if (indexOf("points") < 0) {
    const firstBlank = columns.findIndex((c) => ["reason", "score", "blank"].includes(c.role));
    columns.splice(firstBlank >= 0 ? firstBlank : columns.length, 0, { title: "分值", role: "points", added: true });
  }
  if (indexOf("score") < 0) columns.push({ title: "得分", role: "score", added: true });
  if (indexOf("reason") < 0) columns.push({ title: "扣分原因 / 佐证", role: "reason", added: true });
  return { columns, sectionColumn: indexOf("section") >= 0, numberColumn: indexOf("number") >= 0 };
}

/** 「5% ≤ 评审达标率 < 10%」 */
export function intervalWords(range, measure) {
  const hasLower = range.lower !== undefined;
  const hasUpper = range.upper !== undefined;
  if (hasLower && hasUpper) {
    return `${n(range.lower)}% ${range.lowerInclusive ? "≤" : "<"} ${measure} ${range.upperInclusive ? "≤" : "<"} ${n(range.upper)}%`;
  }
  if (hasLower) return `${measure} ${range.lowerInclusive ? "≥" : ">"} ${n(range.lower)}%`;
  if (hasUpper) return `${measure} ${range.upperInclusive ? "≤" : "<"} ${n(range.upper)}%`;
  return measure;
}

/** How a criterion is scored, in words, e.g. 「每发现一家扣1分，扣满5分为止」. */
export function ruleWords(criterion) {
  const rule = criterion.rule;
  const points = n(criterion.points);
  switch (rule.kind) {
    case "judgement":
      return `评定 0 至 ${points} 分，按 ${n(rule.step ?? 0.5)} 分的整数倍给分`;
    case "yes-no":
      return `是/否：符合得 ${points} 分，不符合得 0 分`;
    case "per-finding":
      return `每发现一${rule.unit}扣 ${n(rule.deduct)} 分，扣满 ${n(Math.min(rule.cap, criterion.points))} 分为止`;
    case "rate-tiers":
      return rule.tiers.map((t) => `${intervalWords(t.range, rule.measure)} 扣 ${n(t.deduct)} 分`).join("；") +
        "；其余不扣分（只落一档）";
    case "shortfall-steps":
      return `${rule.measure}目标 ${n(rule.target)}%：每少 ${n(rule.step)} 个百分点扣 ${n(rule.deduct)} 分` +
        `（不足一档${rule.partialStep === "ignore" ? "不计" : "按一档计"}），扣满 ${points} 分为止`;
    case "veto":
      return "否决项：本身不计分；触发时整张评估表得 0 分";
    default:
      return "";
  }
}

/** 「4分；原文标注2分」 — the points, and the printed ones where the rubric corrects them. */
export function pointsWords(node) {
  let text = `${n(node.points)}分`;
  if (Object.prototype.hasOwnProperty.call(node, "statedPoints")) {
    text += node.statedPoints === null ? "；原文未标分值" : `；原文标注${n(node.statedPoints)}分`;
  }
  return text;
}

/** The points of a node and, where the rubric corrects the source, the printed value: {points, note}. */
export function pointsParts(node) {
  let note = null;
  if (Object.prototype.hasOwnProperty.call(node, "statedPoints")) {
    note = node.statedPoints === null ? "原文未标分值" : `原文标注 ${n(node.statedPoints)}`;
  }
  return { points: n(node.points), note };
}

/** The errata (ids) that concern a node id. */
export function errataFor(rubric, ...ids) {
  return (rubric.errata || []).filter((e) => (e.affects || []).some((a) => ids.includes(a))).map((e) => e.id);
}

/** The source document in one line: issuer, number, date, attachment. */
export function sourceWords(rubric) {
  const s = rubric.source || {};
  return [s.issuer, s.documentNumber, s.date, s.attachment].filter(Boolean).join(" ");
}
