// WSAS error and explanation wording, Chinese first and English second.
// The wording follows the Python reference (tools/wsas/scoring/validation.py, rules.py,
// scoring/score.py, schemas.py). Only `code` and `pointer` of an error are normative;
// the messages are for people (spec/validation.md section 3).

/** Response members that carry the value of a response (order as in Python's RESPONSE_KEYS). */
export const RESPONSE_KEYS = ["awarded", "met", "findings", "rate", "triggered", "notApplicable"];

// ---- semantic errors (spec/validation.md 2.1) -------------------------------------------

export const semantic = {
  unknownRubric: (id, known) => [
    `未知的评估表「${id}」（已发布：${known.join("、")}）`,
    `unknown rubric '${id}' (published: ${known.join(", ")})`,
  ],
  unknownVersion: (id, given, current) => [
    `评估表 ${id} 没有版本 ${given}（当前版本 ${current}）`,
    `rubric ${id} has no version ${given} (current: ${current})`,
  ],
  unknownCriterion: (rubricId, criterionId) => [
    `评估表 ${rubricId} 没有评分细则 ${criterionId}`,
    `rubric ${rubricId} has no criterion ${criterionId}`,
  ],
  missingResponse: (criterionId) => [
    `评分细则 ${criterionId} 没有应答`,
    `criterion ${criterionId} has no response`,
  ],
  notApplicableNotAllowed: (criterionId, why) => {
    const reasons = {
      rubric: ["本评估表不允许缺项", "this rubric allows no not-applicable criteria"],
      veto: ["否决项不得填报缺项", "a veto criterion cannot be not applicable"],
      mandatory: ["本细则为必评项", "this criterion is mandatory"],
    }[why];
    return [
      `评分细则 ${criterionId} 不得填报缺项：${reasons[0]}`,
      `criterion ${criterionId} cannot be not applicable: ${reasons[1]}`,
    ];
  },
  wrongResponseKind: (criterionId, kind, expected, given) => [
    `评分细则 ${criterionId} 的评分规则为 ${kind}，应答应填 ${expected}，实为 ${given}`,
    `criterion ${criterionId} is scored by ${kind}: expected ${expected}, got ${given}`,
  ],
  outOfRange: (awarded, points) => [
    `得分 ${awarded} 超过本细则分值 ${points}`,
    `awarded ${awarded} exceeds the criterion's ${points} points`,
  ],
  offStep: (awarded, step) => [
    `得分 ${awarded} 不是 ${step} 的整数倍`,
    `awarded ${awarded} is not a multiple of ${step}`,
  ],
  noApplicableCriteria: () => [
    "所有评分细则都是缺项，无法评分",
    "every criterion is not applicable: nothing to score",
  ],
};

// ---- explanations of awarded points (Python scoring/rules.py, score.py) ----------------

export const explanations = {
  notApplicable: (points) => [
    `缺项，不计分（${points} 分计入缺项分）`,
    `not applicable: ${points} points left out of the maximum`,
  ],
  judgement: (awarded, points) => [
    `评定 ${awarded} 分（满分 ${points} 分）`,
    `assessor awarded ${awarded} of ${points}`,
  ],
  met: (points) => [`符合，得 ${points} 分`, `met: ${points} points`],
  notMet: (points) => [`不符合，扣 ${points} 分`, `not met: ${points} deducted`],
  perFinding: (findings, unit, deduct, deduction, cap, capped) => [
    `发现 ${findings} ${unit}，每${unit}扣 ${deduct} 分，扣 ${deduction} 分` +
      (capped ? `（扣满 ${cap} 分为止）` : ""),
    `${findings} finding(s) × ${deduct}: ${deduction} deducted` + (capped ? ` (capped at ${capped})` : ""),
  ],
  inTier: (measure, rate, band, deduction) => [
    `${measure} ${rate}%，落在 ${band} 档，扣 ${deduction} 分`,
    `${measure} ${rate}% falls in ${band}: ${deduction} deducted`,
  ],
  noTier: (measure, rate) => [
    `${measure} ${rate}%，不在任何扣分档，不扣分`,
    `${measure} ${rate}% is in no deduction band: nothing deducted`,
  ],
  shortfall: (measure, rate, target, shortfall, steps, step, partialStep, deduction) => [
    `${measure} ${rate}%，比目标 ${target}% 少 ${shortfall} 个百分点，` +
      `计 ${steps} 档（每 ${step} 个百分点一档，${partialStep === "ignore" ? "不足一档不计" : "不足一档按一档计"}），` +
      `扣 ${deduction} 分`,
    `${shortfall} points below the ${target}% target: ${steps} step(s), ${deduction} deducted`,
  ],
  vetoTriggered: () => ["触发否决项，评估表得分为 0", "veto triggered: the rubric scores 0"],
  vetoNotTriggered: () => ["未触发否决项", "veto not triggered"],
};

// ---- JSON Schema errors (Python schemas.py _messages), from Ajv error objects -------------

const TYPE_NAMES = {
  object: "对象", array: "数组", string: "字符串", number: "数值",
  integer: "整数", boolean: "布尔值（true/false）", null: "null",
};

/** A value as short JSON text, as in Python's _short. */
export function shortJson(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length <= 60 ? text : text.slice(0, 57) + "…";
}

const SIMPLE = {
  pattern: ["格式不符（应匹配 {v}）：{i}", "{i} does not match {v}"],
  minimum: ["不得小于 {v}，实为 {i}", "{i} is less than the minimum of {v}"],
  maximum: ["不得大于 {v}，实为 {i}", "{i} is greater than the maximum of {v}"],
  exclusiveMinimum: ["必须大于 {v}，实为 {i}", "{i} must be greater than {v}"],
  exclusiveMaximum: ["必须小于 {v}，实为 {i}", "{i} must be less than {v}"],
  minLength: ["长度不得少于 {v} 个字符", "shorter than {v} characters"],
  maxLength: ["长度不得超过 {v} 个字符", "longer than {v} characters"],
  minItems: ["至少应有 {v} 项", "fewer than {v} items"],
  maxItems: ["至多 {v} 项", "more than {v} items"],
  minProperties: ["字段数不得少于 {v}", "fewer than {v} fields"],
  maxProperties: ["字段数不得超过 {v}", "more than {v} fields"],
  anyOf: ["不符合任何一种允许的形式", "matches none of the allowed forms"],
  not: ["包含不允许的内容", "holds something that is not allowed"],
};

function fill(template, v, i) {
  return template.replace("{v}", v).replace("{i}", i);
}

/**
 * Chinese and English message of one Ajv error (Ajv compiled with `verbose: true`, so the
 * error carries `data` and `parentSchema`). Returns [message, messageEn].
 */
export function schemaMessage(error) {
  const { keyword, params = {} } = error;
  // an error about a key (propertyNames) is reported at the object holding the key
  const aboutKey = error.propertyName !== undefined;
  const data = aboutKey ? error.propertyName : error.data;
  const shown = shortJson(data);
  let zh;
  let en;
  switch (keyword) {
    case "required":
      [zh, en] = [`缺少必填字段：${params.missingProperty}`, `missing required field(s): ${params.missingProperty}`];
      break;
    case "dependentRequired":
      [zh, en] = [
        `缺少与字段 ${params.property} 配套的字段：${params.missingProperty}`,
        `field ${params.missingProperty} must come with ${params.property}`,
      ];
      break;
    case "additionalProperties":
      [zh, en] = [`不允许的字段：${params.additionalProperty}`, `field(s) not allowed: ${params.additionalProperty}`];
      break;
    case "type": {
      const wanted = Array.isArray(params.type) ? params.type : String(params.type).split(",");
      [zh, en] = [
        `类型应为${wanted.map((t) => TYPE_NAMES[t] ?? t).join("或")}，实为 ${shown}`,
        `${shown} is not of type ${wanted.join(" or ")}`,
      ];
      break;
    }
    case "enum":
    case "const": {
      const options = (keyword === "enum" ? params.allowedValues : [params.allowedValue]).map(shortJson).join(", ");
      [zh, en] = [`取值应为 ${options} 之一，实为 ${shown}`, `${shown} is not one of ${options}`];
      break;
    }
    case "oneOf":
      if (data && typeof data === "object" && !Array.isArray(data) && RESPONSE_KEYS.some((k) => k in data)) {
        [zh, en] = [
          "应答必须且只能包含 awarded、met、findings、rate、triggered、notApplicable 之一",
          "a response must hold exactly one of awarded, met, findings, rate, triggered, notApplicable",
        ];
      } else {
        [zh, en] = ["不符合任何一种允许的形式", "matches none of the allowed forms"];
      }
      break;
    default:
      if (keyword === "pattern" && error.parentSchema && error.parentSchema.description) {
        [zh, en] = [`格式不符：${shown}（${error.parentSchema.description}）`, `${shown} does not match ${params.pattern}`];
      } else if (keyword in SIMPLE) {
        const limit = keyword === "pattern" ? params.pattern : "limit" in params ? params.limit : error.schema;
        const v = typeof limit === "string" ? limit : shortJson(limit);
        [zh, en] = [fill(SIMPLE[keyword][0], v, shown), fill(SIMPLE[keyword][1], v, shown)];
      } else {
        [zh, en] = [`不符合规范（${keyword}）`, String(error.message ?? keyword).slice(0, 200)];
      }
  }
  if (aboutKey) {
    zh = `键名${zh}`;
    en = `property name ${en}`;
  }
  return [zh, en];
}
