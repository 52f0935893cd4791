// The handbook's batch page (批量校验, batch.html): `wsas validate` / `wsas score` for many files in
// the browser, for staff who will never install Python. Files and folders are dropped or picked;
// a Web Worker (batch-worker.mjs, bundled as assets/wsas-batch-worker.js, started from a Blob of its
// source and handed the schemas, rubrics and programs this page loads: offline-data.mjs, so that it
// runs from file:// too) reads, validates and scores them with the forms' validator and scorer while
// this page shows the progress, a summary
// like the command line's, every invalid record (filter, sort), the warnings of `wsas xlsx import`
// (a workbook showing other values than its result), the totals per subject, and
// offers the outputs as downloads (得分汇总 CSV, 评分结果 JSON Lines, 汇总 JSON, 错误清单 CSV),
// byte for byte what `wsas score --csv --jsonl --summary` writes. Nothing is uploaded.
//
// Markup (site_src/templates/batch.md.j2):
//   <div class="wsas-batch" data-worker-url data-schema-base data-rubrics='[urls]' data-programs='[urls]'>
// Hooks for tests: [data-batch-ready] once the data is loaded, [data-batch-files] / [data-batch-folder]
// inputs, [data-batch-drop], [data-batch-cancel], [data-batch-progress], [data-batch-done] and
// [data-batch-records] when a run ends, [data-batch-download=csv|jsonl|summary|errors], [data-batch-warnings]
// (the warnings' section, [data-table=warnings] its table).

import { h, setChildren, setText } from "./form-dom.mjs";
import { loadJson, whenReady } from "./form-common.mjs";
import { createWorker } from "./offline-data.mjs";
import { loadSchemas } from "./validator.mjs";
import { wantedInFolder } from "./batch-lines.mjs";
import { Summary, byCodePoint } from "./batch-write.mjs";

const PAGE_ROWS = 100;

// ---- gathering files ---------------------------------------------------------------------------------

/** Every file under a dropped directory entry (FileSystemDirectoryEntry), as [{blob, name, inFolder}]. */
async function filesUnder(entry) {
  if (entry.isFile) {
    const blob = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return [{ blob, name: entry.fullPath.replace(/^\//, ""), inFolder: true }];
  }
  const reader = entry.createReader();
  const found = [];
  for (;;) { // readEntries hands out a directory in pieces, until an empty one
    const entries = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!entries.length) break;
    for (const child of entries) found.push(...await filesUnder(child));
  }
  return found;
}

/** The files of a drop: files as given, folders walked. */
async function droppedFiles(transfer) {
  const entries = [...transfer.items].filter((item) => item.kind === "file")
    .map((item) => ({ item, entry: item.webkitGetAsEntry ? item.webkitGetAsEntry() : null }));
  const found = [];
  for (const { item, entry } of entries) {
    if (entry && entry.isDirectory) found.push(...await filesUnder(entry));
    else {
      const blob = item.getAsFile();
      if (blob) found.push({ blob, name: blob.name, inFolder: false });
    }
  }
  return found;
}

/** The files of a file input (a folder picker gives webkitRelativePath). */
function pickedFiles(input) {
  return [...input.files].map((blob) => blob.webkitRelativePath
    ? { blob, name: blob.webkitRelativePath, inFolder: true }
    : { blob, name: blob.name, inFolder: false });
}

/**
 * What a run reads, as `wsas score` would: files given one by one are read whatever their name;
 * in folders only .json / .jsonl / .ndjson and workbooks (.xlsx, imported as `wsas xlsx import`
 * imports them: batch-xlsx.mjs), no dot files.
 */
export function planFiles(files) {
  const read = [];
  let skipped = 0;
  for (const file of files) {
    if (file.inFolder && !wantedInFolder(file.name)) skipped++;
    else read.push(file);
  }
  read.sort((a, b) => byCodePoint(a.name, b.name));
  return { read, skipped };
}

const megabytes = (bytes) => (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

// ---- a table that filters, sorts and pages -------------------------------------------------------------

class Table {
  /** columns: [{key, label, numeric?}]; rowsText(row) → the text a filter searches. */
  constructor(name, columns, { codes = false } = {}) {
    this.name = name;
    this.columns = columns;
    this.rows = [];
    this.shown = [];
    this.page = 0;
    this.sortKey = null;
    this.sortUp = true;
    this.filter = "";
    this.code = "";
    this.dirty = true;
    this.filterInput = h("input", { type: "search", placeholder: "筛选（文件名、位置、说明…）", "data-table-filter": name,
      "aria-label": "筛选", oninput: () => { this.filter = this.filterInput.value.trim(); this.page = 0; this.refresh(); } });
    this.codeSelect = codes ? h("select", { "data-table-code": name, "aria-label": "错误代码",
      onchange: () => { this.code = this.codeSelect.value; this.page = 0; this.refresh(); } }, h("option", { value: "", text: "全部错误代码" })) : null;
    this.count = h("span", { class: "wsas-batch-count", "data-table-count": name });
    this.body = h("tbody");
    this.head = h("tr", {}, columns.map((column) => h("th", { scope: "col" },
      h("button", { type: "button", "data-sort": column.key, onclick: () => this.sortBy(column.key), text: column.label }))));
    this.pager = h("div", { class: "wsas-batch-pager" });
    this.element = h("div", { class: "wsas-batch-table", "data-table": name },
      h("div", { class: "wsas-batch-tools" }, this.filterInput, this.codeSelect, this.count),
      h("div", { class: "wsas-batch-scroll" }, h("table", {}, h("thead", {}, this.head), this.body)),
      this.pager);
  }

  add(rows) {
    for (const row of rows) this.rows.push(row);
    this.dirty = true;
  }

  clear() {
    this.rows = [];
    this.page = 0;
    this.dirty = true;
    if (this.codeSelect) setChildren(this.codeSelect, h("option", { value: "", text: "全部错误代码" }));
    this.refresh();
  }

  setCodes(codes) {
    if (!this.codeSelect) return;
    const chosen = this.codeSelect.value;
    setChildren(this.codeSelect, h("option", { value: "", text: "全部错误代码" }),
      codes.map((code) => h("option", { value: code, text: code, selected: code === chosen })));
    this.codeSelect.value = chosen;
  }

  sortBy(key) {
    if (this.sortKey === key) this.sortUp = !this.sortUp;
    else { this.sortKey = key; this.sortUp = true; }
    for (const button of this.head.querySelectorAll("button")) {
      button.setAttribute("aria-sort", button.dataset.sort === key ? (this.sortUp ? "ascending" : "descending") : "none");
    }
    this.dirty = true;
    this.refresh();
  }

  compute() {
    const needle = this.filter.toLowerCase();
    let rows = this.rows;
    if (this.code) rows = rows.filter((row) => row.code === this.code);
    if (needle) rows = rows.filter((row) => this.columns.some((c) => String(row[c.key] ?? "").toLowerCase().includes(needle)));
    if (this.sortKey) {
      const column = this.columns.find((c) => c.key === this.sortKey);
      const value = (row) => row[this.sortKey];
      const compare = column.numeric
        ? (a, b) => (Number(value(a) ?? -Infinity) - Number(value(b) ?? -Infinity))
        : (a, b) => byCodePoint(String(value(a) ?? ""), String(value(b) ?? ""));
      rows = rows.slice().sort((a, b) => (this.sortUp ? compare(a, b) : compare(b, a)));
    }
    this.shown = rows;
    this.dirty = false;
  }

  refresh() {
    this.compute();
    const pages = Math.max(1, Math.ceil(this.shown.length / PAGE_ROWS));
    this.page = Math.min(this.page, pages - 1);
    const start = this.page * PAGE_ROWS;
    setChildren(this.body, this.shown.slice(start, start + PAGE_ROWS).map((row) =>
      h("tr", {}, this.columns.map((c) => h("td", { class: c.numeric ? "wsas-num" : null, text: row[c.key] ?? "" })))));
    setText(this.count, this.shown.length === this.rows.length ? `共 ${this.rows.length} 行` : `${this.shown.length} / ${this.rows.length} 行`);
    setChildren(this.pager, pages > 1 ? [
      h("button", { type: "button", text: "上一页", disabled: this.page === 0, onclick: () => { this.page--; this.refresh(); } }),
      h("span", { text: ` 第 ${this.page + 1} / ${pages} 页 ` }),
      h("button", { type: "button", text: "下一页", disabled: this.page >= pages - 1, onclick: () => { this.page++; this.refresh(); } }),
    ] : []);
  }
}

// ---- the page --------------------------------------------------------------------------------------------

const ERROR_TABLE = [
  { key: "file", label: "文件" }, { key: "where", label: "行:列" }, { key: "pointer", label: "位置（JSON Pointer）" },
  { key: "code", label: "错误代码" }, { key: "message", label: "说明" },
];
const WARNING_TABLE = [
  { key: "file", label: "文件" }, { key: "at", label: "单元格" }, { key: "code", label: "提示代码" },
  { key: "message", label: "说明" },
];
const TOTALS_TABLE = [
  { key: "file", label: "文件" }, { key: "line", label: "行", numeric: true }, { key: "rubric", label: "评估表" },
  { key: "name", label: "被评估对象" }, { key: "code", label: "编码" }, { key: "region", label: "地区" },
  { key: "period", label: "评估期" }, { key: "total", label: "实得分", numeric: true },
  { key: "maximum", label: "应得分", numeric: true }, { key: "score", label: "得分", numeric: true },
  { key: "outcome", label: "结果" }, { key: "grade", label: "等级" }, { key: "vetoed", label: "否决项" },
];

/** What the worker checks with: the submission schemas, every rubric and program (as the page links them). */
async function batchData({ schemaBase, rubricUrls, programUrls }) {
  const [schemas, rubrics, programs] = await Promise.all([
    loadSchemas(schemaBase, ["submission.json", "defs.json"], loadJson),
    Promise.all(rubricUrls.map(loadJson)),
    Promise.all(programUrls.map(loadJson)),
  ]);
  return { schemas, rubrics, programs };
}

class BatchPage {
  constructor(root) {
    this.root = root;
    this.config = {
      schemaBase: new URL(root.dataset.schemaBase, document.baseURI).href,
      rubricUrls: JSON.parse(root.dataset.rubrics).map((url) => new URL(url, document.baseURI).href),
      programUrls: JSON.parse(root.dataset.programs).map((url) => new URL(url, document.baseURI).href),
    };
    this.workerUrl = new URL(root.dataset.workerUrl, document.baseURI).href;
    this.data = batchData(this.config); // loaded once, handed to every worker this page starts
    this.worker = null;
    this.workerLoaded = null;
    this.running = false;
    this.urls = [];
    this.build();
    this.startWorker();
  }

  build() {
    const input = (attrs) => h("input", { type: "file", multiple: true, hidden: true, ...attrs,
      onchange: (event) => { const files = pickedFiles(event.target); event.target.value = ""; this.run(files); } });
    this.filesInput = input({ accept: ".json,.jsonl,.ndjson,.xlsx", "data-batch-files": "" });
    this.folderInput = input({ webkitdirectory: true, "data-batch-folder": "" });
    // named by its own words (WCAG 2.5.3: the name contains the visible text); a button is pressed with Enter
    this.drop = h("div", { class: "wsas-batch-drop", "data-batch-drop": "", tabindex: "0", role: "button",
      onclick: () => this.filesInput.click(),
      onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); this.filesInput.click(); } },
      ondragover: (event) => { event.preventDefault(); this.drop.classList.add("wsas-batch-over"); },
      ondragleave: () => this.drop.classList.remove("wsas-batch-over"),
      ondrop: (event) => {
        event.preventDefault();
        this.drop.classList.remove("wsas-batch-over");
        droppedFiles(event.dataTransfer).then((files) => this.run(files), (error) => this.fail(error));
      } },
    h("strong", { text: "把填报文件或整个文件夹拖到这里" }),
    h("span", { text: "支持 .json（每个文件一份填报）和 .jsonl（每行一份填报）；文件只在本机浏览器中读取，不会上传。" }));
    this.status = h("p", { class: "wsas-batch-status", "data-batch-status": "", role: "status", text: "正在载入评估表数据…" });
    this.progress = h("progress", { "data-batch-progress": "", max: 1, value: 0, hidden: true, "aria-label": "进度" });
    this.cancelButton = h("button", { type: "button", class: "md-button", "data-batch-cancel": "", text: "取消", hidden: true,
      onclick: () => this.cancel() });
    this.notice = h("div", { class: "wsas-batch-notice", "data-batch-notice": "" });
    this.summary = h("div", { class: "wsas-batch-summary", "data-batch-summary": "", hidden: true });
    this.downloads = h("div", { class: "wsas-batch-downloads", "data-batch-downloads": "", hidden: true });
    this.errors = new Table("errors", ERROR_TABLE, { codes: true });
    this.totals = new Table("totals", TOTALS_TABLE);
    this.warnings = new Table("warnings", WARNING_TABLE);
    this.errorsSection = h("section", { hidden: true }, h("h2", { text: "无效记录" }), this.errors.element);
    this.warningsSection = h("section", { hidden: true, "data-batch-warnings": "" }, h("h2", { text: "提示（不影响校验和得分）" }),
      h("p", { text: "下列工作簿的公式单元格显示的值与评分结果不同，通常是表格没有重新计算（与 wsas xlsx import 的提示相同）。记录仍然有效，以评分结果为准。" }),
      this.warnings.element);
    this.totalsSection = h("section", { hidden: true }, h("h2", { text: "得分汇总（每份有效填报一行）" }), this.totals.element);
    setChildren(this.root,
      this.drop,
      h("div", { class: "wsas-batch-buttons" },
        h("button", { type: "button", class: "md-button md-button--primary", "data-batch-pick": "files", text: "选择文件",
          onclick: () => this.filesInput.click() }),
        h("button", { type: "button", class: "md-button", "data-batch-pick": "folder", text: "选择文件夹",
          onclick: () => this.folderInput.click() }),
        this.cancelButton, this.filesInput, this.folderInput),
      this.status, this.progress, this.notice, this.summary, this.downloads, this.errorsSection, this.warningsSection,
      this.totalsSection);
  }

  startWorker() {
    this.root.removeAttribute("data-batch-ready");
    const worker = createWorker(this.workerUrl);
    worker.onmessage = (event) => this.message(event.data);
    worker.onerror = (event) => this.fail(event.message || "worker error");
    this.worker = worker;
    this.workerLoaded = this.data.then((data) => worker.postMessage({ type: "load", ...data }));
    this.workerLoaded.catch((error) => this.fail(error));
  }

  /** Post to the current worker once it has its data (a run never reaches a worker before its data). */
  post(message) {
    const worker = this.worker;
    this.workerLoaded.then(() => worker.postMessage(message), () => {});
  }

  message(data) {
    switch (data.type) {
      case "ready":
        this.root.setAttribute("data-batch-ready", "");
        if (!this.running && !this.started) setText(this.status, "可以开始：拖入或选择文件。");
        break;
      case "failed": this.fail(data.message); break;
      case "progress": this.showProgress(data); break;
      case "invalid": this.addInvalid(data.outcomes); break;
      case "scored": this.totals.add(data.rows); this.scheduleRefresh(); break;
      case "warnings": this.addWarnings(data.outcomes); break;
      case "done": this.finish(data); break;
      default: break;
    }
  }

  reset() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
    this.root.removeAttribute("data-batch-done");
    this.root.removeAttribute("data-batch-records");
    this.root.removeAttribute("data-batch-cancelled");
    this.summary.hidden = true;
    this.downloads.hidden = true;
    setChildren(this.notice);
    this.errors.clear();
    this.totals.clear();
    this.warnings.clear();
    this.errorsSection.hidden = true;
    this.warningsSection.hidden = true;
    this.totalsSection.hidden = true;
    this.codes = new Set();
  }

  run(files) {
    if (this.running) this.cancel(false);
    this.reset();
    const { read, skipped } = planFiles(files);
    const notes = [];
    if (skipped) notes.push(h("p", { text: `文件夹中另有 ${skipped} 个文件不是 .json / .jsonl / .xlsx，未读取。` }));
    setChildren(this.notice, notes);
    if (!read.length) {
      setText(this.status, "没有找到任何 .json、.jsonl 或 .xlsx 文件。");
      return;
    }
    this.total = read.reduce((sum, file) => sum + file.blob.size, 0);
    this.running = true;
    this.started = true;
    this.progress.hidden = false;
    this.progress.max = Math.max(1, this.total);
    this.progress.value = 0;
    this.cancelButton.hidden = false;
    setText(this.status, `正在处理 ${read.length} 个文件（${megabytes(this.total)} MB）…`);
    this.post({ type: "run", files: read.map(({ blob, name }) => ({ blob, name })) });
  }

  showProgress({ bytes, total, records }) {
    this.progress.value = bytes;
    this.progress.setAttribute("data-records", records);
    setText(this.status, `已处理 ${records} 条记录，${megabytes(bytes)} / ${megabytes(total)} MB`);
  }

  addInvalid(outcomes) {
    const rows = [];
    for (const outcome of outcomes) {
      for (const error of outcome.errors) {
        this.codes.add(error.code);
        const where = error.line === null || error.line === undefined ? "" : error.column ? `${error.line}:${error.column}` : String(error.line);
        rows.push({ file: outcome.file, where, pointer: error.pointer, code: error.code, message: error.message });
      }
    }
    this.errors.add(rows);
    this.errors.setCodes([...this.codes].sort(byCodePoint));
    this.errorsSection.hidden = false;
    this.scheduleRefresh();
  }

  addWarnings(outcomes) {
    this.warnings.add(outcomes.flatMap((outcome) => outcome.warnings.map((warning) => ({
      file: outcome.file, at: warning.at || "", code: warning.code, message: warning.message }))));
    this.scheduleRefresh();
  }

  /** Tables redraw at most a few times a second while a run streams rows in. */
  scheduleRefresh() {
    if (this.refreshing) return;
    this.refreshing = setTimeout(() => {
      this.refreshing = null;
      if (this.errors.dirty) this.errors.refresh();
      if (this.warnings.dirty) {
        this.warnings.refresh();
        this.warningsSection.hidden = this.warnings.rows.length === 0;
      }
      if (this.totals.dirty) {
        this.totals.refresh();
        this.totalsSection.hidden = this.totals.rows.length === 0;
      }
    }, 250);
  }

  cancel(say = true) {
    if (!this.running) return;
    this.worker.terminate();
    this.running = false;
    this.cancelButton.hidden = true;
    this.root.setAttribute("data-batch-cancelled", "");
    if (say) setText(this.status, `已取消：${this.progress.getAttribute("data-records") || 0} 条记录已处理，结果不完整，不提供下载。`);
    this.startWorker();
  }

  finish(data) {
    this.running = false;
    this.cancelButton.hidden = true;
    this.progress.value = this.progress.max;
    const summary = Summary.fromData(data.summary);
    setText(this.status, `完成：共 ${summary.total} 条记录，有效 ${summary.valid}，无效 ${summary.invalid}。`);
    this.showSummary(summary, data.summaryText);
    this.offer([
      ["csv", "得分汇总.csv", data.csv, "得分汇总 CSV（与 wsas score --csv 相同）"],
      ["jsonl", "评分结果.jsonl", data.jsonl, "评分结果 JSON Lines（与 wsas score --jsonl 相同）"],
      ["summary", "汇总.json", new Blob([data.summaryJson], { type: "application/json" }), "汇总 JSON（与 --summary 相同）"],
      ["errors", "错误清单.csv", data.errorsCsv, "错误清单 CSV"],
    ]);
    this.errors.refresh();
    this.totals.refresh();
    this.warnings.refresh();
    this.errorsSection.hidden = this.errors.rows.length === 0;
    this.warningsSection.hidden = this.warnings.rows.length === 0;
    this.totalsSection.hidden = this.totals.rows.length === 0;
    this.root.setAttribute("data-batch-records", String(summary.total));
    this.root.setAttribute("data-batch-done", "");
  }

  showSummary(summary, text) {
    const data = summary.asDict();
    const rubrics = Object.entries(data.byRubric);
    const codes = Object.entries(data.invalidByCode);
    setChildren(this.summary,
      h("p", { class: "wsas-batch-totals", "data-summary-total": summary.total, "data-summary-valid": summary.valid,
        "data-summary-invalid": summary.invalid },
      h("strong", { text: `合计 ${summary.total} 条` }), `：有效 ${summary.valid} 条，无效 ${summary.invalid} 条`),
      h("table", { "data-summary-rubrics": "" }, h("thead", {}, h("tr", {}, h("th", { text: "评估表" }), h("th", { text: "记录" }), h("th", { text: "无效" }))),
        h("tbody", {}, rubrics.map(([rubric, counts]) => h("tr", { "data-rubric": rubric },
          h("td", { text: rubric }), h("td", { class: "wsas-num", text: counts.records }), h("td", { class: "wsas-num", text: counts.invalid }))))),
      codes.length ? h("table", { "data-summary-codes": "" }, h("thead", {}, h("tr", {}, h("th", { text: "错误代码" }), h("th", { text: "无效记录（每条记录每类计一次）" }))),
        h("tbody", {}, codes.map(([code, count]) => h("tr", { "data-code": code }, h("td", {}, h("code", { text: code })), h("td", { class: "wsas-num", text: count })))))
        : h("p", { text: "没有无效记录。" }),
      h("details", {}, h("summary", { text: "命令行格式的汇总" }), h("pre", { "data-summary-text": "", text })));
    this.summary.hidden = false;
  }

  offer(files) {
    setChildren(this.downloads, h("span", { text: "下载：" }), files.map(([key, name, blob, label]) => {
      const url = URL.createObjectURL(blob);
      this.urls.push(url);
      return h("a", { class: "md-button", href: url, download: name, "data-batch-download": key, title: label, text: label });
    }));
    this.downloads.hidden = false;
  }

  fail(error) {
    this.running = false;
    this.cancelButton.hidden = true;
    setText(this.status, `出错：${error && error.message ? error.message : error}`);
    this.status.classList.add("wsas-batch-failed");
  }
}

whenReady(() => {
  for (const root of document.querySelectorAll(".wsas-batch")) {
    if (!root.wsasBatch) root.wsasBatch = new BatchPage(root);
  }
});
