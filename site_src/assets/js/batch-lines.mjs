// Where the batch page's records come from, as tools/wsas/sources.py reads them: a .json file is
// one document; a .jsonl (.ndjson) file is one document per line, read as a stream so that a
// 100 MB file is never in memory whole. A BOM is dropped at the start of the file only; a line's
// trailing CRs are not part of it; blank lines are skipped; a line over 16 MiB, a file with no
// record and a file that cannot be read become records carrying an error, so the batch goes on.
//
//   for await (const { records, bytes } of fileRecords(file, "2020Q2/a.jsonl")) …
//
// Each record is {file, line, text} (a decoded line), {file, line: null, bytes} (a whole document)
// or {file, line, error}. A pure module over Blob / ReadableStream: the worker and node tests use it.

import { MAX_BYTES, decodeStrict, readError } from "./batch-read.mjs";

export const LINE_SUFFIXES = [".jsonl", ".ndjson"];
export const DOCUMENT_SUFFIXES = [".json"];
export const WORKBOOK_SUFFIXES = [".xlsx"];
const MIB = MAX_BYTES / (1024 * 1024);

export const isLines = (name) => LINE_SUFFIXES.some((suffix) => name.toLowerCase().endsWith(suffix));
export const isWorkbook = (name) => WORKBOOK_SUFFIXES.some((suffix) => name.toLowerCase().endsWith(suffix));

/** Whether a file found in a dropped or picked folder is read (sources._walk: .json/.jsonl/.ndjson, no dot files). */
export function wantedInFolder(path, workbooks = true) {
  const name = path.split("/").pop();
  if (name.startsWith(".")) return false;
  const lower = name.toLowerCase();
  return [...LINE_SUFFIXES, ...DOCUMENT_SUFFIXES, ...(workbooks ? WORKBOOK_SUFFIXES : [])].some((s) => lower.endsWith(s));
}

const BLANK = /^[ \t\n\r\x0b\x0c]*$/;
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isBom(bytes, at = 0) {
  return bytes.length >= at + 3 && bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
}

function blankBytes(bytes) {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && !(b >= 0x09 && b <= 0x0d)) return false;
  }
  return true;
}

function withoutTrailingCr(bytes) {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x0d) end--;
  return bytes.subarray(0, end);
}

function concat(parts, length) {
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

export function bomError(file, line) {
  return { file, line, error: readError("syntax", "行首有 BOM（只允许出现在文件开头）",
    "byte order mark at the start of a line (allowed only at the start of the file)", { line, column: 1 }) };
}

/**
 * Splits the bytes of a JSON Lines file into records, chunk by chunk (sources._segments_of):
 * push(chunk) and end() return the records completed so far.
 */
export class LineSplitter {
  constructor(file) {
    this.file = file;
    this.number = 0;
    this.parts = [];
    this.length = 0;
    this.skipping = 0;     // bytes of an over-long line dropped so far (0: not skipping)
    this.anything = false;
  }

  push(chunk) {
    const out = [];
    let start = 0;
    if (this.length || this.skipping) {
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        this.carry(chunk);
        return out;
      }
      this.carry(chunk.subarray(0, nl));
      this.finishCarried(out);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last >= start) {
      this.block(chunk.subarray(start, last), out);
      start = last + 1;
    }
    if (start < chunk.length) this.carry(chunk.subarray(start));
    return out;
  }

  end() {
    const out = [];
    if (this.length || this.skipping) this.finishCarried(out);
    if (!this.anything) {
      out.push({ file: this.file, line: null,
        error: readError("empty", "文件中没有任何记录（空文件）", "the file holds no records (empty)") });
    }
    return out;
  }

  /** Bytes of a line not yet complete; over the limit, only their count is kept. */
  carry(bytes) {
    if (this.skipping) {
      this.skipping += bytes.length;
      return;
    }
    this.parts.push(bytes.slice());
    this.length += bytes.length;
    if (this.length > MAX_BYTES) { // over the limit: drop what we hold and skip to the end of the line
      this.skipping = this.length;
      this.parts = [];
      this.length = 0;
    }
  }

  finishCarried(out) {
    if (this.skipping) {
      this.number++;
      this.anything = true;
      out.push(this.tooLarge(this.number));
      this.skipping = 0;
      return;
    }
    const bytes = concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    this.lineBytes(bytes, out);
  }

  tooLarge(line) {
    return { file: this.file, line, error: readError("too-large", `该行超过 ${MIB} MiB 上限`,
      `line exceeds the ${MIB} MiB limit`) };
  }

  /** Complete lines (the newlines between them, not after the last), decoded at once when they can be. */
  block(bytes, out) {
    let from = 0;
    if (this.number === 0) { // the first line: its BOM, if any, is the file's
      const nl = bytes.indexOf(0x0a);
      const first = nl === -1 ? bytes : bytes.subarray(0, nl);
      this.lineBytes(first, out);
      if (nl === -1) return;
      from = nl + 1;
    }
    const rest = bytes.subarray(from);
    let text;
    try {
      text = rest.length > MAX_BYTES ? null : decoder.decode(rest);
    } catch {
      text = null;
    }
    if (text === null) {
      let at = 0;
      while (at <= rest.length) {
        const nl = rest.indexOf(0x0a, at);
        const end = nl === -1 ? rest.length : nl;
        this.lineBytes(rest.subarray(at, end), out);
        if (nl === -1) break;
        at = nl + 1;
      }
      return;
    }
    let at = 0;
    for (;;) {
      const nl = text.indexOf("\n", at);
      const line = nl === -1 ? text.slice(at) : text.slice(at, nl);
      this.lineText(line, out);
      if (nl === -1) break;
      at = nl + 1;
    }
  }

  lineText(line, out) {
    const number = ++this.number;
    let end = line.length;
    while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
    const text = end === line.length ? line : line.slice(0, end);
    if (BLANK.test(text)) return;
    this.anything = true;
    if (text.charCodeAt(0) === 0xfeff) out.push(bomError(this.file, number));
    else out.push({ file: this.file, line: number, text });
  }

  lineBytes(raw, out) {
    const number = ++this.number;
    let bytes = raw;
    if (number === 1 && isBom(bytes)) bytes = bytes.subarray(3);
    if (bytes.length > MAX_BYTES) {
      this.anything = true;
      out.push(this.tooLarge(number));
      return;
    }
    const data = withoutTrailingCr(bytes);
    if (blankBytes(data)) return;
    this.anything = true;
    if (isBom(data)) {
      out.push(bomError(this.file, number));
      return;
    }
    const decoded = decodeStrict(data);
    if (decoded.error) out.push({ file: this.file, line: number, error: { ...decoded.error, line: number } });
    else out.push({ file: this.file, line: number, text: decoded.text });
  }
}

function unreadable(file, reason, interrupted = false) {
  const why = String(reason && reason.message ? reason.message : reason);
  return { file, line: null, error: interrupted
    ? readError("unreadable", `读取中断：${why}`, `read failed: ${why}`)
    : readError("unreadable", `无法读取：${why}`, `cannot read: ${why}`) };
}

/**
 * The records of one file (a Blob/File) named `name`, in batches: {records, bytes} where bytes is
 * how much of the file the batch stands for (for a progress bar).
 */
export async function* fileRecords(blob, name) {
  if (!isLines(name)) {
    if (blob.size > MAX_BYTES) {
      yield { records: [{ file: name, line: null, error: readError("too-large", `文件超过 ${MIB} MiB 上限`,
        `file exceeds the ${MIB} MiB limit`) }], bytes: blob.size };
      return;
    }
    let bytes;
    try {
      bytes = new Uint8Array(await blob.arrayBuffer());
    } catch (error) {
      yield { records: [unreadable(name, error)], bytes: blob.size };
      return;
    }
    yield { records: [{ file: name, line: null, bytes }], bytes: bytes.length };
    return;
  }
  const splitter = new LineSplitter(name);
  let reader;
  try {
    reader = blob.stream().getReader();
  } catch (error) {
    yield { records: [unreadable(name, error)], bytes: blob.size };
    return;
  }
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch (error) {
      yield { records: [unreadable(name, error, splitter.number > 0)], bytes: 0 };
      return;
    }
    if (step.done) break;
    yield { records: splitter.push(step.value), bytes: step.value.length };
  }
  yield { records: splitter.end(), bytes: 0 };
}
