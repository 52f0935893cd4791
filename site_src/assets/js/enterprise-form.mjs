// WSAS handbook: the fillable enterprise base record (企业基础档案, 一企一档, records/enterprise-form.html).
//
// On DOMContentLoaded every `.wsas-enterprise-form` element becomes the form:
//
//   <div class="wsas-enterprise-form"
//        data-schema-base="../downloads/schemas/v1/"         enterprise.json and what it $refs (Ajv)
//        data-example-url="../downloads/records/examples/enterprises/E-2017-001.json"   optional
//        data-programs='[{"id":"huiji-2017","title":"…"}]'></div>
//
// Every edit rebuilds the record (enterprise-model.mjs buildDocument) and runs the checks of
// `wsas records enterprises` on it (published enterprise.json, the eight items of 004:102 required,
// unknown program). Export / import JSON, a draft in localStorage, clear with confirmation, print.
// The fields sit in an inner element with the hazard form's classes, so that both forms share one
// stylesheet (form.css, hazard-form.css) and one print layout.
//
// Contract for tests (inside the root):
//   root[data-state] "loading" → "ready" | "error";  root[data-valid] "true" | "false"
//   [name=POINTER] the input of a field, e.g. [name="/name"]; [data-field=POINTER] its wrapper (class is-error),
//   [data-error=POINTER] its messages; [data-problem-count]; [data-status-text]; [data-errors]; [data-message];
//   [data-draft-notice]; [data-action=export|import|example|clear|print]; [data-import-input]

import { loadSchemas, makeSchemaValidator } from "./validator.mjs";
import { h, setChildren, setText } from "./form-dom.mjs";
import { describedBy } from "./form-a11y.mjs";
import { FormBase, loadDraft, loadJson, startForms, storeDraft, whenReady } from "./form-common.mjs";
import {
  FIELDS, TOP_ORDER, buildDocument, exportFileName, fieldLabel, isEmpty, notAnEnterprise, recordErrors,
  valuesFromDocument,
} from "./enterprise-model.mjs";

const DRAFT_KEY = "wsas-enterprise-draft:v1";
const SECTIONS = [
  { title: "企业基本情况（004:102，八项都必填）", from: 0, to: 8,
    note: "原文「包括企业名称、地址、规模、种类、从业人员、生产工艺、达标创建、“三同时”落实等」（004:102）；原文没有规定各项的取值，一律自由填写。" },
  { title: "档案信息", from: 8, to: FIELDS.length,
    note: "档案编号必填，在同一台账内唯一；统一社会信用代码可选，同一台账内不得有两份档案（一企一档）；档案应「适时更新」（004:102），更新日期写最近一次更新。" },
];

class EnterpriseForm extends FormBase {
  constructor(root) {
    super(root, "wsasef");
    this.values = {};
    this.schema = null;
    this.schemaErrors = null;
    this.programs = [];
    this.inputs = new Map();   // pointer → input
    this.valid = false;
  }

  async start() {
    const root = this.root;
    this.showLoading("wsas-hf__loading", "正在载入企业基础档案…");
    try {
      this.programs = JSON.parse(root.dataset.programs || "[]");
    } catch {
      this.programs = [];
    }
    try {
      const schemas = await loadSchemas(root.dataset.schemaBase || "../downloads/schemas/v1/", ["enterprise.json"],
        loadJson);
      this.schema = schemas[0];
      this.schemaErrors = makeSchemaValidator(schemas, "enterprise.json");
    } catch (error) {
      this.fail(`模式文件载入失败，无法显示档案：${error && error.message || error}`);
      return;
    }
    this.render();
    this.showReady();
  }

  fail(text) {
    this.root.dataset.state = "error";
    this.root.removeAttribute("aria-busy");
    setChildren(this.root, h("div", { class: "wsas-hf__fatal", role: "alert", text }));
  }

  // ---- rendering ------------------------------------------------------------------------------

  render() {
    const root = this.root;
    root.textContent = "";
    // the hazard form's classes for the shared styles; data-state keeps the hazard form from starting here
    const body = h("div", { class: "wsas-hazard-form wsas-hazard-form--ready wsas-ef", "data-state": "ready" });
    const toolbar = this.renderToolbar("wsas-hf", {
      export: "把本表保存为企业基础档案 JSON 文件（enterprise.json）",
      import: "读入一个企业基础档案 JSON 文件",
      example: "填入一份示例档案",
    });
    body.append(
      h("div", { class: "wsas-hf__print-head" },
        h("div", { class: "wsas-hf__print-title", text: "企业基础档案" }),
        h("div", { class: "wsas-hf__print-source", text: "一企一档　WSAS 企业基础档案 enterprise.json" })),
      toolbar, this.draftNotice, this.messageBox, this.errorBox);
    for (const section of SECTIONS) {
      const grid = h("div", { class: "wsas-hf__fields" });
      for (const field of FIELDS.slice(section.from, section.to)) grid.append(this.renderField(field));
      body.append(h("fieldset", { class: "wsas-hf__section" }, h("legend", { text: section.title }),
        h("p", { class: "wsas-hf__note", text: section.note }), grid));
    }
    this.problemCount = h("strong", { "data-problem-count": "", text: "0" });
    this.statusText = h("span", { class: "wsas-status__text", "data-status-text": "" });
    // not a live region (it follows every keystroke): summary() is announced on change
    body.append(h("div", { class: "wsas-status wsas-hf__status", "data-status": "" },
      this.statusText, "（待处理：", this.problemCount, "）"));
    root.append(body);
    this.listen();
  }

  renderField(field) {
    const inputId = this.id(field.pointer);
    const required = ((this.schema && this.schema.required) || []).includes(field.pointer.slice(1));
    const attrs = { id: inputId, name: field.pointer, "data-pointer": field.pointer, class: "wsas-input",
      autocomplete: "off", placeholder: field.placeholder || null, required: required || null,
      "aria-required": required ? "true" : null };
    let input;
    if (field.kind === "textarea") input = h("textarea", { ...attrs, rows: 2, maxlength: 4000 });
    else if (field.kind === "select") {
      input = h("select", { ...attrs, class: "wsas-input wsas-input--select" }, h("option", { value: "", text: "（不填）" }),
        this.programs.map((p) => h("option", { value: p.id, text: `${p.id}　${p.title}` })));
    } else input = h("input", { type: "text", ...attrs, maxlength: field.kind === "date" ? 10 : 200 });
    this.inputs.set(field.pointer, input);
    const hint = field.hint ? h("small", { class: "wsas-hint", id: `${inputId}-hint`, text: field.hint }) : null;
    const error = h("div", { class: "wsas-error", "data-error": field.pointer, id: `${inputId}-error`, role: "alert",
      hidden: true });
    describedBy(input, hint && hint.id, error.id);
    return h("div", {
      class: ["wsas-field", "wsas-hf__field", required && "wsas-field--required",
        (field.wide || field.kind === "textarea") && "wsas-field--wide"],
      "data-field": field.pointer,
    },
    h("label", { for: inputId, class: "wsas-field__label" }, fieldLabel(this.schema, field.pointer),
      required ? h("span", { class: "wsas-required", title: "必填", "aria-hidden": "true", text: "*" }) : null),
    input,
    h("span", { class: "wsas-print-value", "data-print": field.pointer }),
    hint,
    error);
  }

  // ---- state and checks --------------------------------------------------------------------------

  writeState(values) {
    this.values = { ...(values || {}) };
    for (const [pointer, input] of this.inputs) {
      const text = this.values[pointer] || "";
      if (input instanceof HTMLSelectElement && text && ![...input.options].some((o) => o.value === text)) {
        input.append(h("option", { value: text, "data-extra": "", text: `${text}（不是已发布的方案）` }));
      }
      input.value = text;
    }
  }

  blankState() {
    return {};
  }

  onEdit(event) {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.dataset.pointer) return;
    this.values[target.dataset.pointer] = target.value;
    this.clearFlash();
    this.update({ save: true });
  }

  onAction(target) {
    const action = target.dataset.action;
    if (action === "export") this.exportJson();
    else if (action === "import") this.importInput.click();
    else if (action === "example") this.loadExample();
    else if (action === "clear") this.clearForm();
    else if (action === "print") window.print();
  }

  update({ save = false } = {}) {
    const record = buildDocument(this.values);
    const errors = recordErrors(record, this.schema, this.schemaErrors, this.programs.map((p) => p.id));
    const byField = new Map();
    const others = [];
    for (const e of errors) {
      const pointer = FIELDS.some((f) => f.pointer === e.pointer) ? e.pointer : null;
      if (pointer) byField.set(pointer, [...(byField.get(pointer) || []), e]);
      else others.push(e);
    }
    for (const [pointer, input] of this.inputs) {
      const list = byField.get(pointer) || [];
      const box = this.root.querySelector(`[data-error="${pointer}"]`);
      const wrapper = this.root.querySelector(`[data-field="${pointer}"]`);
      setChildren(box, list.map((e) => h("div", { title: `${e.code} ${e.messageEn}`,
        text: e.code === "missing-field" ? "必填（004:102）" : e.message })));
      box.hidden = list.length === 0;
      wrapper.classList.toggle("is-error", list.length > 0);
      input.setAttribute("aria-invalid", list.length ? "true" : "false");
    }
    for (const span of this.root.querySelectorAll("[data-print]")) {
      const input = this.inputs.get(span.dataset.print);
      setText(span, input ? input.value.trim() : "");
    }
    this.showErrorBox("wsas-hf__flash", others.length ? [h("p", { text: "档案有误：" }),
      h("ul", {}, others.map((e) => h("li", { title: e.messageEn }, e.message,
        e.pointer ? h("code", { class: "wsas-pointer", text: ` ${e.pointer}` }) : null)))] : []);
    const problems = byField.size + others.length;
    this.valid = errors.length === 0;
    setText(this.problemCount, String(problems));
    this.root.dataset.valid = this.valid ? "true" : "false";
    setText(this.statusText, this.valid ? "符合企业基础档案模式，可以导出" : `尚有 ${problems} 处需要填写或更正`);
    this.statusText.classList.toggle("is-complete", this.valid);
    if (save) this.saveDraft();
  }

  /** The status line in words, read after a change. */
  summary() {
    return `${this.statusText.textContent}。`;
  }

  // ---- drafts and buttons ------------------------------------------------------------------------

  draftKey() {
    return DRAFT_KEY;
  }

  saveDraft() {
    storeDraft(DRAFT_KEY, () => (isEmpty(this.values) ? null : { values: this.values }));
  }

  restoreDraft() {
    const draft = loadDraft(DRAFT_KEY);
    const values = draft && draft.values;
    if (!values || typeof values !== "object" || isEmpty(values)) {
      this.writeState({});
      return;
    }
    const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === "string"));
    this.writeState(clean);
    this.showDraftRestored(draft.savedAt);
  }

  exportJson() {
    const name = this.exportRecord("wsas records enterprises", () => buildDocument(this.values, { schema: true }),
      exportFileName);
    if (name) this.message(`已导出 ${name}。用 wsas records enterprises ${name} 可在命令行复核。`, { kind: "success" });
  }

  refuseNotJson(file, text, error) {
    this.refuse(`「${file.name}」不是一个 JSON 文件（${error.message}），未导入；当前填写内容未改动。`,
      `${file.name} is not one JSON document; nothing imported`);
  }

  loadDocument(document, how) {
    const refusal = notAnEnterprise(document, this.schema ? Object.keys(this.schema.properties) : TOP_ORDER);
    this.takeRecord(refusal, how, () => {
      const { values, dropped } = valuesFromDocument(document);
      this.writeState(values);
      return dropped.map((pointer) => ({ message: `未能原样载入：${pointer}（应为文字）`, messageEn: `not kept: ${pointer}` }));
    }, "符合企业基础档案模式");
  }
}

function init() {
  startForms(".wsas-enterprise-form", "wsasEnterpriseForm", (root) => new EnterpriseForm(root),
    (form, error) => form.fail(`表单出错：${error && error.message || error}`));
}

whenReady(init);

export { EnterpriseForm, init };
