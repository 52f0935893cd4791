// What a dropped workbook really is, before its sheets are read (tools/wsas/xlsx/opening.py
// check_container): a legacy .xls or an encrypted workbook (OLE2 compound files), a CSV or web
// page renamed to .xlsx, a truncated download, an .ods or .docx — each gets the code and the words
// `wsas xlsx import` gives. An .xlsx that passes is a ZIP archive whose members are read here:
// the central directory as Python's zipfile reads it, every member inflated (fflate) and its
// CRC-32 checked, as zipfile.testzip does. Zip64 archives are not read (templates are small).
// Messages quoting a Python exception (a damaged archive) say the same thing in other words.

import { inflateSync } from "fflate";

export const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
export const MAX_UNPACKED = 256 * 1024 * 1024;
export const SAVE_AS = "请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后再导入";
export const SAVE_AS_EN = "save it as .xlsx (Excel workbook) and import that";

/** A problem with the file as a whole (errors.file_error). */
export const fileError = (code, message, messageEn) => ({ code, message, messageEn });

const startsWith = (bytes, prefix) => prefix.every((byte, index) => bytes[index] === byte);

function contains(bytes, needle) {
  const first = needle[0];
  outer: for (let i = bytes.indexOf(first); i !== -1 && i <= bytes.length - needle.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const utf16le = (text) => [...text].flatMap((char) => [char.charCodeAt(0) & 0xff, char.charCodeAt(0) >> 8]);

function ole2Error(bytes) {
  const has = (name) => contains(bytes, utf16le(name));
  if (has("EncryptedPackage") || has("EncryptionInfo")) {
    return fileError("encrypted", "工作簿设置了打开密码（已加密），无法读取：请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → " +
      "用密码进行加密，清空密码）后另存为 .xlsx",
    "the workbook is encrypted (password to open): remove the password and save it as .xlsx");
  }
  if (has("Workbook") || has("Book")) {
    return fileError("legacy-xls", `这是旧版 Excel 97-2003 工作簿（.xls），不是 .xlsx：${SAVE_AS}`,
      `this is a legacy Excel 97-2003 workbook (.xls), not .xlsx: ${SAVE_AS_EN}`);
  }
  return fileError("not-xlsx", `这是旧版 Office 复合文档（OLE2），不是 .xlsx 工作簿：${SAVE_AS}`,
    `this is a legacy Office compound file (OLE2), not an .xlsx workbook: ${SAVE_AS_EN}`);
}

const PY_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

function notZipError(bytes) {
  if (!bytes.length) return fileError("not-xlsx", "文件是空的，不是 .xlsx 工作簿", "the file is empty, not an .xlsx workbook");
  const head = bytes.subarray(0, 4096);
  let start = 0;
  while (start < head.length && PY_WHITESPACE.has(head[start])) start++;
  const lead = new TextDecoder("latin1").decode(head.subarray(start, start + 16));
  let kind;
  let kindEn;
  if (lead.toLowerCase().startsWith("<!doctype html") || lead.toLowerCase().startsWith("<html")) {
    [kind, kindEn] = ["网页（HTML）", "a web page (HTML)"];
  } else if (lead.startsWith("<?xml")) {
    [kind, kindEn] = ["XML 文件（可能是 Excel 2003 XML 表格）", "an XML file (perhaps Excel 2003 XML)"];
  } else if (!head.includes(0)) {
    [kind, kindEn] = ["文本文件（例如 CSV，或改了扩展名的文件）", "a text file (e.g. CSV, or a renamed file)"];
  } else {
    [kind, kindEn] = ["无法识别的文件", "an unrecognised file"];
  }
  return fileError("not-xlsx", `不是 .xlsx 工作簿：文件内容是${kind}；${SAVE_AS}`,
    `not an .xlsx workbook: the content is ${kindEn}; ${SAVE_AS_EN}`);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A damaged archive, as zipfile raises it (the words differ from Python's exception texts). */
class BadZip extends Error {}

const u16 = (bytes, at) => bytes[at] | (bytes[at + 1] << 8);
const u32 = (bytes, at) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
const utf8 = new TextDecoder("utf-8");
const cp437ish = new TextDecoder("latin1");

/** The central directory (zipfile._EndRecData + ZipFile._RealGetContents): [{name, method, crc, size, packed, offset}]. */
function centralDirectory(bytes) {
  const floor = Math.max(0, bytes.length - 22 - 65535);
  let end = -1;
  for (let at = bytes.length - 22; at >= floor; at--) {
    if (bytes[at] === 0x50 && bytes[at + 1] === 0x4b && bytes[at + 2] === 0x05 && bytes[at + 3] === 0x06) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new BadZip("File is not a zip file");
  const count = u16(bytes, end + 10);
  const size = u32(bytes, end + 12);
  const offset = u32(bytes, end + 16);
  const concat = end - size - offset; // bytes before the archive (zipfile allows a prefix)
  if (concat < 0 || count === 0xffff || offset === 0xffffffff) throw new BadZip("File is not a zip file");
  const entries = [];
  let at = offset + concat;
  while (at < end && entries.length < count) {
    if (u32(bytes, at) !== 0x02014b50) throw new BadZip("Bad magic number for central directory");
    const flags = u16(bytes, at + 8);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    const raw = bytes.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      name: (flags & 0x800 ? utf8 : cp437ish).decode(raw), flags, method: u16(bytes, at + 10), crc: u32(bytes, at + 16),
      packed: u32(bytes, at + 20), size: u32(bytes, at + 24), offset: u32(bytes, at + 42) + concat,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one member (ZipFile.open + read), its local header and CRC checked. */
function memberBytes(bytes, entry) {
  const at = entry.offset;
  if (at + 30 > bytes.length || u32(bytes, at) !== 0x04034b50) throw new BadZip("Bad magic number for file header");
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const packed = bytes.subarray(start, start + entry.packed);
  if (packed.length < entry.packed) throw new BadZip("truncated member data");
  if (entry.flags & 0x1) throw new BadZip(`File ${entry.name} is encrypted, password required for extraction`);
  let data;
  if (entry.method === 0) data = packed;
  else if (entry.method === 8) {
    try {
      data = inflateSync(packed, { out: new Uint8Array(entry.size) });
    } catch (error) {
      throw new BadZip(`Error while decompressing data: ${error.message}`);
    }
  } else throw new BadZip("compression method not supported");
  if (data.length !== entry.size) throw new BadZip(`Error while decompressing data: ${entry.name} has the wrong size`);
  return data;
}

/**
 * check_container: {error} when `bytes` cannot be an .xlsx workbook, else {archive} — an object whose
 * read(name) gives a member's bytes (undefined when absent) and whose names is the set of members.
 */
export function openArchive(bytes) {
  if (startsWith(bytes, OLE2)) return { error: ole2Error(bytes) };
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) return { error: notZipError(bytes) };
  let entries;
  let unpacked = 0;
  const contents = new Map();
  let damaged = null;
  try {
    entries = centralDirectory(bytes);
    unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);
    if (unpacked <= MAX_UNPACKED) {
      for (const entry of entries) { // testzip: the first member whose CRC fails
        const data = memberBytes(bytes, entry);
        if (crc32(data) !== entry.crc) {
          damaged = entry.name;
          break;
        }
        contents.set(entry.name, data);
      }
    }
  } catch (error) {
    if (!(error instanceof BadZip) && !(error instanceof RangeError)) throw error;
    return { error: fileError("corrupt", `文件已损坏（ZIP 结构无效：${error.message}），可能下载或复制不完整`,
      `the file is corrupted (invalid ZIP structure: ${error.message}); it may be truncated`) };
  }
  if (unpacked > MAX_UNPACKED) {
    return { error: fileError("too-large", "工作簿解压后过大（超过 256 MiB），不是本工具生成的评估表",
      "the workbook unpacks to more than 256 MiB; not a WSAS template") };
  }
  if (damaged) {
    return { error: fileError("corrupt", `文件已损坏（压缩包内 ${damaged} 校验失败），可能下载或复制不完整`,
      `the file is corrupted (member ${damaged} fails its CRC check)`) };
  }
  const names = new Set(entries.map((entry) => entry.name));
  if (!names.has("xl/workbook.xml")) {
    let what;
    let whatEn;
    if (names.has("content.xml") || names.has("mimetype")) [what, whatEn] = ["OpenDocument 文件（如 .ods）", "an OpenDocument file (e.g. .ods)"];
    else if (names.has("word/document.xml")) [what, whatEn] = ["Word 文档（.docx）", "a Word document (.docx)"];
    else [what, whatEn] = ["ZIP 压缩包", "a ZIP archive"];
    return { error: fileError("not-xlsx", `不是 .xlsx 工作簿：文件是${what}；${SAVE_AS}`,
      `not an .xlsx workbook: the file is ${whatEn}; ${SAVE_AS_EN}`) };
  }
  return { archive: { names, read: (name) => contents.get(name) } };
}
