// What the handbook forms share: the rubric form (form.mjs), the hazard-record form
// (hazard-form.mjs) and the enterprise form (enterprise-form.mjs). Loading the handbook's JSON,
// the draft in localStorage, and FormBase, the part of a form around its fields: loading, the
// toolbar (export, import, example, clear, print) with its file input, the notice / message /
// error boxes, importing a file or the example, exporting, clearing and starting every form of a page.
// The two record forms (hazard, enterprise) also share exportRecord() and takeRecord().
//
// A subclass provides render(), update({save}), onEdit(event), onAction(target, event),
// writeState(state), blankState(), draftKey(), saveDraft(), restoreDraft(),
// loadDocument(doc, {source, verb}) and refuseNotJson(file, text, error), and summary(): the
// state of the form in words (the total, what is missing), read to screen readers after a change.

import { h, setChildren } from "./form-dom.mjs";
import { Announcer, markScrollRegions, watchScrollRegions } from "./form-a11y.mjs";
import { loadJson } from "./offline-data.mjs";
import { readDocument } from "./batch-read.mjs";

// The forms' JSON (rubric, schemas, rules, examples) comes from the data scripts of offline-data.mjs,
// which work over http and from file:// alike (Chromium refuses fetch() of file:// URLs).
export { loadJson };
/** The former name of loadJson (it no longer uses fetch): kept for the modules that import it. */
export const fetchJson = loadJson;

export function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return date.toLocaleString("zh-CN", { hour12: false });
  } catch {
    return date.toISOString();
  }
}

/**
 * Save a draft under key: make() gives what to keep (saved with savedAt) or null to remove the
 * draft. Without storage, or when it is full or forbidden, nothing happens: the form works
 * without drafts.
 */
export function storeDraft(key, make) {
  const store = storage();
  if (!store) return;
  try {
    const content = make();
    if (content === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), ...content }));
  } catch {
    // storage full or forbidden: the form works without drafts
  }
}

/** The draft saved under key, or null (none, no storage, or not JSON). */
export function loadDraft(key) {
  const store = storage();
  if (!store) return null;
  try {
    const text = store.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function dropDraft(key) {
  try {
    const store = storage();
    if (store) store.removeItem(key);
  } catch {
    // nothing to remove
  }
}

/** Offer a document as a JSON file to download. */
export function downloadJson(doc, name) {
  const blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/**
 * On every element of the page matching selector that has not started yet, create a form,
 * keep it as root[property] and start it; fail(form, error) when starting throws.
 */
export function startForms(selector, property, create, fail) {
  for (const root of document.querySelectorAll(selector)) {
    if (root.dataset.state) continue; // already started
    const form = create(root);
    root[property] = form;
    form.start().catch((error) => fail(form, error));
  }
}

/** Run init once the page is parsed (not at all outside a browser). */
export function whenReady(init) {
  if (typeof document === "undefined") return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}

const formCounts = new Map();   // id prefix → forms created

export class FormBase {
  /** idPrefix starts the ids of the form's elements: `${idPrefix}${index}-…`. */
  constructor(root, idPrefix) {
    this.root = root;
    this.idPrefix = idPrefix;
    this.index = formCounts.get(idPrefix) || 0;
    formCounts.set(idPrefix, this.index + 1);
    this.flash = [];            // import / example problems shown in the error box
    this.announcer = new Announcer();
  }

  id(suffix) {
    return `${this.idPrefix}${this.index}-${String(suffix).replace(/[^0-9A-Za-z_-]/g, "_")}`;
  }

  // ---- start ------------------------------------------------------------------------------

  showLoading(className, text) {
    this.root.dataset.state = "loading";
    this.root.setAttribute("aria-busy", "true");
    setChildren(this.root, h("p", { class: className, text }));
  }

  /** After render(): restore the draft, check once and say the form is ready. */
  showReady() {
    this.restoreDraft();
    this.update({ save: false });
    this.root.append(this.announcer.el);
    this.root.removeAttribute("aria-busy");
    this.root.dataset.state = "ready";
    watchScrollRegions();
    markScrollRegions(this.root);
  }

  /** Read the form's summary (the total, what is missing) to screen readers, politely. */
  announce(prefix = "") {
    const summary = typeof this.summary === "function" ? this.summary() : "";
    this.announcer.say(`${prefix}${summary}`);
  }

  // ---- toolbar and boxes ------------------------------------------------------------------

  /**
   * The toolbar, with the hidden file input of import; makes this.importInput and the boxes
   * this.draftNotice, this.messageBox and this.errorBox. Class names are `${block}__toolbar` and so
   * on; titles holds the tooltips of export, import and example; fileAttrs more attributes of
   * the file input.
   */
  renderToolbar(block, titles, fileAttrs = {}) {
    this.importInput = h("input", { type: "file", accept: ".json,application/json", "data-import-input": "",
      class: `${block}__file`, ...fileAttrs, tabindex: "-1", "aria-hidden": "true" });
    this.importInput.addEventListener("change", () => {
      const file = this.importInput.files && this.importInput.files[0];
      if (file) this.importFile(file).finally(() => { this.importInput.value = ""; });
    });
    const button = (action, text, title) => h("button", {
      type: "button", class: `md-button wsas-button wsas-button--${action}`, "data-action": action, title,
    }, text);
    this.draftNotice = h("div", { class: `${block}__notice`, "data-draft-notice": "", role: "status", hidden: true });
    this.messageBox = h("div", { class: `${block}__message`, "data-message": "", role: "status", hidden: true });
    this.errorBox = h("div", { class: `${block}__errors`, "data-errors": "", role: "alert", hidden: true });
    return h("div", { class: `${block}__toolbar`, role: "toolbar", "aria-label": "表单操作" },
      button("export", "导出 JSON", titles.export),
      button("import", "导入 JSON", titles.import),
      this.root.dataset.exampleUrl ? button("example", "载入示例", titles.example) : null,
      button("clear", "清空表单", "清除全部内容和本机草稿"),
      button("print", "打印", "打印或存为 PDF（A4）"),
      this.importInput);
  }

  /**
   * Edits, leaving a field and the [data-action] buttons of the root. The summary is announced on
   * change (a field left or a choice made), never on each keystroke.
   */
  listen() {
    const root = this.root;
    root.addEventListener("input", (event) => this.onEdit(event));
    root.addEventListener("change", (event) => {
      this.onEdit(event);
      if (event.target !== this.importInput) this.announce();
    });
    root.addEventListener("focusout", () => window.setTimeout(() => this.update({ save: false }), 0));
    root.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
      if (target && root.contains(target)) this.onAction(target, event);
    });
  }

  /** The error box: the flash (in a list of class flashClass), then parts; hidden when empty. */
  showErrorBox(flashClass, parts) {
    const children = parts.filter(Boolean);
    if (this.flash.length) {
      children.unshift(h("ul", { class: flashClass },
        this.flash.map((e) => h("li", { title: e.messageEn || null, text: e.message }))));
    }
    setChildren(this.errorBox, children);
    this.errorBox.hidden = children.length === 0;
  }

  message(text, { kind = "info", details = [] } = {}) {
    setChildren(this.messageBox, h("p", { text }),
      details.length ? h("ul", {}, details.map((d) => h("li", { title: d.messageEn || null, text: d.message }))) : null);
    this.messageBox.dataset.kind = kind;
    this.messageBox.hidden = !text;
  }

  clearFlash() {
    if (this.flash.length) this.flash = [];
  }

  /** Show why a file was not taken; the form stays as it was. */
  refuse(message, messageEn) {
    this.flash = [{ message, messageEn }];
    this.message("");
    this.update({ save: false });
    this.errorBox.scrollIntoView({ block: "nearest" });
  }

  // ---- drafts -----------------------------------------------------------------------------

  showDraftRestored(savedAt) {
    setChildren(this.draftNotice,
      `已恢复草稿（保存于 ${formatTime(savedAt)}）。草稿只保存在本机浏览器中；如需重新填写，请点「清空表单」。`);
    this.draftNotice.hidden = false;
  }

  removeDraft() {
    dropDraft(this.draftKey());
  }

  // ---- buttons ----------------------------------------------------------------------------

  /**
   * Read a file as `wsas validate` and the batch page read it (batch-read.mjs readDocument: UTF-8
   * only, no duplicate keys, NaN or nesting beyond 64 levels), so that the form only ever loads what
   * the command line would; a file it refuses goes to refuseNotJson(file, text, error).
   */
  async importFile(file) {
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      this.refuse(`无法读取文件「${file.name}」：${error.message || error}`, `cannot read ${file.name}`);
      return;
    }
    const read = readDocument(bytes);
    if (read.error) {
      this.refuseNotJson(file, new TextDecoder().decode(bytes).replace(/^\uFEFF/, ""), read.error);
      return;
    }
    this.loadDocument(read.document, { source: `「${file.name}」`, verb: "导入" });
  }

  async loadExample() {
    const url = this.root.dataset.exampleUrl;
    if (!url) return;
    let doc;
    try {
      doc = await loadJson(url);
    } catch (error) {
      this.refuse(`示例载入失败：${error.message || error}`, `the example could not be loaded: ${error}`);
      return;
    }
    this.loadDocument(doc, { source: `示例「${decodeURIComponent(url.split("/").pop() || url)}」`, verb: "载入" });
  }

  /**
   * Export for the record forms: check, ask before exporting a record that `command` would refuse,
   * then download build() under fileName(record). The file's name, or null when the user declined.
   */
  exportRecord(command, build, fileName) {
    this.update({ save: false });
    if (!this.valid && !window.confirm(
      `本表尚有 ${this.problemCount.textContent} 处需要填写或更正，导出的文件不能通过检查（${command}）。仍要导出吗？`)) {
      return null;
    }
    const record = build();
    const name = fileName(record);
    downloadJson(record, name);
    return name;
  }

  /**
   * Import for the record forms: refusal (why the document is not such a record, or null) leaves
   * the form as it was; otherwise take() writes the state, the form is checked and the draft kept,
   * and the message says whether the record fits (`fits`, in words) or how much is left.
   */
  takeRecord(refusal, { source, verb }, take, fits) {
    if (refusal) {
      this.refuse(`${source}${refusal.message}，未${verb}；当前填写内容未改动。`, refusal.messageEn);
      return;
    }
    this.flash = [];
    const details = take();
    this.draftNotice.hidden = true;
    this.update({ save: true });
    this.message(this.valid ? `已${verb}${source}：${fits}。`
      : `已${verb}${source}，尚有 ${this.problemCount.textContent} 处需要填写或更正，已在对应栏目旁标出。`,
    { kind: details.length || !this.valid ? "warning" : "success", details });
  }

  clearForm() {
    if (!window.confirm("确定清空本表的全部内容吗？本机保存的草稿也会一并删除。")) return;
    this.writeState(this.blankState());
    this.removeDraft();
    this.flash = [];
    this.draftNotice.hidden = true;
    this.message("");
    this.update({ save: false });
    this.announce("已清空表单。");
  }
}
