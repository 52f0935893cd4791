// A filled .xlsx template on the batch page, imported as `wsas xlsx import` imports it
// (tools/wsas/xlsx/importing.py, structure.py): the file checked (batch-xlsx-zip.mjs), the hidden
// _wsas manifest recomputed from the published rubric and compared (fingerprint included), the
// headings and criterion ids found where the layout puts them, every formula cell still the
// template's, the input cells read (batch-xlsx-cells.mjs) and the submission validated by the
// batch checker, each error mapped back to its cell (`评估表!H12`). The same codes, cells and
// pointers as the command line; messages alike, except where Python quotes its own exception
// (a damaged file: code "corrupt", other words).
//
// A workbook that imports becomes one batch record: the submission JSON `wsas xlsx import` writes,
// checked and scored like a .json file, with the workbook's name as its file (so its CSV row and
// result line are those of `wsas xlsx import` + `wsas score` of the submission written).
//
//   const outcome = await workbookOutcome(blob, "2020Q2/haizhou.xlsx", checker);  // for BatchRun.outcome

import { criteriaById, checkResponse, fmt, num } from "./scorer.mjs";
import { MAX_BYTES, readTextFast } from "./batch-read.mjs";
import { openArchive } from "./batch-xlsx-zip.mjs";
import { pyStr, readBook } from "./batch-xlsx-sheets.mjs";
import { FIRST_ENTRY_ROW, FORMAT, HEADER_ROW, Layout, MANIFEST_SHEET, SHEET, fingerprint, manifestRows } from "./batch-xlsx-layout.mjs";
import { formulas } from "./batch-xlsx-formulas.mjs";
import { sameFormula } from "./batch-xlsx-formula.mjs";
import { cellError, errorAt, isFormula, places, pyRepr, readSubmission, submissionJson } from "./batch-xlsx-cells.mjs";

const REGENERATE = "请用 wsas xlsx template 重新生成模板并重新填写";
const REGENERATE_EN = "make a new template with `wsas xlsx template` and fill it in again";

const fileError = (code, message, messageEn) => ({ code, message, messageEn, pointer: "", sheet: null, cell: null, criterion: null });

/** _shown: a cell's content for a message (（空） when empty, at most 60 characters). */
function shown(value) {
  if (value === null || value === undefined) return "（空）";
  const chars = [...pyStr(value)];
  return chars.length <= 60 ? chars.join("") : chars.slice(0, 60).join("") + "…";
}

const reprOf = (value) => (value === null || value === undefined ? "None" : pyRepr(String(value)));

// ---- structure.py --------------------------------------------------------------------------------------

function readManifest(grid) {
  const found = grid.values(3).map((row) => row.map((value) => (value === null ? "" : pyStr(value))));
  while (found.length && !found[found.length - 1].some(Boolean)) found.pop();
  return found;
}

function lookup(stored, key) {
  for (const row of stored.slice(0, FIRST_ENTRY_ROW - 1)) if (row[0] === key) return row[1];
  return null;
}

function firstDifference(stored, expected) {
  for (let index = 0; index < Math.max(stored.length, expected.length); index++) {
    const left = stored[index] || ["", "", ""];
    const right = expected[index] || ["", "", ""];
    if (left.length !== right.length || left.some((value, i) => value !== right[i])) return index + 1;
  }
  return null;
}

/** check_manifest: {layout} of the rubric the workbook was made from, or {errors}. */
function checkManifest(book, rubrics) {
  if (!book.sheetnames.includes(MANIFEST_SHEET)) {
    return { errors: [fileError("not-a-template", `没有隐藏工作表 ${MANIFEST_SHEET}：不是由 wsas xlsx template 生成的评估表，或该工作表被删除；${REGENERATE}`,
      `no hidden sheet ${MANIFEST_SHEET}: not made by \`wsas xlsx template\`, or the sheet was deleted; ${REGENERATE_EN}`)] };
  }
  const stored = readManifest(book.sheet(MANIFEST_SHEET));
  const format = lookup(stored, "format");
  if (format !== FORMAT) {
    return { errors: [cellError("tampered", `清单格式应为 ${FORMAT}，实为「${shown(format)}」；${REGENERATE}`,
      `manifest format should be ${FORMAT}, found ${reprOf(format)}; ${REGENERATE_EN}`, MANIFEST_SHEET, "B2")] };
  }
  const rubricId = lookup(stored, "rubric");
  const version = lookup(stored, "rubricVersion");
  const rubric = rubrics.find((r) => r.id === (rubricId || ""));
  if (!rubric) {
    const known = rubrics.map((r) => r.id).sort().join("、");
    return { errors: [cellError("unknown-rubric", `工作簿由评估表「${shown(rubricId)}」的模板生成，它不是已发布的评估表（已发布：${known}）`,
      `the workbook was made from rubric ${reprOf(rubricId)}, which is not published (published: ${known})`, MANIFEST_SHEET, "B3", null, "/rubric")] };
  }
  if (version !== rubric.version) {
    return { errors: [cellError("unknown-version", `工作簿由 ${rubric.id} 版本 ${shown(version)} 的模板生成，已发布的版本为 ${rubric.version}；${REGENERATE}`,
      `the workbook was made from ${rubric.id} version ${version === null ? "None" : version}, the published version is ${rubric.version}; ` +
      REGENERATE_EN, MANIFEST_SHEET, "B4", null, "/rubricVersion")] };
  }
  const layout = new Layout(rubric);
  const storedPrint = lookup(stored, "fingerprint");
  if (storedPrint !== fingerprint(layout)) {
    return { errors: [cellError("tampered", `结构指纹不符（${shown(storedPrint)}）：模板不是由当前的 ${rubric.id} ${rubric.version} 生成，` +
      `或其结构被改动；${REGENERATE}`, `structure fingerprint mismatch: the template was not made from the current ${rubric.id} ` +
      `${rubric.version}, or its structure was changed; ${REGENERATE_EN}`, MANIFEST_SHEET, "B5")] };
  }
  const row = firstDifference(stored, manifestRows(layout));
  if (row !== null) {
    return { errors: [cellError("tampered", `隐藏工作表 ${MANIFEST_SHEET} 第 ${row} 行被改动；${REGENERATE}`,
      `row ${row} of the hidden sheet ${MANIFEST_SHEET} was changed; ${REGENERATE_EN}`, MANIFEST_SHEET, `A${row}`)] };
  }
  return { layout };
}

/** check_sheet: the first heading or criterion id that is not where the layout puts it. */
function checkSheet(book, layout) {
  if (!book.sheetnames.includes(SHEET)) {
    return [fileError("tampered", `没有工作表「${SHEET}」（被删除或改名）；${REGENERATE}`,
      `the sheet ${pyRepr(SHEET)} is missing (deleted or renamed); ${REGENERATE_EN}`)];
  }
  const sheet = book.sheet(SHEET);
  for (const column of layout.columns) {
    const found = sheet.cell(HEADER_ROW, column.index).value;
    if (found !== column.header) {
      return [cellError("tampered", `列标题应为「${column.header}」，实为「${shown(found)}」：列被插入、删除或移动；${REGENERATE}`,
        `the column heading should be ${pyRepr(column.header)}, found ${pyRepr(shown(found))}: columns were inserted, deleted or moved; ` +
        REGENERATE_EN, SHEET, `${column.letter}${HEADER_ROW}`)];
    }
  }
  const idColumn = layout.column("id");
  for (const row of layout.table) {
    const expected = row.criterion ? row.criterion.id : row.item.id;
    const found = sheet.cell(row.row, idColumn.index).value;
    if (found === null || pyStr(found) !== expected) {
      return [cellError("tampered", `此处应为细则 ${expected}，实为「${shown(found)}」：行被插入、删除或移动；${REGENERATE}`,
        `criterion ${expected} belongs here, found ${pyRepr(shown(found))}: rows were inserted, deleted or moved; ${REGENERATE_EN}`,
        SHEET, `${idColumn.letter}${row.row}`, row.criterion ? row.criterion.id : null)];
    }
  }
  for (const row of layout.summary) {
    if (row.kind !== "section" && row.kind !== "item") continue;
    const found = sheet.cell(row.row, 1).value;
    if (found === null || pyStr(found) !== row.node.id) {
      return [cellError("tampered", `汇总区此处应为${row.kind === "section" ? "分项" : "项目"} ${row.node.id}，实为「${shown(found)}」：` +
        `行被插入、删除或移动；${REGENERATE}`, `the summary row of ${row.kind} ${row.node.id} belongs here, found ${pyRepr(shown(found))}: ` +
        `rows were inserted, deleted or moved; ${REGENERATE_EN}`, SHEET, `A${row.row}`)];
    }
  }
  return [];
}

/** check_formulas: every formula cell that no longer holds the template's formula. */
function checkFormulas(book, layout) {
  const sheet = book.sheet(SHEET);
  const expected = formulas(layout);
  const errors = [];
  for (const [key, address] of layout.formulaCells) {
    const cell = sheet.at(address);
    const found = cell.value !== null && typeof cell.value === "object" && "formula" in cell.value ? cell.value.formula : cell.value;
    if (isFormula(cell) && sameFormula(found, expected.get(key))) continue;
    const criterion = key.startsWith("awarded:") || key.startsWith("deducted:") ? key.slice(key.indexOf(":") + 1) : null;
    const [what, whatEn] = isFormula(cell)
      ? [`公式被改动（实为 ${shown(found)}）`, `the formula was changed (found ${shown(found)})`]
      : [`公式被值「${shown(found)}」覆盖`, `the formula was overwritten with the value ${pyRepr(shown(found))}`];
    errors.push(cellError("formula-overwritten", `${what}：此格应由模板公式计算，不予采信；${REGENERATE}`,
      `${whatEn}: this cell must hold the template's formula and is not trusted; ${REGENERATE_EN}`, SHEET, address, criterion));
  }
  return errors;
}

// ---- importing.py --------------------------------------------------------------------------------------

/** map_errors: validation errors located in the workbook; errors on cells already reported are dropped. */
function mapErrors(errors, where, taken) {
  const found = [];
  for (const error of errors) {
    const place = where.cellOf(error.pointer);
    if (!place) {
      found.push({ ...fileError(error.code, error.message, error.messageEn), pointer: error.pointer });
      continue;
    }
    const [sheet, cell, criterion, label] = place;
    if (taken.has(`${sheet}!${cell}`)) continue;
    const message = label && !criterion ? `${label}：${error.message}` : error.message;
    const messageEn = label && !criterion ? `${label}: ${error.messageEn}` : error.messageEn;
    found.push(cellError(error.code, message, messageEn, sheet, cell, criterion, error.pointer));
  }
  return found;
}

/**
 * validation_errors: the checker's verdict on the submission (wsas.validate), plus the semantic errors of
 * the responses without schema errors, so a spreadsheet user sees every wrong cell at once.
 */
function validationErrors(outcome, text, rubric) {
  const errors = outcome.errors;
  if (!errors.some((error) => error.code === "schema")) return errors;
  const broken = new Set(errors.filter((e) => e.pointer.startsWith("/responses/")).map((e) => e.pointer.split("/")[2]));
  const { document } = readTextFast(text);
  const more = [];
  for (const [criterionId, placement] of criteriaById(rubric)) {
    const response = document.responses[criterionId];
    if (broken.has(criterionId) || response === undefined || response === null) continue;
    more.push(...checkResponse(response, placement.criterion, rubric, ["responses", criterionId]));
  }
  return [...errors, ...more.filter((e) => e.code !== "missing-response" && e.code !== "no-applicable-criteria")];
}

/** cached_differences: cells whose cached value (what the spreadsheet showed) differs from the reference result. */
function cachedDifferences(book, layout, result) {
  if (!book.sheetnames.includes(SHEET)) return [];
  const sheet = book.sheet(SHEET, true);
  const cells = new Map(layout.formulaCells);
  const expected = result.criteria.map((line) => [`awarded:${line.id}`, line.awarded, line.id]);
  for (const key of ["total", "notApplicablePoints", "notYetDuePoints", "maximum", "score"]) {
    if (key in result && cells.has(key)) expected.push([key, result[key], null]);
  }
  const found = [];
  for (const [key, want, criterion] of expected) {
    const cached = sheet.at(cells.get(key)).value;
    if (cached === null) continue; // never calculated (written by a program, not a spreadsheet)
    if ((typeof cached === "bigint" || typeof cached === "number") && num(pyStr(cached)).eq(num(want))) continue;
    found.push(cellError("cached-value-differs", `表内显示 ${pyStr(cached)}，评分结果为 ${fmt(want)}：以评分结果为准（表格可能没有重新计算）`,
      `the sheet shows ${pyStr(cached)}, the reference result is ${fmt(want)}: the result stands (the sheet may not have been recalculated)`,
      SHEET, cells.get(key), criterion));
  }
  return found;
}

const describe = (error) => `${error && error.name && error.name !== "Error" ? error.name : "Error"}: ${error && error.message}`;

function located(errors, file) {
  return errors.map((error) => ({ file, line: null, column: null, ...error, at: errorAt(error) || null }));
}

/**
 * import_workbook: {file, rubric (id or null), errors, warnings, submission (JSON text or null), outcome}, where
 * outcome is the checker's valid outcome of the submission (file: the workbook's name) when it imports.
 * `checker` is a BatchChecker (its rubrics and its check()).
 */
export function importWorkbook(bytes, name, checker) {
  const imported = { file: name, rubric: null, errors: [], warnings: [], submission: null, outcome: null };
  if (bytes.length > MAX_BYTES) { // reading.read_bytes
    return { ...imported, errors: located([fileError("too-large", `文件超过 ${MAX_BYTES / (1024 * 1024)} MiB 上限`,
      `file exceeds the ${MAX_BYTES / (1024 * 1024)} MiB limit`)], name) };
  }
  const opened = openArchive(bytes);
  if (opened.error) return { ...imported, errors: located([{ ...fileError("", "", ""), ...opened.error }], name) };
  let book;
  try {
    book = readBook(opened.archive);
    for (const sheet of [MANIFEST_SHEET, SHEET]) if (book.sheetnames.includes(sheet)) book.sheet(sheet);
  } catch (error) {
    return { ...imported, errors: located([fileError("corrupt", `工作簿无法读取（内容损坏：${describe(error)}）`,
      `the workbook cannot be read (damaged content: ${describe(error)})`)], name) };
  }
  try {
    return importOpened(book, name, checker, imported);
  } catch (error) { // damaged in a way no check foresaw: reported, never thrown
    return { ...imported, errors: located([fileError("corrupt", `工作簿内容无法按模板读取（${describe(error)}）`,
      `the workbook's content cannot be read as a template (${describe(error)})`)], name) };
  }
}

function importOpened(book, name, checker, imported) {
  const { layout, errors: manifestErrors } = checkManifest(book, checker.rubrics);
  if (!layout) return { ...imported, errors: located(manifestErrors, name) };
  const rubric = layout.rubric;
  const sheetErrors = checkSheet(book, layout);
  if (sheetErrors.length) return { ...imported, rubric: rubric.id, errors: located(sheetErrors, name) };
  const errors = checkFormulas(book, layout);
  const { document, errors: unreadable } = readSubmission(book, layout);
  errors.push(...unreadable);
  const submission = submissionJson(document) + "\n";
  const outcome = checker.check({ file: name, line: null, bytes: new TextEncoder().encode(submission) });
  const taken = new Set(errors.filter((e) => e.cell).map(errorAt));
  errors.push(...mapErrors(validationErrors(outcome, submission, rubric), places(layout), taken));
  if (errors.length) return { ...imported, rubric: rubric.id, submission, errors: located(errors, name) };
  const warnings = located(cachedDifferences(book, layout, checker.score(outcome)), name);
  return { ...imported, rubric: rubric.id, submission, warnings, outcome };
}

/** The batch outcome of a workbook (BatchRun.outcome): the submission's checked outcome, or the import's errors. */
export async function workbookOutcome(blob, name, checker) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const imported = importWorkbook(bytes, name, checker);
  if (imported.outcome) return { ...imported.outcome, warnings: imported.warnings };
  return { file: name, line: null, rubric: imported.rubric, errors: imported.errors };
}
