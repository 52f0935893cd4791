// WSAS handbook: the fillable rubric forms.
//
// On DOMContentLoaded every `.wsas-form` element is turned into a form:
//
//   <div class="wsas-form"
//        data-rubric-url="../downloads/rubrics/lianyungang-2020/enterprise.json"
//        data-schema-base="../downloads/schemas/v1/"
//        data-example-url="../downloads/examples/lianyungang-2020/enterprise.valid.json"></div>
//
// (optional: data-rubric-page="../rubrics/lianyungang-2020-enterprise.html" for errata links;
// by default ../rubrics/<program>-<rubric>.html). The form validates with validator.mjs (the
// published JSON Schemas, then the semantic checks) and scores with scorer.mjs on every input,
// exports and imports submission JSON, keeps a draft in localStorage and prints as the
// official table. Pages without a `.wsas-form` are left alone.
//
// Contract for tests (attributes on elements inside the `.wsas-form` root):
//   root[data-state]          "loading" → "ready" (or "error"); root[data-valid] "true" | "false"
//   [name="subject.name"] [name="subject.code"] [name="subject.region"] [name="period"]
//   [name="assessor.name"] [name="assessor.organisation"] [name="assessedOn"] [name="notes"]
//                             header inputs (also [data-field=NAME]); their errors [data-error=NAME]
//   [data-criterion=ID][name=ID]   the value input of a criterion: number input (judgement,
//                             per-finding, rate), select "" | "true" | "false" (yes-no), checkbox (veto)
//   [data-na=ID]  缺项 checkbox (only where allowed)   [data-reason=ID]  扣分原因   [data-evidence=ID]  佐证
//   [data-awarded=ID]  points awarded ("" until answered and valid)   [data-explain=ID]  how
//   [data-error=ID]  the criterion's errors (hidden when none)   tr[data-row=ID], tr[data-lost-item=ITEM]
//   [data-item-total=ITEM] [data-section-total=SECTION]
//   [data-total] [data-na-points] [data-maximum] [data-score] [data-outcome]   "" until the form scores
//   rubrics assessed by deadline (spec/scoring.md 4.3): tr[data-not-due] on rows not yet due at the
//   评估日期 (else the last day of the 评估期), [data-not-yet-due-points] their points ("" until the
//   评估期 is a real period), [data-as-of] the assessment date
//   [data-partial-total]  sum of the answered rows while incomplete
//   [data-missing-count]  number of criteria and required header fields still empty
//   [data-errors]  summary of errors that belong to no field, and refused imports
//   [data-message]  what the last import / example / export did   [data-draft-notice]
//   [data-action=export|import|example|clear|print|next-missing|next-error]  [data-import-input]

import { loadValidator } from "./validator.mjs";
import { D, byDeadline, checkResponses, score } from "./scorer.mjs";
import { h, setChildren, setText } from "./form-dom.mjs";
import { FormBase, downloadJson, fetchJson, loadDraft, startForms, storeDraft, whenReady } from "./form-common.mjs";
import {
  HEADER_FIELDS, buildSubmission, criteriaOf, emptyState, exportFileName, isEmptyState, naAllowed,
  rowValue, stateFromSubmission, timingOf,
} from "./form-model.mjs";
import { errataFor, formColumns, n, pointsParts, pointsWords, ruleWords, sourceWords } from "./form-words.mjs";
import { analyse, dec, sum } from "./form-check.mjs";
import { describedBy, watchScrollRegions } from "./form-a11y.mjs";

const DRAFT_PREFIX = "wsas-draft:";

class WsasForm extends FormBase {
  constructor(root) {
    super(root, "wsas");
    this.rows = new Map();      // criterion id → {criterion, item, section, control, na, reason, evidence, …}
    this.fields = new Map();    // header field name → {field, input, print, error}
    this.validate = null;
    this.rubric = null;
  }

  // ---- start -------------------------------------------------------------------------

  async start() {
    const root = this.root;
    this.showLoading("wsas-form__loading", "正在载入评估表…");
    const rubricUrl = root.dataset.rubricUrl;
    try {
      if (!rubricUrl) throw new Error("data-rubric-url 未设置 / data-rubric-url is missing");
      this.rubric = await fetchJson(rubricUrl);
      if (!this.rubric || typeof this.rubric.id !== "string" || !Array.isArray(this.rubric.sections)) {
        throw new Error(`${rubricUrl} 不是评估表数据 / not rubric data`);
      }
    } catch (error) {
      root.dataset.state = "error";
      root.removeAttribute("aria-busy");
      setChildren(root, h("div", { class: "wsas-form__fatal", role: "alert" },
        "评估表数据载入失败，无法显示填报表单：", String(error && error.message || error),
        rubricUrl ? [" （", h("a", { href: rubricUrl, text: "评估表数据" }), "）"] : null));
      return;
    }
    let validatorProblem = null;
    try {
      this.validate = await loadValidator(this.root.dataset.schemaBase || "../downloads/schemas/v1/", fetchJson);
    } catch (error) {
      // without the schemas only the semantic checks run; say so
      validatorProblem = String(error && error.message || error);
      this.validate = (submission, rubric) => {
        try {
          return checkResponses(submission, rubric);
        } catch (inner) {
          return [{ pointer: "", code: "schema", message: "填报格式有误", messageEn: String(inner) }];
        }
      };
    }
    this.render();
    if (validatorProblem) {
      this.flash.push({ message: `模式文件载入失败，只做评分规则校验：${validatorProblem}`,
        messageEn: `schemas could not be loaded: ${validatorProblem}` });
    }
    this.showReady();
  }

  // ---- rendering ---------------------------------------------------------------------

  render() {
    const rubric = this.rubric;
    const root = this.root;
    root.classList.add("wsas-form--ready");
    root.dataset.rubric = rubric.id;
    root.dataset.rubricVersion = rubric.version;

    const printHead = h("div", { class: "wsas-form__print-head" },
      h("div", { class: "wsas-form__print-title", text: rubric.title }),
      h("div", { class: "wsas-form__print-source",
        text: `${sourceWords(rubric)}　WSAS 评估表 ${rubric.id} 版本 ${rubric.version}` }));

    const toolbar = this.renderToolbar("wsas-form", {
      export: "把本表保存为 JSON 文件（填报模式 submission.json）",
      import: "读入一份本评估表的填报 JSON 文件",
      example: "填入一份示例填报",
    }, { id: this.id("import") });

    root.textContent = "";
    root.append(printHead, toolbar, this.draftNotice, this.messageBox, this.errorBox,
      this.renderHeader(), this.renderTable(), this.renderStatus());

    // render() runs once the rubric is loaded: update() has what it needs
    this.listen();
    // a wheel over a focused number input would change the points silently
    root.addEventListener("wheel", (event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement && target.type === "number" && document.activeElement === target) {
        target.blur();
      }
    }, { passive: true });
  }

  renderHeader() {
    const rubric = this.rubric;
    const grid = h("div", { class: "wsas-form__fields" });
    for (const field of HEADER_FIELDS) {
      const inputId = this.id(`f-${field.name}`);
      const attrs = {
        id: inputId, name: field.name, "data-field": field.name, class: "wsas-input",
        required: field.required ? true : null, "aria-required": field.required ? "true" : null,
        placeholder: field.placeholder || (field.name === "subject.name" && rubric.subject
          ? `${rubric.subject.label || ""}名称` : null),
        maxlength: field.multiline ? 4000 : 200, autocomplete: "off",
      };
      const input = field.multiline
        ? h("textarea", { ...attrs, rows: 2 })
        : h("input", { ...attrs, type: field.type || "text" });
      const print = h("span", { class: "wsas-print-value", "data-print": field.name });
      const error = h("div", { class: "wsas-error", "data-error": field.name, id: `${inputId}-error`, role: "alert",
        hidden: true });
      const hint = field.hint ? h("small", { class: "wsas-hint", id: `${inputId}-hint`, text: field.hint }) : null;
      describedBy(input, hint && hint.id, error.id);
      grid.append(h("div", {
        class: ["wsas-field", field.required && "wsas-field--required", field.multiline && "wsas-field--wide"],
      },
      h("label", { for: inputId, class: "wsas-field__label" }, field.label,
        field.required ? h("span", { class: "wsas-required", title: "必填", "aria-hidden": "true", text: "*" }) : null),
      input, print, hint, error));
      this.fields.set(field.name, { field, input, print, error });
    }
    return h("fieldset", { class: "wsas-form__header" },
      h("legend", { text: `被评估${rubric.subject && rubric.subject.label ? `${rubric.subject.label}` : "对象"}与评估信息` }),
      grid);
  }

  renderStatus() {
    this.missingCount = h("span", { class: "wsas-status__count", "data-missing-count": "" }, "0");
    this.missingBefore = h("span", {}, "尚有 ");
    this.missingAfter = h("span", {}, " 项未填");
    this.statusMissing = h("span", { class: "wsas-status__missing" },
      this.missingBefore, this.missingCount, this.missingAfter);
    this.nextMissing = h("button", { type: "button", class: "wsas-link-button", "data-action": "next-missing" },
      "转到下一未填项");
    this.statusProblems = h("button", { type: "button", class: "wsas-link-button wsas-status__problems",
      "data-action": "next-error", hidden: true });
    this.statusScore = h("span", { class: "wsas-status__score" });
    return h("div", { class: "wsas-form__status", "data-status": "" },
      this.statusMissing, " ", this.nextMissing, this.statusProblems, this.statusScore);
  }

  renderTable() {
    const rubric = this.rubric;
    const { columns, sectionColumn, numberColumn } = formColumns(rubric);
    this.columns = columns;
    const itemColumn = columns.some((c) => c.role === "item");
    const showSections = rubric.sections.length > 1 || rubric.sections.some((s) => s.title);
    const width = columns.length;
    const pointsAt = columns.findIndex((c) => c.role === "points");

    const head = h("thead", {}, h("tr", {}, columns.map((c) => h("th", {
      scope: "col", class: [`wsas-col--${c.role}`, c.added && "wsas-col--added"],
      title: c.added ? "WSAS 增加的栏目（原表没有）" : null,
    }, c.title))));
    const body = h("tbody");
    const errataLinks = (ids) => ids.length
      ? h("span", { class: "wsas-errata" }, ids.map((id) => h("a", { href: this.erratumHref(id), text: `勘误 ${id}` })))
      : null;

    this.itemTotals = new Map();
    this.sectionTotals = new Map();
    for (const section of rubric.sections) {
      const sectionRows = section.items.reduce((count, item) => count + Math.max(1, item.criteria.length), 0);
      const sectionTitle = `${section.id}${section.title ? `、${section.title}` : ""}`;
      if (showSections && !sectionColumn) {
        body.append(h("tr", { class: "wsas-row wsas-row--section", "data-section": section.id },
          h("th", { colspan: width, scope: "rowgroup" }, sectionTitle,
            h("span", { class: "wsas-points-note", text: `（${pointsWords(section)}）` }),
            errataLinks(errataFor(rubric, section.id)))));
      }
      let firstInSection = true;
      for (const item of section.items) {
        const lines = item.criteria.length ? item.criteria : [null];
        lines.forEach((criterion, position) => {
          const first = position === 0;
          const tr = h("tr", {
            class: ["wsas-row", criterion ? "wsas-row--criterion" : "wsas-row--lost", first && "wsas-row--item-start"],
            "data-item": item.id,
          });
          if (criterion) tr.dataset.row = criterion.id;
          else tr.dataset.lostItem = item.id;
          for (const column of columns) {
            const cell = this.cell(column.role, { section, item, criterion, first, firstInSection, lines,
              sectionRows, numberColumn, itemColumn, errataLinks });
            if (cell) tr.append(cell);
          }
          body.append(tr);
          firstInSection = false;
        });
      }
      if (showSections) {
        const total = h("span", { class: "wsas-total", "data-section-total": section.id });
        this.sectionTotals.set(section.id, total);
        body.append(this.footRow(`小计：${sectionTitle}`, {
          points: n(section.points), score: total, className: "wsas-row--subtotal", pointsAt,
        }));
      }
    }

    // totals
    const foot = h("tfoot");
    const scoring = rubric.scoring || {};
    const hasLost = rubric.sections.some((s) => s.items.some((i) => i.lost));
    const vetoes = criteriaOf(rubric).filter((p) => p.criterion.rule.kind === "veto");
    this.totalEl = h("span", { class: "wsas-total", "data-total": "" });
    this.partialEl = h("span", { class: "wsas-partial", "data-partial-total": "" });
    this.maximumEl = h("span", { class: "wsas-total", "data-maximum": "" });
    this.naPointsEl = h("span", { class: "wsas-total", "data-na-points": "" });
    this.scoreEl = h("span", { class: "wsas-score", "data-score": "" });
    this.outcomeEl = h("span", { class: "wsas-outcome", "data-outcome": "" });
    foot.append(this.footRow("合计（实得分）", { points: n(rubric.total), score: [this.totalEl, this.partialEl], pointsAt }));
    if (hasLost || scoring.notApplicable) {
      foot.append(this.footRow(hasLost ? "缺项分（含原文缺失项目，不计入应得分）" : "缺项分（不计入应得分）",
        { score: this.naPointsEl, pointsAt }));
    }
    const dated = byDeadline(rubric);
    if (dated) {
      this.notDueEl = h("span", { class: "wsas-total", "data-not-yet-due-points": "" });
      this.asOfEl = h("span", { class: "wsas-as-of", "data-as-of": "" });
      foot.append(this.footRow("未到时间节点的分值（不计分，不计入应得分）",
        { score: [this.notDueEl, h("div", { class: "wsas-explain" }, this.asOfEl)], pointsAt }));
    }
    foot.append(this.footRow(dated ? "应得分（满分 − 缺项分 − 未到时间节点的分值）" : "应得分（满分 − 缺项分）",
      { score: this.maximumEl, pointsAt }));
    const scoreLabel = scoring.normalise
      ? `得分（实得分 ÷ 应得分 × 100，四舍五入保留 ${scoring.roundingPlaces} 位小数）`
      : dated ? `得分（有未到时间节点的项目时按 实得分 ÷ 应得分 × 100 折算，四舍五入保留 ${scoring.roundingPlaces} 位小数）`
        : "得分";
    foot.append(this.footRow(scoreLabel, { score: this.scoreEl, pointsAt, className: "wsas-row--total wsas-row--score" }));
    const outcomes = rubric.outcomes || [];
    const outcomeCell = h("td", { colspan: Math.max(1, width - Math.max(1, pointsAt)), class: "wsas-outcome-cell" },
      this.outcomeEl);
    const outcomeRow = h("tr", { class: "wsas-row wsas-row--total wsas-row--outcome" },
      h("th", { scope: "row", colspan: Math.max(1, pointsAt), text: "结果判定" }), outcomeCell);
    if (!outcomes.length && !vetoes.length) outcomeRow.hidden = true;
    foot.append(outcomeRow);

    const caption = h("caption", { class: "wsas-form__caption" },
      `${rubric.title}（满分 ${n(rubric.total)} 分）`);
    this.table = h("table", { class: "wsas-form__table" }, caption, head, body, foot);
    return h("div", { class: "wsas-form__table-wrap" }, this.table);
  }

  /** A totals row: label over the columns before 分值, then points / score cells. */
  footRow(label, { points = null, score = null, className = "wsas-row--total", pointsAt }) {
    const span = Math.max(1, pointsAt);
    const tr = h("tr", { class: ["wsas-row", className] }, h("th", { scope: "row", colspan: span, text: label }));
    this.columns.forEach((column, index) => {
      if (index < span) return;
      if (column.role === "points") tr.append(h("td", { class: "wsas-col--points" }, points ?? ""));
      else if (column.role === "score") tr.append(h("td", { class: "wsas-col--score" }, score ?? ""));
      else tr.append(h("td", { class: `wsas-col--${column.role}` }));
    });
    return tr;
  }

  erratumHref(id) {
    const page = this.root.dataset.rubricPage || `../rubrics/${this.rubric.id.replace("/", "-")}.html`;
    return `${page}#erratum-${id}`;
  }

  /** One cell of a row (null when a cell above spans it). */
  cell(role, ctx) {
    const { section, item, criterion, first, firstInSection, lines, sectionRows, numberColumn, itemColumn, errataLinks } = ctx;
    const rubric = this.rubric;
    const cls = `wsas-col--${role}`;
    switch (role) {
      case "section":
        if (!firstInSection) return null;
        return h("td", { class: cls, rowspan: sectionRows },
          h("span", { class: "wsas-section-title", text: `${section.id}、${section.title || ""}` }),
          h("span", { class: "wsas-points-note", text: `（${pointsWords(section)}）` }),
          errataLinks(errataFor(rubric, section.id)));
      case "number":
        if (!first) return null;
        return h("td", { class: cls, rowspan: lines.length, id: this.id(`item-${item.id}`), text: item.id });
      case "item": {
        if (!first) return null;
        const title = item.lost ? "（原文缺失）" : item.title;
        const total = h("span", { "data-item-total": item.id });
        this.itemTotals.set(item.id, total);
        return h("td", { class: cls, rowspan: lines.length },
          h("span", { class: "wsas-item-title", text: numberColumn ? title : `${item.id}. ${title}` }),
          item.criteria.length > 1 || Object.prototype.hasOwnProperty.call(item, "statedPoints")
            ? h("span", { class: "wsas-points-note", text: `（${pointsWords(item)}）` }) : null,
          errataLinks(errataFor(rubric, item.id)),
          item.criteria.length > 1
            ? h("div", { class: "wsas-item-total" }, "本项得分 ", total, ` / ${n(item.points)}`) : null);
      }
      case "deadline": {
        if (!first) return null;
        const deadline = item.deadline;
        const text = item.lost ? "" : deadline ? (deadline.text || "（原文未给出）") : "";
        return h("td", { class: cls, rowspan: lines.length, text });
      }
      case "criterion": {
        const prefix = !itemColumn && first
          ? h("div", { class: "wsas-item-title", text: `${item.id}. ${item.title || "（原文缺失）"}` }) : null;
        if (!criterion) {
          const ids = errataFor(rubric, item.id);
          return h("td", { class: [cls, "wsas-lost"] }, prefix,
            h("span", { class: "wsas-lost__text" }, "原文缺失（见",
              ids.length ? ids.map((id, i) => [i ? "、" : "", h("a", { href: this.erratumHref(id), text: `勘误 ${id}` })]) : "勘误",
              "）"),
            h("div", { class: "wsas-rule", text: `本项 ${n(item.points)} 分按缺项处理，不计入应得分` }));
        }
        return h("td", { class: cls, id: this.id(`criterion-${criterion.id}`) }, prefix,
          criterion.label ? h("span", { class: "wsas-criterion-label", text: `${criterion.label} ` }) : null,
          h("span", { class: "wsas-criterion-text", id: this.id(`text-${criterion.id}`), text: criterion.text }),
          h("div", { class: "wsas-rule", id: this.id(`rule-${criterion.id}`) },
            h("span", { class: "wsas-criterion-id", text: criterion.id }), " ", ruleWords(criterion),
            errataLinks(errataFor(rubric, criterion.id))));
      }
      case "points": {
        const { points, note } = pointsParts(criterion || item);
        return h("td", { class: cls }, points, note ? h("small", { class: "wsas-stated", text: note }) : null);
      }
      case "score":
        return criterion ? this.scoreCell(criterion, item, section)
          : h("td", { class: [cls, "wsas-lost"], text: "缺项" });
      case "reason":
        return criterion ? this.reasonCell(criterion) : h("td", { class: cls });
      default:
        return h("td", { class: cls });
    }
  }

  scoreCell(criterion, item, section) {
    const rubric = this.rubric;
    const id = criterion.id;
    const rule = criterion.rule;
    const inputId = this.id(`c-${id}`);
    const common = { id: inputId, name: id, "data-criterion": id, "data-kind": rule.kind };
    // the accessible name says which criterion (number and text) and what the field takes
    const text = `${criterion.label ? `${criterion.label} ` : ""}${criterion.text}`;
    const named = (what) => `细则 ${id} ${what}：${text}`;
    let control;
    let controlBox;
    switch (rule.kind) {
      case "judgement":
        control = h("input", { ...common, type: "number", class: "wsas-input wsas-input--num", inputmode: "decimal",
          min: 0, max: n(criterion.points), step: n(rule.step ?? 0.5),
          "aria-label": named(`评定得分（0–${n(criterion.points)} 分）`) });
        controlBox = h("span", { class: "wsas-control" }, control, h("span", { class: "wsas-unit", text: "分" }));
        break;
      case "yes-no":
        control = h("select", { ...common, class: "wsas-input wsas-input--select", "aria-label": named("是否符合（是／否）") },
          h("option", { value: "", text: "请选择" }),
          h("option", { value: "true", text: "是（符合）" }),
          h("option", { value: "false", text: "否（不符合）" }));
        controlBox = h("span", { class: "wsas-control" }, control);
        break;
      case "per-finding":
        control = h("input", { ...common, type: "number", class: "wsas-input wsas-input--num", inputmode: "numeric",
          min: 0, max: 100000, step: 1, "aria-label": named(`发现数（${rule.unit}，0 或正整数）`) });
        controlBox = h("span", { class: "wsas-control" }, h("span", { class: "wsas-unit", text: "发现" }), control,
          h("span", { class: "wsas-unit", text: rule.unit }));
        break;
      case "rate-tiers":
      case "shortfall-steps":
        control = h("input", { ...common, type: "number", class: "wsas-input wsas-input--num", inputmode: "decimal",
          min: 0, max: 100, step: "0.01", "aria-label": named(`${rule.measure}（0–100 %）`) });
        controlBox = h("span", { class: "wsas-control wsas-control--rate" },
          h("span", { class: "wsas-unit wsas-measure", text: rule.measure }), control, h("span", { class: "wsas-unit", text: "%" }));
        break;
      case "veto":
        control = h("input", { ...common, type: "checkbox", class: "wsas-check", "aria-label": named("触发否决（否决项）") });
        controlBox = h("label", { class: "wsas-control wsas-control--veto", for: inputId }, control, " 触发否决");
        break;
      default:
        control = h("input", { ...common, type: "text", class: "wsas-input", disabled: true });
        controlBox = h("span", { class: "wsas-control" }, control);
    }
    let na = null;
    let naBox = null;
    if (naAllowed(rubric, criterion)) {
      na = h("input", { type: "checkbox", class: "wsas-check", "data-na": id, name: `${id}.notApplicable`, id: this.id(`na-${id}`),
        "aria-label": `细则 ${id} 缺项（不适用：不计分，分值不计入应得分）` });
      describedBy(na, this.id(`text-${id}`));
      naBox = h("label", { class: "wsas-na", for: this.id(`na-${id}`), title: "本细则不适用：不计分，分值不计入应得分" }, na, " 缺项");
    }
    const awarded = h("span", { "data-awarded": id });
    const awardedBox = h("div", { class: "wsas-awarded", hidden: true },
      h("span", { class: "wsas-awarded__word", text: "得 " }), awarded, h("span", { class: "wsas-awarded__word", text: " 分" }));
    const explain = h("div", { class: "wsas-explain", "data-explain": id, id: this.id(`explain-${id}`) });
    const error = h("div", { class: "wsas-error", "data-error": id, id: this.id(`error-${id}`), role: "alert", hidden: true });
    describedBy(control, this.id(`rule-${id}`), explain.id, error.id);
    const print = h("span", { class: "wsas-print-value", "data-print": id });
    this.rows.set(id, { criterion, item, section, control, na, awarded, awardedBox, explain, error, print });
    return h("td", { class: "wsas-col--score" }, controlBox, naBox, print, awardedBox, explain, error);
  }

  reasonCell(criterion) {
    const id = criterion.id;
    const reason = h("textarea", { class: "wsas-input wsas-input--text", "data-reason": id, name: `${id}.reason`,
      rows: 1, maxlength: 2000, placeholder: "扣分原因", "aria-label": `细则 ${id} 扣分原因（文字）` });
    const evidence = h("textarea", { class: "wsas-input wsas-input--text wsas-input--evidence", "data-evidence": id,
      name: `${id}.evidence`, rows: 1, maxlength: 2000, placeholder: "佐证", "aria-label": `细则 ${id} 佐证（文字）` });
    describedBy(reason, this.id(`text-${id}`));
    describedBy(evidence, this.id(`text-${id}`));
    const reasonPrint = h("span", { class: "wsas-print-value", "data-print": `${id}.reason` });
    const evidencePrint = h("span", { class: "wsas-print-value wsas-print-evidence", "data-print": `${id}.evidence` });
    const row = this.rows.get(id) || {};
    Object.assign(row, { reason, evidence, reasonPrint, evidencePrint });
    this.rows.set(id, row);
    return h("td", { class: "wsas-col--reason" }, reason, reasonPrint, evidence, evidencePrint);
  }

  // ---- state <-> inputs ----------------------------------------------------------------

  readState() {
    const state = emptyState(this.rubric);
    for (const [name, { input }] of this.fields) state.header[name] = input.value;
    for (const [id, row] of this.rows) {
      const target = state.rows[id];
      if (!target) continue;
      const control = row.control;
      if (control.type === "checkbox") target.value = control.checked;
      else target.value = control.value;
      if (control.type === "number" && control.value === "" && control.validity && control.validity.badInput) {
        target.bad = true;
      }
      target.na = Boolean(row.na && row.na.checked);
      target.reason = row.reason ? row.reason.value : "";
      target.evidence = row.evidence ? row.evidence.value : "";
    }
    return state;
  }

  writeState(state) {
    for (const [name, { input }] of this.fields) input.value = state.header[name] ?? "";
    for (const [id, row] of this.rows) {
      const source = state.rows[id] || { value: "", na: false, reason: "", evidence: "" };
      if (row.control.type === "checkbox") row.control.checked = Boolean(source.value);
      else row.control.value = source.value === false ? "" : String(source.value ?? "");
      if (row.na) row.na.checked = Boolean(source.na);
      if (row.reason) row.reason.value = source.reason || "";
      if (row.evidence) row.evidence.value = source.evidence || "";
    }
  }

  // ---- events --------------------------------------------------------------------------

  onEdit(event) {
    if (event.target === this.importInput) return;
    if (!(event.target instanceof HTMLElement) || !event.target.matches("input, select, textarea")) return;
    if (event.type === "input") this.clearFlash();
    this.update({ save: true });
  }

  onAction(target, event) {
    switch (target.dataset.action) {
      case "export": return this.exportJson();
      case "import": return this.importInput.click();
      case "example": return this.loadExample();
      case "clear": return this.clearForm();
      case "print": return window.print();
      case "next-error": {
        event.preventDefault();
        const el = this.root.querySelector(".wsas-error:not([hidden])");
        const field = el && el.parentElement && el.parentElement.querySelector("input, select, textarea");
        if (field) {
          field.scrollIntoView({ block: "center", behavior: "smooth" });
          field.focus({ preventScroll: true });
        } else if (!this.errorBox.hidden) {
          this.errorBox.scrollIntoView({ block: "center", behavior: "smooth" });
        }
        return undefined;
      }
      case "next-missing": {
        event.preventDefault();
        const id = (this.analysis && this.analysis.missing || [])[0];
        const row = id && this.rows.get(id);
        if (row) {
          row.control.scrollIntoView({ block: "center", behavior: "smooth" });
          row.control.focus({ preventScroll: true });
        }
        return undefined;
      }
      default: return undefined;
    }
  }

  // ---- live check and display ------------------------------------------------------------

  update({ save = true } = {}) {
    const rubric = this.rubric;
    const state = this.readState();
    const submission = buildSubmission(state, rubric);
    const emptyRequired = HEADER_FIELDS.filter((f) => f.required && !String(state.header[f.name] || "").trim())
      .map((f) => f.name);
    const analysis = analyse(submission, rubric, { validate: this.validate, score, emptyRequired });
    const when = timingOf(submission, rubric);
    this.state = state;
    this.submission = submission;
    this.analysis = analysis;
    const active = document.activeElement;
    let fieldErrors = 0;

    // rows
    const lines = new Map();
    for (const [id, row] of this.rows) {
      const rowState = state.rows[id];
      const info = analysis.rows.get(id);
      const found = rowValue(row.criterion, rowState);
      let errors = info ? info.errors : [];
      if (!rowState.na && found.bad) {
        errors = active === row.control ? [] : [{ message: "请输入数字", messageEn: "not a number" }];
      }
      const line = info && info.line;
      if (line) lines.set(id, line);
      const notDue = Boolean(when && when.notDueCriteria.has(id));
      row.control.disabled = Boolean(rowState.na);
      setText(row.awarded, line && !notDue ? dec(line.awarded) : "");
      row.awardedBox.hidden = !line || notDue;
      row.awardedBox.classList.toggle("wsas-awarded--na", Boolean(line && line.notApplicable));
      row.awardedBox.classList.toggle("wsas-awarded--deducted", Boolean(line && !line.notApplicable && !line.deducted.isZero()));
      let explanation = line && (line.notApplicable || row.criterion.rule.kind !== "judgement") ? line.explanation : "";
      if (notDue) {
        explanation = line && line.due === false ? line.explanation
          : `未到时间节点（${row.item.deadline.text}，${when.dueOn.get(row.item.id)}；评估日期 ${when.asOf}），不计分，不计入应得分`;
      }
      setText(row.explain, explanation || "");
      row.explain.title = line && line.explanationEn ? line.explanationEn : "";
      this.showErrors(row.error, errors);
      row.control.setAttribute("aria-invalid", errors.length ? "true" : "false");
      fieldErrors += errors.length ? 1 : 0;
      const tr = row.control.closest("tr");
      if (tr) {
        tr.classList.toggle("is-missing", !rowState.na && !notDue && Boolean(found.missing));
        tr.classList.toggle("is-error", errors.length > 0);
        tr.classList.toggle("is-na", Boolean(rowState.na));
        tr.classList.toggle("is-not-due", notDue);
        if (notDue) tr.dataset.notDue = "";
        else delete tr.dataset.notDue;
      }
      setText(row.print, this.printValue(row.criterion, rowState, found));
      if (row.reasonPrint) setText(row.reasonPrint, rowState.reason.trim());
      if (row.evidencePrint) setText(row.evidencePrint, rowState.evidence.trim() ? `佐证：${rowState.evidence.trim()}` : "");
    }

    // header fields
    for (const [name, entry] of this.fields) {
      const errors = active === entry.input ? [] : analysis.header.get(name) || [];
      this.showErrors(entry.error, errors);
      fieldErrors += errors.length ? 1 : 0;
      entry.input.setAttribute("aria-invalid", errors.length ? "true" : "false");
      setText(entry.print, String(state.header[name] || "").trim());
    }

    // item and section totals
    const result = analysis.result;
    const placements = criteriaOf(rubric);
    const partSum = (filter) => {
      const own = placements.filter(filter);
      const done = own.filter((p) => lines.has(p.criterion.id));
      return { value: sum(done.map((p) => lines.get(p.criterion.id).awarded)), complete: done.length === own.length };
    };
    for (const [itemId, el] of this.itemTotals) {
      const fromResult = result && result.items.find((i) => i.id === itemId);
      const part = fromResult ? { value: fromResult.awarded, complete: true } : partSum((p) => p.item.id === itemId);
      this.showTotal(el, part);
    }
    for (const [sectionId, el] of this.sectionTotals) {
      const fromResult = result && result.sections.find((s) => s.id === sectionId);
      const part = fromResult ? { value: fromResult.awarded, complete: true } : partSum((p) => p.section.id === sectionId);
      this.showTotal(el, part);
    }

    // items not yet due: known from the 评估期 / 评估日期 alone, before the form scores
    if (this.notDueEl) {
      const later = when ? placements.filter((p) => when.notDueCriteria.has(p.criterion.id)) : [];
      setText(this.notDueEl, result ? dec(result.notYetDuePoints)
        : when ? dec(sum(later.map((p) => new D(String(p.criterion.points)))) ?? new D(0)) : "");
      setText(this.asOfEl, when ? `评估日期 ${when.asOf}${when.notDueItems.size ? `；未到：第 ${[...when.notDueItems].join("、")} 项` : ""}` : "");
    }

    // totals, score and outcome
    const outcome = result && result.outcome;
    if (result) {
      setText(this.totalEl, dec(result.total));
      setText(this.partialEl, "");
      setText(this.maximumEl, dec(result.maximum));
      setText(this.naPointsEl, dec(result.notApplicablePoints));
      setText(this.scoreEl, dec(result.score));
      if (result.vetoedBy && result.vetoedBy.length) {
        setText(this.outcomeEl, `触发否决项 ${result.vetoedBy.join("、")}，得分为 0${outcome ? `；${outcome.label}` : ""}`);
      } else {
        setText(this.outcomeEl, outcome ? outcome.label : "无");
      }
      this.outcomeEl.title = outcome && outcome.labelEn ? outcome.labelEn : "";
    } else {
      const partial = sum([...lines.values()].map((l) => l.awarded));
      // no score yet: the value elements stay empty (CSS shows a dash), so that
      // [data-score] is "" until the form scores
      setText(this.totalEl, "");
      setText(this.partialEl, lines.size ? `已填细则合计 ${dec(partial)}` : "");
      setText(this.maximumEl, "");
      setText(this.naPointsEl, "");
      setText(this.scoreEl, "");
      setText(this.outcomeEl, "");
      this.outcomeEl.title = "";
    }
    const hit = Boolean(result && (outcome || (result.vetoedBy && result.vetoedBy.length)));
    this.outcomeEl.classList.toggle("wsas-outcome--hit", hit);
    if (outcome) this.outcomeEl.dataset.outcomeId = outcome.id;
    else delete this.outcomeEl.dataset.outcomeId;
    this.root.dataset.valid = result ? "true" : "false";

    // status line
    const missingHeader = emptyRequired.map((name) => this.fields.get(name).field.label);
    const missing = analysis.missing.length + missingHeader.length;
    setText(this.missingCount, String(missing));
    setText(this.missingBefore, missing ? "尚有 " : "已全部填写（");
    setText(this.missingAfter, missing ? " 项未填" : " 项未填）");
    this.statusMissing.classList.toggle("is-complete", missing === 0);
    this.statusMissing.title = missing
      ? `未填：${[...missingHeader, ...analysis.missing.map((id) => `细则 ${id}`)].join("、")}` : "";
    this.nextMissing.hidden = analysis.missing.length === 0;
    const problems = fieldErrors + analysis.others.length;
    this.statusProblems.hidden = problems === 0;
    setText(this.statusProblems, problems ? `${problems} 处需要更正` : "");
    setText(this.statusScore, result
      ? `得分 ${dec(result.score)}${hit ? `　${this.outcomeEl.textContent}` : ""}`
      : lines.size ? `已填细则合计 ${dec(sum([...lines.values()].map((l) => l.awarded)))} 分` : "");
    this.statusScore.classList.toggle("wsas-outcome--hit", hit);

    this.renderErrorBox(fieldErrors, analysis.others);
    if (save) this.saveDraft(state);
  }

  /** The status line in words, read after a change: what is missing, what to correct, the total. */
  summary() {
    const parts = [this.statusMissing.textContent.trim()];
    if (!this.statusProblems.hidden && this.statusProblems.textContent) parts.push(this.statusProblems.textContent);
    if (this.statusScore.textContent) parts.push(this.statusScore.textContent.replace(/\u3000/g, "，"));
    return `${parts.join("，")}。`;
  }

  showTotal(el, { value, complete }) {
    setText(el, value === null ? (complete ? "0" : "—") : dec(value));
    el.classList.toggle("is-partial", !complete);
    el.title = complete ? "" : "尚有细则未填，为已填部分之和";
  }

  showErrors(el, errors) {
    const text = errors.map((e) => e.message).join("；");
    setText(el, text);
    el.title = errors.map((e) => e.messageEn || "").filter(Boolean).join("; ");
    el.hidden = errors.length === 0;
  }

  printValue(criterion, rowState, found) {
    if (rowState.na) return "缺项";
    if (found.missing || found.bad) return "";
    const rule = criterion.rule;
    switch (rule.kind) {
      case "judgement": return "";
      case "yes-no": return found.value ? "是" : "否";
      case "per-finding": return `发现 ${found.value} ${rule.unit}`;
      case "rate-tiers":
      case "shortfall-steps": return `${rule.measure} ${found.value}%`;
      case "veto": return found.value ? "触发否决" : "未触发否决";
      default: return "";
    }
  }

  renderErrorBox(fieldErrors, others) {
    this.showErrorBox("wsas-errors__flash", [
      others.length ? h("p", { class: "wsas-errors__lead", text: "填报有误：" }) : null,
      others.length ? h("ul", {}, others.map((e) => h("li", { title: e.messageEn || null },
        e.message, e.pointer ? h("code", { class: "wsas-pointer", text: ` ${e.pointer}` }) : null))) : null,
      fieldErrors ? h("p", { class: "wsas-errors__fields", text: `表中有 ${fieldErrors} 处需要更正，已在对应栏目旁标出。` }) : null,
    ]);
  }

  // ---- drafts ------------------------------------------------------------------------------

  draftKey() {
    return `${DRAFT_PREFIX}${this.rubric.id}@${this.rubric.version}`;
  }

  saveDraft(state) {
    storeDraft(this.draftKey(), () => (isEmptyState(state) ? null
      : { submission: buildSubmission(state, this.rubric, { partial: true }) }));
  }

  restoreDraft() {
    const draft = loadDraft(this.draftKey());
    if (!draft || !draft.submission || draft.submission.rubric !== this.rubric.id) return;
    const { state } = stateFromSubmission(draft.submission, this.rubric);
    if (isEmptyState(state)) return;
    this.writeState(state);
    this.showDraftRestored(draft.savedAt);
  }

  // ---- buttons -----------------------------------------------------------------------------

  exportJson() {
    const analysis = this.analysis;
    if (!analysis.valid) {
      const missing = analysis.missing.length;
      const reasons = [];
      if (missing) reasons.push(`尚有 ${missing} 条细则未填`);
      const header = HEADER_FIELDS.filter((f) => f.required && !String(this.state.header[f.name] || "").trim())
        .map((f) => f.label);
      if (header.length) reasons.push(`未填${header.join("、")}`);
      if (!reasons.length) reasons.push("有错误");
      const go = window.confirm(`本表${reasons.join("，")}，导出的文件不能通过校验（wsas validate）。仍要导出吗？`);
      if (!go) return;
    }
    const submission = buildSubmission(this.readState(), this.rubric, { schema: true });
    const name = exportFileName(submission, this.rubric);
    downloadJson(submission, name);
    this.message(`已导出 ${name}`);
  }

  refuseNotJson(file, text, error) {
    this.refuse(`「${file.name}」不是有效的 JSON 文件（${error.message}），未导入；当前填写内容未改动。`,
      `${file.name} is not valid JSON (${error.messageEn || error.message}); nothing imported`);
  }

  loadDocument(doc, { source, verb }) {
    const rubric = this.rubric;
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
      this.refuse(`${source}不是 WSAS 填报文件（应为一个 JSON 对象），未${verb}；当前填写内容未改动。`,
        "not a WSAS submission (a JSON object is expected); nothing imported");
      return;
    }
    if (typeof doc.rubric !== "string" || !("responses" in doc)) {
      this.refuse(`${source}不是 WSAS 填报文件（缺少 rubric 或 responses 字段），未${verb}；当前填写内容未改动。`,
        "not a WSAS submission (rubric or responses missing); nothing imported");
      return;
    }
    if (doc.rubric !== rubric.id) {
      this.refuse(`${source}是评估表「${doc.rubric}」的填报，本页是评估表「${rubric.id}」（${rubric.title}），未${verb}；` +
        "当前填写内容未改动。请到该评估表的填报页导入。",
      `the file is a submission for rubric ${doc.rubric}, this form is ${rubric.id}; nothing imported`);
      return;
    }
    const { state, warnings } = stateFromSubmission(doc, rubric);
    if (doc.rubricVersion !== rubric.version) {
      warnings.unshift({
        message: `文件的评估表版本为 ${doc.rubricVersion ?? "（未写）"}，本页为 ${rubric.version}；已按本页版本填入，导出时写 ${rubric.version}。`,
        messageEn: `the file is for version ${doc.rubricVersion}, this form is ${rubric.version}`,
      });
    }
    let own = [];
    try {
      own = this.validate(doc, rubric) || [];
    } catch {
      own = [];
    }
    this.flash = [];
    this.writeState(state);
    this.draftNotice.hidden = true;
    this.update({ save: true });
    const analysis = this.analysis;
    let text;
    if (analysis.result) {
      const outcome = this.outcomeEl.classList.contains("wsas-outcome--hit") ? `，${this.outcomeEl.textContent}` : "";
      text = `已${verb}${source}：得分 ${dec(analysis.result.score)}${outcome}。`;
    } else {
      const missing = analysis.missing.length;
      text = `已${verb}${source}` + (missing ? `，尚有 ${missing} 条细则未填。` : "，但填报有误，见下方与表中标出的栏目。");
    }
    const details = [...warnings];
    // what the warnings above already say is not repeated
    const said = new Set(["missing-response", "unknown-version", "unknown-criterion", "wrong-response-kind"]);
    const shown = own.filter((e) => !said.has(e.code)).slice(0, 10);
    if (shown.length) {
      details.push(...shown.map((e) => ({ message: `原文件校验：${e.message}${e.pointer ? `（${e.pointer}）` : ""}`,
        messageEn: e.messageEn })));
    }
    this.message(text, { kind: details.length ? "warning" : "success", details });
  }

  blankState() {
    return emptyState(this.rubric);
  }
}

function init() {
  watchScrollRegions();   // every page: the theme's wide tables, not only the forms'
  startForms(".wsas-form", "wsasForm", (root) => new WsasForm(root), ({ root }, error) => {
    root.dataset.state = "error";
    setChildren(root, h("div", { class: "wsas-form__fatal", role: "alert",
      text: `表单出错：${error && error.message || error}` }));
  });
}

whenReady(init);

export { WsasForm, init };
