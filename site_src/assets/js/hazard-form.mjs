// WSAS handbook: the fillable hazard record (隐患登记表, records/hazard-form.html).
//
// On DOMContentLoaded every `.wsas-hazard-form` element becomes the form:
//
//   <div class="wsas-hazard-form"
//        data-schema-base="../downloads/schemas/v1/"          hazard.json and what it $refs (Ajv)
//        data-rules-url="../downloads/records/rules.json"     states, labels, lifecycle rules
//        data-example-url="../downloads/records/examples/hazards/H-2024-005.json"   optional
//        data-programs='[{"id":"huiji-2017","title":"…"}]'></div>
//
// Every edit rebuilds the record (hazard-model.mjs buildDocument), validates it against the
// published hazard.json and — when its shape is right — runs the lifecycle checks of
// `wsas records check` (same codes and pointers); the fields the chosen state requires are
// listed above the form and marked, missing ones in colour. Export / import JSON, a draft in
// localStorage, clear with confirmation, A4 print. Pages without the element are left alone.
//
// Contract for tests (inside the root):
//   root[data-state] "loading" → "ready" | "error";  root[data-valid] "true" | "false"
//   [name=POINTER]  the input of a field, e.g. [name="/id"], [name="/discovered/by/name"],
//                   [name="/history/0/state"]; [data-field=POINTER] its wrapper, [data-error=POINTER] its messages
//                   (also a person group's /discovered/by, a table's /history and a row's /history/0)
//   wrapper classes: is-error, is-missing, is-state-required, is-finding
//   [data-state-panel] with li[data-requirement=POINTER][data-status=ok|missing|waived|wrong]
//   [data-findings] li[data-finding=CODE];  [name=asOf] the day open hazards are judged on
//   [data-problem-count]  fields and records problems still to correct;  [data-status-text]
//   [data-errors] problems that belong to no field and refused imports;  [data-message] what the last
//   import / example / export did;  [data-draft-notice]
//   [data-action=export|import|example|clear|print|add-row|remove-row] (rows: [data-table][data-index]);
//   [data-import-input] the file input

import { loadSchemas, makeSchemaValidator } from "./validator.mjs";
import { h, setChildren, setText } from "./form-dom.mjs";
import { describedBy, markScrollRegions } from "./form-a11y.mjs";
import { FormBase, loadDraft, loadJson, startForms, storeDraft, whenReady } from "./form-common.mjs";
import {
  PERSON_PARTS, PLACEHOLDERS, SECTIONS, TABLES, TOP_ORDER, buildDocument, emptyState, evaluate, exportFileName,
  fieldLabel, isEmptyState, labelOf, notAHazard, pathLabel, stateChecklist, stateFromDocument, todayInChina,
} from "./hazard-model.mjs";

const DRAFT_KEY = "wsas-hazard-draft:v1";
const NOTES = {
  plan: "重大隐患的治理方案：连云港方案要求主要负责人组织制定并实施（000:65），只检查有没有方案；各栏目取自《安全生产事故隐患排查治理暂行规定》第十五条（外部出处），都可不填（勘误 E2）。",
  supervision: "重大隐患挂牌督办（002:39），适用 xinzhou-2020。",
  acceptance: "验收销号（002:59）只适用于 xinzhou-2020：该方案的隐患须经「已验收」才能销号；其他方案可在整改完成后直接销号（勘误 E6）。",
  history: "每次状态变化一行，按时间先后；第一行为「登记」，最后一行的状态应与当前状态相同。",
  attachments: "照片、整改报告等；位置写相对路径（如 attachments/H-2024-001/photo.jpg）或网址。",
};

function parent(pointer) {
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

class HazardForm extends FormBase {
  constructor(root) {
    super(root, "wsashf");
    this.state = emptyState();
    this.rules = null;
    this.schema = null;
    this.schemaErrors = null;
    this.programs = [];
    this.slots = new Map();     // pointer → {el, wrapper}
    this.inputs = new Map();    // pointer → input of a field (not table cells)
  }

  // ---- start ------------------------------------------------------------------------------

  async start() {
    const root = this.root;
    this.showLoading("wsas-hf__loading", "正在载入隐患登记表…");
    try {
      const url = root.dataset.rulesUrl;
      if (!url) throw new Error("data-rules-url 未设置 / data-rules-url is missing");
      this.rules = await loadJson(url);
      if (!this.rules || !Array.isArray(this.rules.states) || !Array.isArray(this.rules.transitions)) {
        throw new Error(`${url} 不是生命周期规则 / not the lifecycle rules`);
      }
    } catch (error) {
      this.fail(`生命周期规则载入失败，无法显示登记表：${error && error.message || error}`);
      return;
    }
    try {
      this.programs = JSON.parse(root.dataset.programs || "[]");
    } catch {
      this.programs = [];
    }
    let problem = null;
    try {
      const schemas = await loadSchemas(root.dataset.schemaBase || "../downloads/schemas/v1/", ["hazard.json"], loadJson);
      this.schema = schemas[0];
      this.schemaErrors = makeSchemaValidator(schemas, "hazard.json");
    } catch (error) {
      problem = String(error && error.message || error);
    }
    this.render();
    if (problem) {
      this.flash.push({ message: `模式文件载入失败，只做生命周期检查：${problem}`, messageEn: `schemas not loaded: ${problem}` });
    }
    this.showReady();
  }

  fail(text) {
    this.root.dataset.state = "error";
    this.root.removeAttribute("aria-busy");
    setChildren(this.root, h("div", { class: "wsas-hf__fatal", role: "alert", text }));
  }

  label(pointer) {
    return fieldLabel(this.schema, pointer);
  }

  // ---- rendering ------------------------------------------------------------------------------

  render() {
    const root = this.root;
    root.textContent = "";
    root.classList.add("wsas-hazard-form--ready");

    const toolbar = this.renderToolbar("wsas-hf", {
      export: "把本表保存为隐患记录 JSON 文件（hazard.json）",
      import: "读入一个隐患记录 JSON 文件",
      example: "填入一条示例隐患记录",
    });
    // not a live region: it changes with every keystroke; its gist is announced on change (summary())
    this.panel = h("section", { class: "wsas-hf__panel", "data-state-panel": "", "aria-label": "当前状态的要求" });

    const printHead = h("div", { class: "wsas-hf__print-head" },
      h("div", { class: "wsas-hf__print-title", text: "隐患登记表" }),
      h("div", { class: "wsas-hf__print-source", text: "一患一档　WSAS 隐患记录 hazard.json" }));

    root.append(printHead, toolbar, this.draftNotice, this.messageBox, this.errorBox, this.panel);
    this.tables = {};
    for (const section of SECTIONS) root.append(this.renderSection(section));
    root.append(this.renderFindings(), this.renderStatus());
    this.collectSlots();
    this.listen();
  }

  renderSection(section) {
    const title = section.title || this.label(section.pointer);
    const note = NOTES[section.id] ? h("p", { class: "wsas-hf__note", text: NOTES[section.id] }) : null;
    const fieldset = h("fieldset", { class: `wsas-hf__section wsas-hf__section--${section.id}`, "data-section": section.id },
      h("legend", { text: title }), note);
    if (section.table) {
      fieldset.append(this.renderTable(section.table));
      return fieldset;
    }
    const grid = h("div", { class: "wsas-hf__fields" });
    for (const field of section.fields) grid.append(field.kind === "person" ? this.renderPerson(field) : this.renderField(field));
    fieldset.append(grid);
    return fieldset;
  }

  required(pointer) {
    // required by hazard.json itself (the record's five, a subject's name)
    const top = ["/id", "/subject/name", "/name", "/level", "/state"];
    return top.includes(pointer);
  }

  control(kind, attrs, options) {
    if (kind === "textarea") return h("textarea", { ...attrs, rows: 2, maxlength: 4000 });
    if (kind === "select" || kind === "boolean") {
      const select = h("select", { ...attrs, class: `${attrs.class} wsas-input--select` });
      select.append(h("option", { value: "", text: "（请选择）" }));
      for (const option of options) select.append(h("option", { value: option.value, text: option.label }));
      return select;
    }
    const extra = {
      datetime: { placeholder: PLACEHOLDERS.datetime, inputmode: "numeric", maxlength: 25 },
      date: { placeholder: PLACEHOLDERS.date, inputmode: "numeric", maxlength: 10 },
      number: { inputmode: "decimal", maxlength: 20 },
    }[kind] || { maxlength: 200 };
    return h("input", { type: "text", ...extra, ...attrs, placeholder: attrs.placeholder || extra.placeholder });
  }

  options(field, short = false) {
    if (field.kind === "boolean") {
      return [{ value: "true", label: field.yes || "是" }, { value: "false", label: field.no || "否" }];
    }
    if (field.options === "programs") {
      return this.programs.map((p) => ({ value: p.id, label: `${p.id}　${p.title}` }));
    }
    return (this.rules[field.options] || []).map((e) => ({ value: e.id, label: short ? e.label : `${e.label}（${e.id}）` }));
  }

  renderField(field) {
    const inputId = this.id(field.pointer);
    const required = this.required(field.pointer);
    const input = this.control(field.kind, {
      id: inputId, name: field.pointer, "data-pointer": field.pointer, class: "wsas-input", autocomplete: "off",
      placeholder: field.placeholder || null, required: required || null, "aria-required": required ? "true" : null,
    }, field.kind === "select" || field.kind === "boolean" ? this.options(field) : []);
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
    h("label", { for: inputId, class: "wsas-field__label" }, this.label(field.pointer),
      required ? h("span", { class: "wsas-required", title: "必填", "aria-hidden": "true", text: "*" }) : null),
    input,
    h("span", { class: "wsas-print-value", "data-print": field.pointer }),
    hint,
    error);
  }

  renderPerson(field) {
    const grid = h("div", { class: "wsas-hf__person-fields" });
    for (const part of PERSON_PARTS) {
      const pointer = `${field.pointer}/${part}`;
      const inputId = this.id(pointer);
      const input = this.control("text", { id: inputId, name: pointer, "data-pointer": pointer, class: "wsas-input",
        autocomplete: "off", maxlength: part === "phone" ? 30 : 200 }, []);
      this.inputs.set(pointer, input);
      const error = h("div", { class: "wsas-error", "data-error": pointer, id: `${inputId}-error`, role: "alert",
        hidden: true });
      describedBy(input, error.id, this.id(`${field.pointer}-error`));
      grid.append(h("div", { class: ["wsas-field", "wsas-hf__field", `wsas-hf__person-${part}`], "data-field": pointer },
        h("label", { for: inputId, class: "wsas-field__label" }, this.label(pointer)),
        input,
        h("span", { class: "wsas-print-value", "data-print": pointer }),
        error));
    }
    // the group's name (发现人…) is the legend: a screen reader says it before 姓名, 职务…
    return h("fieldset", { class: "wsas-field wsas-field--wide wsas-hf__person", "data-field": field.pointer },
      h("legend", { class: "wsas-field__label", text: this.label(field.pointer) }),
      grid,
      h("div", { class: "wsas-error", "data-error": field.pointer, id: this.id(`${field.pointer}-error`), role: "alert",
        hidden: true }));
  }

  renderTable(table) {
    const columns = TABLES[table];
    const body = h("tbody");
    const head = h("thead", {}, h("tr", {},
      h("th", { scope: "col", class: "wsas-hf__col-number", text: "序号" }),
      columns.map((c) => h("th", { scope: "col", text: this.columnLabel(table, c.key) })),
      h("th", { scope: "col", class: "wsas-hf__col-actions" }, h("span", { class: "wsas-hf__sr", text: "操作" }))));
    const add = h("button", { type: "button", class: "wsas-link-button wsas-hf__add", "data-action": "add-row",
      "data-table": table }, table === "history" ? "＋ 添加一行状态变化" : "＋ 添加附件");
    this.tables[table] = { body, columns };
    return h("div", { class: "wsas-hf__table-block", "data-field": `/${table}` },
      h("div", { class: "wsas-hf__table-wrap" },
        h("table", { class: `wsas-hf__table wsas-hf__table--${table}`, "data-table": table }, head, body)),
      add,
      h("div", { class: "wsas-error", "data-error": `/${table}`, role: "alert", hidden: true }));
  }

  columnLabel(table, key) {
    const pointer = `/${table}/0${key}`;
    if (key.startsWith("/by/")) return `${this.label(`/${table}/0/by`)}${key === "/by/name" ? "" : "·"}${key === "/by/name" ? "" : this.label(pointer)}`;
    return this.label(pointer);
  }

  renderRows(table) {
    const { body, columns } = this.tables[table];
    const rows = this.state[table];
    body.textContent = "";
    rows.forEach((row, index) => {
      const tr = h("tr", { "data-row": index, "data-table": table },
        h("td", { class: "wsas-hf__col-number", text: String(index + 1) }));
      const tableName = this.label(`/${table}`);
      const rowError = this.id(`/${table}/${index}-error`);
      for (const column of columns) {
        const pointer = `/${table}/${index}${column.key}`;
        const attrs = { name: pointer, class: "wsas-input", "data-table": table, "data-index": index,
          "data-key": column.key, autocomplete: "off",
          "aria-label": `${tableName}第${index + 1}行：${this.columnLabel(table, column.key)}`,
          placeholder: column.placeholder || null };
        const input = this.control(column.kind, attrs, column.kind === "select" ? this.options(column, true) : []);
        this.setValue(input, row[column.key] || "");
        const error = h("div", { class: "wsas-error", "data-error": pointer, id: this.id(`${pointer}-error`), role: "alert",
          hidden: true });
        describedBy(input, error.id, rowError);
        tr.append(h("td", { "data-field": pointer }, input,
          h("span", { class: "wsas-print-value", "data-print": pointer }),
          error));
      }
      tr.append(h("td", { class: "wsas-hf__col-actions", "data-field": `/${table}/${index}` },
        h("button", { type: "button", class: "wsas-link-button", "data-action": "remove-row", "data-table": table,
          "data-index": index, title: `删除第${index + 1}行`, "aria-label": `删除${tableName}第${index + 1}行`, text: "删除" }),
        h("div", { class: "wsas-error", "data-error": `/${table}/${index}`, id: rowError, role: "alert", hidden: true })));
      body.append(tr);
    });
    if (!rows.length) {
      body.append(h("tr", { class: "wsas-hf__empty-row" }, h("td", { colspan: columns.length + 2,
        text: table === "history" ? "尚无状态变化。登记时添加第一行（状态「登记」）。" : "无附件。" })));
    }
    markScrollRegions(this.root);
  }

  renderFindings() {
    this.asOfInput = h("input", { type: "date", name: "asOf", "data-as-of": "", class: "wsas-input wsas-hf__as-of",
      value: todayInChina(), id: this.id("asOf") });
    describedBy(this.asOfInput, this.id("asOf-hint"));
    this.findingsList = h("ul", { class: "wsas-hf__findings-list" });
    this.findingsBox = h("section", { class: "wsas-hf__findings", "data-findings": "" },
      h("div", { class: "wsas-hf__findings-head" },
        h("label", { for: this.id("asOf"), text: "检查日" }), this.asOfInput,
        h("small", { class: "wsas-hint", id: this.id("asOf-hint"),
          text: "逾期、不过夜等「发现」按这一天判断（同 wsas records check --as-of），不影响记录是否有效。" })),
      this.findingsList);
    return this.findingsBox;
  }

  renderStatus() {
    this.problemCount = h("span", { class: "wsas-hf__count", "data-problem-count": "" }, "0");
    this.statusText = h("span", { class: "wsas-hf__status-text", "data-status-text": "" });
    this.nextProblem = h("button", { type: "button", class: "wsas-link-button", "data-action": "next-problem",
      text: "转到下一处" });
    return h("div", { class: "wsas-hf__status", "data-status": "" }, this.statusText, " ", this.nextProblem,
      h("span", { class: "wsas-hf__sr" }, "需要更正：", this.problemCount));
  }

  collectSlots() {
    this.slots = new Map();
    for (const el of this.root.querySelectorAll("[data-error]")) {
      const pointer = el.dataset.error;
      const wrapper = el.closest("[data-field]");
      this.slots.set(pointer, { el, wrapper });
    }
  }

  /** The message slot of a pointer: itself, its `name` part (a person, the subject), else the nearest parent's. */
  slotFor(pointer) {
    if (this.slots.has(pointer)) return pointer;
    if (this.slots.has(`${pointer}/name`)) return `${pointer}/name`;
    let p = pointer;
    while (p) {
      p = parent(p);
      if (this.slots.has(p)) return p;
    }
    return null;
  }

  // ---- values ------------------------------------------------------------------------------------

  setValue(input, value) {
    const text = value === undefined || value === null ? "" : String(value);
    if (input instanceof HTMLSelectElement) {
      for (const extra of input.querySelectorAll("option[data-extra]")) {
        if (extra.value !== text) extra.remove();
      }
      if (text && ![...input.options].some((o) => o.value === text)) {
        input.append(h("option", { value: text, "data-extra": "", text: `${text}（不是可选的值）` }));
      }
    }
    if (input.value !== text) input.value = text;
  }

  writeState(state) {
    this.state = {
      values: { ...(state.values || {}) },
      history: (state.history || []).map((row) => ({ ...row })),
      attachments: (state.attachments || []).map((row) => ({ ...row })),
      extra: { ...(state.extra || {}) },
    };
    for (const [pointer, input] of this.inputs) this.setValue(input, this.state.values[pointer] || "");
    this.renderRows("history");
    this.renderRows("attachments");
    this.collectSlots();
  }

  onEdit(event) {
    const target = event.target;
    if (!(target instanceof HTMLElement)) return;
    if (target === this.asOfInput) {
      this.update({ save: false });
      return;
    }
    if (target.dataset.pointer) {
      this.state.values[target.dataset.pointer] = target.value;
    } else if (target.dataset.table && target.dataset.key) {
      const row = this.state[target.dataset.table][Number(target.dataset.index)];
      if (!row) return;
      row[target.dataset.key] = target.value;
    } else {
      return;
    }
    this.clearFlash();
    this.update({ save: true });
  }

  onAction(target, event) {
    const action = target.dataset.action;
    if (action === "export") this.exportJson();
    else if (action === "import") this.importInput.click();
    else if (action === "example") this.loadExample();
    else if (action === "clear") this.clearForm();
    else if (action === "print") window.print();
    else if (action === "add-row") this.addRow(target.dataset.table);
    else if (action === "remove-row") this.removeRow(target.dataset.table, Number(target.dataset.index));
    else if (action === "next-problem") this.gotoProblem();
    else if (action === "focus") {
      event.preventDefault();
      this.focusPointer(target.dataset.pointer);
    }
  }

  addRow(table) {
    const row = {};
    for (const column of TABLES[table]) row[column.key] = "";
    if (table === "history") {
      const chosen = this.state.values["/state"] || "";
      const rows = this.state.history;
      row["/state"] = !rows.length ? this.rules.initial
        : chosen && rows[rows.length - 1]["/state"] !== chosen ? chosen : "";
    }
    this.state[table].push(row);
    this.renderRows(table);
    this.collectSlots();
    this.update({ save: true });
    const first = this.tables[table].body.querySelector(`tr[data-row="${this.state[table].length - 1}"] .wsas-input`);
    if (first) first.focus();
  }

  removeRow(table, index) {
    if (!(index >= 0 && index < this.state[table].length)) return;
    this.state[table].splice(index, 1);
    this.renderRows(table);
    this.collectSlots();
    this.update({ save: true });
    // the button pressed is gone: keep the keyboard in the table (the next row's 删除, else 添加)
    const next = this.tables[table].body.querySelector(`[data-action=remove-row][data-index="${index}"]`)
      || this.root.querySelector(`[data-action=add-row][data-table="${table}"]`);
    if (next) next.focus();
    this.announce(`已删除第${index + 1}行。`);
  }

  focusPointer(pointer) {
    const slot = this.slotFor(pointer);
    const wrapper = slot ? this.slots.get(slot).wrapper : null;
    const input = (wrapper && wrapper.querySelector("input, select, textarea, button")) || this.inputs.get(pointer);
    if (input) {
      input.scrollIntoView({ block: "center" });
      input.focus();
    }
  }

  gotoProblem() {
    const problem = this.root.querySelector(".is-error [data-pointer], .is-error .wsas-input, .is-missing .wsas-input");
    if (problem) {
      problem.scrollIntoView({ block: "center" });
      problem.focus();
    }
  }

  asOf() {
    return /^\d{4}-\d{2}-\d{2}$/.test(this.asOfInput.value) ? this.asOfInput.value : todayInChina();
  }

  // ---- checking ------------------------------------------------------------------------------------

  /** Messages in words: pointers named by their labels. */
  words(text) {
    return String(text)
      .replace(/\/[A-Za-z][A-Za-z0-9]*(?:\/[A-Za-z0-9]+)*/g, (pointer) => {
        const label = pathLabel(this.schema, pointer);
        return label && label !== pointer && !label.includes("/") ? `「${label}」` : pointer;
      })
      .replace(/([\u3000-\u9fff]) 「/g, "$1「")
      .replace(/」 ([\u3000-\u9fff])/g, "」$1");
  }

  check(record) {
    const shape = this.schemaErrors ? this.schemaErrors(record) : [];
    if (shape.length) return { shape, errors: [], findings: [] };
    if (typeof record.program === "string" && !this.programs.some((p) => p.id === record.program)) {
      return { shape, findings: [], errors: [{ code: "unknown-program", pointer: "/program",
        message: `未知的方案「${record.program}」；已发布：${this.programs.map((p) => p.id).join("、")}`,
        messageEn: `unknown program ${record.program}` }] };
    }
    if (typeof record.state !== "string" || typeof record.level !== "string") return { shape, errors: [], findings: [] };
    const outcome = evaluate(record, this.rules, record.program || null, this.asOf());
    return { shape, ...outcome };
  }

  update({ save = true } = {}) {
    if (!this.rules) return;
    const record = buildDocument(this.state);
    const { shape, errors, findings } = this.check(record);
    this.record = record;
    this.valid = shape.length === 0 && errors.length === 0 && Boolean(this.schemaErrors);
    const active = window.document.activeElement;
    const messages = new Map();   // slot pointer → [{kind, text, title}]
    const others = [];
    const add = (pointer, entry) => {
      const slot = this.slotFor(pointer);
      if (slot === null) {
        others.push({ ...entry, pointer });
        return;
      }
      if (!messages.has(slot)) messages.set(slot, []);
      if (!messages.get(slot).some((m) => m.text === entry.text)) messages.get(slot).push(entry);
    };

    for (const e of shape) {
      if (e.keyword === "required" && e.missing !== undefined) {
        add(`${e.pointer}/${e.missing}`, { kind: "required", text: "必填", title: e.messageEn });
      } else {
        add(e.pointer, { kind: "error", text: e.message, title: `${e.pointer} ${e.messageEn}` });
      }
    }
    for (const e of errors) {
      add(e.pointer, { kind: e.code === "missing-for-state" ? "missing" : "error", text: this.words(e.message),
        title: `${e.code} ${e.pointer} ${e.messageEn}` });
    }

    // the chosen state's requirements: listed in the panel and marked on the fields
    const state = typeof record.state === "string" && this.rules.states.some((s) => s.id === record.state)
      ? record.state : null;
    const program = typeof record.program === "string" ? record.program : null;
    const checklist = state ? stateChecklist(record, this.rules, state, program) : [];
    const stateLabel = state ? labelOf(this.rules, "states", state) : "";
    const marked = new Map();   // slot → status
    for (const item of checklist) {
      const slot = this.slotFor(item.pointer);
      if (slot !== null && marked.get(slot) !== "missing") marked.set(slot, item.status);
      // with schema errors the lifecycle does not run: the panel's own result is shown instead
      if (shape.length && (item.status === "missing" || item.status === "wrong")) {
        const text = item.kind === "condition"
          ? `状态「${stateLabel}」要求此项为「${item.equals === true ? "是" : item.equals === false ? "否" : item.equals}」`
          : `状态「${stateLabel}」必须填写此项`;
        add(item.pointer, { kind: "missing", text, title: `missing-for-state ${item.pointer}` });
      }
    }
    for (const f of findings) add(f.pointer, { kind: "finding", text: `提示：${this.words(f.message)}`, title: `${f.code} ${f.messageEn}` });

    // show them
    let problems = 0;
    for (const [pointer, { el, wrapper }] of this.slots) {
      const list = messages.get(pointer) || [];
      const input = wrapper ? wrapper.querySelector(":scope > .wsas-input, :scope > select, :scope > input, :scope > textarea") : null;
      const typing = input && input === active;
      const shown = list.filter((m) => m.kind !== "required" && !(typing && m.kind === "error"));
      setText(el, shown.map((m) => m.text).join("；"));
      el.title = shown.map((m) => m.title).filter(Boolean).join("; ");
      el.hidden = shown.length === 0;
      el.classList.toggle("wsas-error--missing", shown.length > 0 && shown.every((m) => m.kind === "missing"));
      el.classList.toggle("wsas-error--finding", shown.length > 0 && shown.every((m) => m.kind === "finding"));
      if (wrapper) {
        const isError = list.some((m) => m.kind === "error");
        const isMissing = list.some((m) => m.kind === "missing" || m.kind === "required");
        wrapper.classList.toggle("is-error", isError);
        wrapper.classList.toggle("is-missing", !isError && isMissing);
        wrapper.classList.toggle("is-finding", list.some((m) => m.kind === "finding"));
        wrapper.classList.toggle("is-state-required", marked.has(pointer));
        if (marked.has(pointer)) wrapper.dataset.stateRequired = marked.get(pointer);
        else delete wrapper.dataset.stateRequired;
        if (input) input.setAttribute("aria-invalid", isError ? "true" : "false");
        problems += list.some((m) => m.kind !== "finding") ? 1 : 0;
      }
    }
    problems += others.filter((m) => m.kind !== "finding").length;

    this.renderPanel(checklist, stateLabel);
    this.renderFindingsList(findings);
    this.renderErrorBox(others);
    this.printValues();

    setText(this.problemCount, String(problems));
    this.root.dataset.valid = this.valid ? "true" : "false";
    let status;
    if (!this.schemaErrors) status = "模式未载入，只做了生命周期检查";
    else if (this.valid) {
      status = findings.length
        ? `符合隐患记录模式与生命周期规则，可以导出；另有 ${findings.length} 条提示`
        : "符合隐患记录模式与生命周期规则，可以导出";
    } else status = `尚有 ${problems} 处需要填写或更正`;
    setText(this.statusText, status);
    this.statusText.classList.toggle("is-complete", this.valid);
    this.nextProblem.hidden = this.valid;
    if (save) this.saveDraft();
  }

  /** The status line and the chosen state's gist in words, read after a change. */
  summary() {
    const lead = this.panel.querySelector(".wsas-hf__panel-lead");
    const gist = this.panel.dataset.chosen && lead ? `${lead.textContent}。` : "";
    return `${this.statusText.textContent}。${gist}`;
  }

  renderPanel(checklist, stateLabel) {
    if (!stateLabel) {
      setChildren(this.panel, h("p", { class: "wsas-hf__panel-lead",
        text: "请先选择当前状态：选定后这里列出该状态必须填写的栏目（按生命周期规则，累积前面各状态的要求）。" }));
      this.panel.dataset.chosen = "";
      return;
    }
    const missing = checklist.filter((i) => i.status === "missing" || i.status === "wrong").length;
    const words = { ok: "已填", missing: "未填", waived: "不要求（立即整改）", wrong: "取值不符" };
    const items = checklist.map((item) => {
      const what = item.kind === "condition"
        ? `${pathLabel(this.schema, item.pointer)} 为「${item.equals === true ? "是" : item.equals === false ? "否" : item.equals}」`
        : pathLabel(this.schema, item.pointer);
      return h("li", { "data-requirement": item.pointer, "data-kind": item.kind, "data-status": item.status,
        class: `wsas-hf__req wsas-hf__req--${item.status}` },
      h("a", { href: "#", "data-action": "focus", "data-pointer": item.pointer, text: what, title: item.pointer }),
      h("span", { class: "wsas-hf__req-status", text: `　${words[item.status]}` }));
    });
    setChildren(this.panel,
      h("p", { class: "wsas-hf__panel-lead" }, `状态「${stateLabel}」必须具备（含之前各状态的要求）：`,
        h("strong", { text: missing ? `尚缺 ${missing} 项` : "已全部具备" })),
      h("ul", { class: "wsas-hf__reqs" }, items));
    this.panel.dataset.chosen = stateLabel;
    this.panel.classList.toggle("is-complete", missing === 0);
  }

  renderFindingsList(findings) {
    setChildren(this.findingsList, findings.map((f) => h("li", { "data-finding": f.code, title: f.messageEn },
      h("code", { text: f.code }), " ", this.words(f.message))));
    this.findingsBox.classList.toggle("has-findings", findings.length > 0);
  }

  renderErrorBox(others) {
    const shown = others.filter((m) => m.kind !== "required" && m.kind !== "finding");
    this.showErrorBox("wsas-hf__flash", shown.length ? [
      h("p", { text: "记录有误：" }),
      h("ul", {}, shown.map((m) => h("li", { title: m.title || null }, m.text,
        m.pointer ? h("code", { class: "wsas-pointer", text: ` ${m.pointer}` }) : null))),
    ] : []);
  }

  printValues() {
    for (const span of this.root.querySelectorAll("[data-print]")) {
      const input = span.parentElement && span.parentElement.querySelector("input, select, textarea");
      let text = input ? input.value.trim() : "";
      if (input instanceof HTMLSelectElement && input.value) {
        text = input.selectedOptions[0] ? input.selectedOptions[0].textContent.replace(/（[^（）]*）$/, "") : input.value;
      }
      setText(span, text);
    }
  }

  // ---- drafts -----------------------------------------------------------------------------------------

  draftKey() {
    return DRAFT_KEY;
  }

  saveDraft() {
    storeDraft(DRAFT_KEY, () => (isEmptyState(this.state) ? null : { state: this.state }));
  }

  restoreDraft() {
    const draft = loadDraft(DRAFT_KEY);
    const state = draft && draft.state;
    if (!state || typeof state !== "object" || typeof state.values !== "object" || isEmptyState(state)) {
      this.writeState(emptyState());
      return;
    }
    const clean = (rows) => (Array.isArray(rows) ? rows.filter((r) => r && typeof r === "object") : []);
    this.writeState({ values: state.values || {}, history: clean(state.history), attachments: clean(state.attachments),
      extra: state.extra && typeof state.extra === "object" ? state.extra : {} });
    this.showDraftRestored(draft.savedAt);
  }

  // ---- buttons ----------------------------------------------------------------------------------------

  exportJson() {
    const name = this.exportRecord("wsas records check", () => buildDocument(this.state, { schema: true }),
      exportFileName);
    if (name) this.message(`已导出 ${name}。用 wsas records check ${name} --as-of ${this.asOf()} 可在命令行复核。`, { kind: "success" });
  }

  refuseNotJson(file, text, error) {
    const lines = text.split(/\r?\n/).filter((line) => line.trim());
    const jsonLines = lines.length > 1 && lines.every((line) => {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
    this.refuse(jsonLines
      ? `「${file.name}」是 JSON Lines 台账（${lines.length} 条记录），本表一次只登记一条隐患，未导入；当前填写内容未改动。请导入单条记录的 .json 文件。`
      : `「${file.name}」不是有效的 JSON 文件（${error.message}），未导入；当前填写内容未改动。`,
    `${file.name} is not one JSON document; nothing imported`);
  }

  loadDocument(document, how) {
    const members = this.schema && this.schema.properties ? Object.keys(this.schema.properties) : TOP_ORDER;
    this.takeRecord(notAHazard(document, members), how, () => {
      const { state, dropped } = stateFromDocument(document);
      this.writeState(state);
      const details = dropped.slice(0, 10).map((pointer) => ({
        message: `未能原样载入：${pointer}（${pathLabel(this.schema, pointer)}）`, messageEn: `not kept: ${pointer}` }));
      if (dropped.length > 10) details.push({ message: `……另有 ${dropped.length - 10} 处`, messageEn: "" });
      return details;
    }, "符合隐患记录模式与生命周期规则");
  }

  blankState() {
    return emptyState();
  }
}

function init() {
  startForms(".wsas-hazard-form", "wsasHazardForm", (root) => new HazardForm(root),
    (form, error) => form.fail(`表单出错：${error && error.message || error}`));
}

whenReady(init);

export { HazardForm, init };
