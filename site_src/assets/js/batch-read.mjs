// Strict reading of one JSON document, as the Python reference reads it (tools/wsas/reading.py,
// spec/validation.md §5): UTF-8 only (the error names the offset of the first bad byte),
// no duplicate keys, no NaN / Infinity, at most 64 levels, no lone surrogates, and numbers
// taken exactly. Syntax errors carry the line and column Python's json module reports
// (column in characters), so that the browser and `wsas validate` point at the same place.
//
//   const read = readDocument(bytes);           // {document, exact} or {error}
//   const read = readText(text);                // the same from a decoded string
//
// `exact` lists the numbers a binary double cannot hold: [{path, value: Decimal}]. Their place in
// `document` holds the neighbouring double on the side of the exact value, so that every schema
// bound, step and tier compares as the exact decimal does; scoring puts the exact value back.
// A pure module (no DOM): the batch worker and node tests use it.

import { MAX_DEPTH, tooDeepError } from "./nesting.mjs";
import { D } from "./scorer.mjs";

export { MAX_DEPTH };
export const MAX_BYTES = 16 * 1024 * 1024;
const RECURSION_LIMIT = 900; // Python's json gives up (RecursionError → too-deep) near 1000 levels
const INT_MAX_DIGITS = 4300; // Python's int() refuses longer digit strings
const MAX_EMAX = 999999999999999999n; // Python's Decimal (mpdecimal): the largest adjusted exponent
const MIN_ETINY = -1999999999999999997n; // and the smallest exponent of the coefficient

/** Whether Python's Decimal(token) holds the number: its exponent in range (make fuzz found 1e99999999999999999999). */
function decimalHolds(token) {
  const [mantissa, written = "0"] = token.replace(/^-/, "").split(/[eE]/);
  const [whole, fraction = ""] = mantissa.split(".");
  const digits = BigInt((whole + fraction).replace(/^0+/, "").length || 1);
  const exponent = BigInt(written) - BigInt(fraction.length);
  return exponent + digits - 1n <= MAX_EMAX && exponent >= MIN_ETINY;
}
export const BOM = "\ufeff";

/** A read error as the Python reference makes it: {code, message, messageEn, pointer, line?, column?}. */
export function readError(code, message, messageEn, extra = {}) {
  return { code, message, messageEn, pointer: "", ...extra };
}

// ---- UTF-8 ------------------------------------------------------------------------------------

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Offset of the first byte of the first ill-formed UTF-8 sequence in bytes, or -1 (Python's exc.start). */
export function firstBadByte(bytes, from = 0, to = bytes.length) {
  let i = from;
  while (i < to) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      else if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      else if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= to) return i;
      const c = bytes[i + k];
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * UTF-8 text of `bytes` (a leading BOM dropped), or a read error `encoding` naming the offset of the
 * first bad byte and its line and column (bytes, 1-based), as Python's reading.decode.
 */
export function decodeStrict(bytes) {
  let data = bytes;
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
  try {
    return { text: fatal.decode(data) };
  } catch {
    const start = firstBadByte(data);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < start; i++) if (data[i] === 0x0a) { line++; lineStart = i + 1; }
    const hex = data[start].toString(16).padStart(2, "0");
    return {
      error: readError("encoding",
        `不是 UTF-8 编码（第 ${start} 字节处为 0x${hex}）；请另存为 UTF-8，例如 GBK 文件需转换`,
        `not UTF-8 (byte 0x${hex} at offset ${start}); save the file as UTF-8 (e.g. convert from GBK)`,
        { line, column: start - lineStart + 1 }),
    };
  }
}

// ---- JSON -------------------------------------------------------------------------------------

const REASONS = [
  ["Expecting value", "此处应为一个值"],
  ["Expecting property name enclosed in double quotes", "此处应为双引号括起的键名"],
  ["Expecting ',' delimiter", "缺少逗号"],
  ["Expecting ':' delimiter", "缺少冒号"],
  ["Unterminated string starting at", "字符串没有结束"],
  ["Extra data", "文档结束后还有多余内容"],
  ["Invalid control character at", "字符串中有非法控制字符"],
  ["Invalid \\escape", "非法转义"],
];

function reasonZh(message) {
  for (const [english, chinese] of REASONS) if (message.startsWith(english)) return chinese;
  return message;
}

/** Line and column (characters, not UTF-16 units) of index `pos` in `text`, as Python's JSONDecodeError. */
export function lineColumn(text, pos) {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < pos; i = text.indexOf("\n", i + 1)) { line++; start = i + 1; }
  let column = 1;
  for (let i = start; i < pos; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < pos) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    column++;
  }
  return { line, column };
}

class Failure extends Error {
  constructor(error) {
    super(error.messageEn);
    this.error = error;
  }
}

function syntaxAt(text, message, pos) {
  const { line, column } = lineColumn(text, pos);
  return new Failure(readError("syntax", `JSON 语法错误：${reasonZh(message)}`,
    `JSON syntax error: ${message}: line ${line} column ${column} (char ${pos})`, { line, column }));
}

const isWs = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const HEX = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = { "\"": "\"", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

// ---- exact numbers ----------------------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

/** The double next to `x` towards +∞ (up) or −∞. */
export function nextDouble(x, up) {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  let bits = scratch.getBigInt64(0);
  bits += (x > 0) === up ? 1n : -1n;
  scratch.setBigInt64(0, bits);
  return scratch.getFloat64(0);
}

/** Whether the number token `token` is the decimal of String(value) (cheap test first). */
function holdsExactly(token, value) {
  if (!Number.isFinite(value)) return false;
  let digits = 0;
  let plain = true;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x65 || c === 0x45) { plain = false; break; }
  }
  if (plain && digits <= 15) return true;
  return new D(token).eq(new D(String(value)));
}

/**
 * The JS number standing for the JSON number `token`: its double when that is the exact value,
 * else the neighbouring double on the side of the exact value (every comparison with a double
 * bound, and every step test on a short decimal, then comes out as for the exact value).
 */
function standIn(token, value) {
  const exact = new D(token);
  if (!Number.isFinite(value)) return { value: exact.isNegative() ? -Number.MAX_VALUE : Number.MAX_VALUE, exact };
  const near = new D(String(value));
  if (exact.eq(near)) return { value, exact: null };
  return { value: nextDouble(value, exact.gt(near)), exact };
}

function defineKey(object, key, value) {
  if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

// ---- the parser (Python's json C scanner, error for error) -------------------------------------

class Parser {
  constructor(text) {
    this.text = text;
    this.exact = [];
    this.path = [];
    this.depth = 0;
    this.maxDepth = 0;
  }

  ws(i) {
    const t = this.text;
    while (i < t.length && isWs(t.charCodeAt(i))) i++;
    return i;
  }

  /** [value, next index]; a missing value is Python's StopIteration: "Expecting value" at idx. */
  value(idx) {
    const t = this.text;
    if (idx >= t.length) throw syntaxAt(t, "Expecting value", idx);
    const c = t[idx];
    switch (c) {
      case "\"": return this.string(idx + 1);
      case "{": return this.nested(() => this.object(idx + 1));
      case "[": return this.nested(() => this.array(idx + 1));
      case "n": if (t.startsWith("null", idx)) return [null, idx + 4]; break;
      case "t": if (t.startsWith("true", idx)) return [true, idx + 4]; break;
      case "f": if (t.startsWith("false", idx)) return [false, idx + 5]; break;
      case "N": if (t.startsWith("NaN", idx)) throw badConstant("NaN"); break;
      case "I": if (t.startsWith("Infinity", idx)) throw badConstant("Infinity"); break;
      case "-": if (t.startsWith("-Infinity", idx)) throw badConstant("-Infinity"); break;
      default: break;
    }
    return this.number(idx);
  }

  nested(parse) {
    this.depth++;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
    if (this.depth > RECURSION_LIMIT) throw new Failure(tooDeepError());
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  number(start) {
    const t = this.text;
    let idx = start;
    const digit = (i) => i < t.length && t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39;
    if (t[idx] === "-") idx++;
    if (idx >= t.length) throw syntaxAt(t, "Expecting value", start);
    const first = t.charCodeAt(idx);
    if (first >= 0x31 && first <= 0x39) {
      idx++;
      while (digit(idx)) idx++;
    } else if (first === 0x30) {
      idx++;
    } else {
      throw syntaxAt(t, "Expecting value", start);
    }
    let isFloat = false;
    if (t[idx] === "." && digit(idx + 1)) {
      isFloat = true;
      idx += 2;
      while (digit(idx)) idx++;
    }
    if (t[idx] === "e" || t[idx] === "E") {
      const eStart = idx;
      idx++;
      if (t[idx] === "-" || t[idx] === "+") idx++;
      if (digit(idx)) {
        isFloat = true;
        while (digit(idx)) idx++;
      } else {
        idx = eStart;
      }
    }
    const token = t.slice(start, idx);
    if (!isFloat && token.replace("-", "").length > INT_MAX_DIGITS) {
      const count = token.replace("-", "").length;
      const why = `Exceeds the limit (${INT_MAX_DIGITS} digits) for integer string conversion: value has ${count} digits`;
      throw new Failure(readError("syntax", `无法解析的数值：${why}`, `unparseable number: ${why}`));
    }
    if (isFloat && !decimalHolds(token)) {
      const shown = token.length <= 40 ? token : `${token.slice(0, 37)}…`;
      throw new Failure(readError("syntax", `无法解析的数值：指数超出范围（${shown}）`,
        `unparseable number: exponent out of range (${shown})`));
    }
    const value = Number(token);
    if (holdsExactly(token, value)) return [value, idx];
    const stand = standIn(token, value);
    if (stand.exact) this.exact.push({ path: [...this.path], value: stand.exact });
    return [stand.value, idx];
  }

  string(end) {
    const t = this.text;
    const begin = end - 1;
    let out = "";
    let chunkStart = end;
    let i = end;
    for (;;) {
      if (i >= t.length) throw syntaxAt(t, "Unterminated string starting at", begin);
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        out += t.slice(chunkStart, i);
        return [out, i + 1];
      }
      if (c === 0x5c) {
        out += t.slice(chunkStart, i);
        let next = i + 1;
        if (next >= t.length) throw syntaxAt(t, "Unterminated string starting at", begin);
        const escape = t[next];
        if (escape !== "u") {
          const simple = SIMPLE_ESCAPES[escape];
          if (simple === undefined) throw syntaxAt(t, "Invalid \\escape", next - 1);
          out += simple;
          i = next + 1;
        } else {
          next++;
          let stop = next + 4;
          if (stop >= t.length) throw syntaxAt(t, "Invalid \\uXXXX escape", next - 1);
          const hex = t.slice(next, stop);
          if (!HEX.test(hex)) throw syntaxAt(t, "Invalid \\uXXXX escape", stop - 5);
          let code = parseInt(hex, 16);
          let text = String.fromCharCode(code);
          if (code >= 0xd800 && code <= 0xdbff && stop + 6 < t.length && t[stop] === "\\" && t[stop + 1] === "u") {
            const second = t.slice(stop + 2, stop + 6);
            if (!HEX.test(second)) throw syntaxAt(t, "Invalid \\uXXXX escape", stop + 1);
            const low = parseInt(second, 16);
            if (low >= 0xdc00 && low <= 0xdfff) {
              text += String.fromCharCode(low);
              stop += 6;
            }
          }
          out += text;
          i = stop;
        }
        chunkStart = i;
        continue;
      }
      if (c <= 0x1f) throw syntaxAt(t, "Invalid control character at", i);
      i++;
    }
  }

  object(start) {
    const t = this.text;
    const result = {};
    const seen = new Set();
    let duplicate = null;
    let idx = this.ws(start);
    if (idx >= t.length || t[idx] !== "}") {
      for (;;) {
        if (idx >= t.length || t[idx] !== "\"") {
          throw syntaxAt(t, "Expecting property name enclosed in double quotes", idx);
        }
        const [key, afterKey] = this.string(idx + 1);
        idx = this.ws(afterKey);
        if (idx >= t.length || t[idx] !== ":") throw syntaxAt(t, "Expecting ':' delimiter", idx);
        idx = this.ws(idx + 1);
        this.path.push(key);
        const [value, afterValue] = this.value(idx);
        this.path.pop();
        if (seen.has(key)) {
          if (duplicate === null) duplicate = key;
        } else {
          seen.add(key);
          defineKey(result, key, value);
        }
        idx = this.ws(afterValue);
        if (idx < t.length && t[idx] === "}") break;
        if (idx >= t.length || t[idx] !== ",") throw syntaxAt(t, "Expecting ',' delimiter", idx);
        idx = this.ws(idx + 1);
      }
    }
    if (duplicate !== null) {
      // Python's object_pairs_hook runs as the object closes: before any later syntax error
      throw new Failure(readError("duplicate-key", `重复的键「${duplicate}」`, `duplicate key ${pyRepr(duplicate)}`));
    }
    return [result, idx + 1];
  }

  array(start) {
    const t = this.text;
    const result = [];
    let idx = this.ws(start);
    if (idx >= t.length || t[idx] !== "]") {
      for (;;) {
        this.path.push(result.length);
        const [value, after] = this.value(idx);
        this.path.pop();
        result.push(value);
        idx = this.ws(after);
        if (idx < t.length && t[idx] === "]") break;
        if (idx >= t.length || t[idx] !== ",") throw syntaxAt(t, "Expecting ',' delimiter", idx);
        idx = this.ws(idx + 1);
      }
    }
    return [result, idx + 1];
  }
}

function badConstant(constant) {
  return new Failure(readError("syntax", `不允许 ${constant}（JSON 不含此值）`, `${constant} is not allowed (not valid JSON)`));
}

/** Python's repr() of a str, for the English duplicate-key message. */
function pyRepr(text) {
  const quote = text.includes("'") && !text.includes("\"") ? "\"" : "'";
  return quote + text.replace(/\\/g, "\\\\").replace(new RegExp(quote, "g"), "\\" + quote)
    .replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t") + quote;
}

// ---- after parsing: depth and lone surrogates, as Python checks them ------------------------------

const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function pointerOf(path) {
  return path.map((part) => "/" + String(part).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

function surrogateError(text, path) {
  const code = "\\u" + text.match(LONE)[0].charCodeAt(0).toString(16).padStart(4, "0");
  return readError("encoding", `字符串中有孤立的代理码位 ${code}（不是 Unicode 字符，无法以 UTF-8 写出）`,
    `lone surrogate ${code} in a string (not a Unicode character; cannot be written as UTF-8)`,
    { pointer: pointerOf(path) });
}

/** The first lone surrogate in Python's order (reading.check_surrogates: a stack, keys first), or null. */
function loneSurrogate(document) {
  const stack = [[document, []]];
  while (stack.length) {
    const [node, path] = stack.pop();
    if (Array.isArray(node)) {
      node.forEach((child, index) => stack.push([child, [...path, index]]));
    } else if (node && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        if (LONE.test(key)) return surrogateError(key, path);
        stack.push([child, [...path, key]]);
      }
    } else if (typeof node === "string" && LONE.test(node)) {
      return surrogateError(node, path);
    }
  }
  return null;
}

/** The checks Python makes once a text has parsed: nesting, then lone surrogates. */
function afterParse(text, document, depth) {
  if (depth > MAX_DEPTH) return tooDeepError();
  if (text.includes("\\u") && ESCAPED_SURROGATE.test(text)) return loneSurrogate(document);
  return null;
}

/**
 * One JSON document from its text, strictly (Python's reading.load_json_text):
 * {document, exact} or {error}.
 */
export function readText(text) {
  if (text.startsWith(BOM)) {
    const message = "Unexpected UTF-8 BOM (decode using utf-8-sig)";
    return { error: readError("syntax", `JSON 语法错误：${message}`, `JSON syntax error: ${message}: line 1 column 1 (char 0)`,
      { line: 1, column: 1 }) };
  }
  const parser = new Parser(text);
  try {
    const start = parser.ws(0);
    const [document, end] = parser.value(start);
    const rest = parser.ws(end);
    if (rest !== text.length) throw syntaxAt(text, "Extra data", rest);
    const error = afterParse(text, document, parser.maxDepth);
    if (error) return { error };
    return { document, exact: parser.exact };
  } catch (caught) {
    if (caught instanceof Failure) return { error: caught.error };
    throw caught;
  }
}

// ---- the quick way, for the common case ------------------------------------------------------------

const LONG_RUN = /[0-9.]{16}/;        // may be a number with more digits than a double keeps
const EXPONENT = /[0-9][eE][-+]?[0-9]/; // may be a number whose double is 0 or ∞
const KEY_END = /"[ \t\r\n]*:/g;

/** Keys of all objects and the depth of `value`, in one walk. */
function shape(value) {
  let keys = 0;
  let deepest = 0;
  const stack = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop();
    if (depth > deepest) deepest = depth;
    if (Array.isArray(node)) {
      for (const child of node) if (child && typeof child === "object") stack.push([child, depth + 1]);
    } else {
      for (const key in node) {
        keys++;
        const child = node[key];
        if (child && typeof child === "object") stack.push([child, depth + 1]);
      }
    }
  }
  return { keys, deepest };
}

function keyEnds(text) {
  if (!/"[ \t\r\n]/.test(text)) {
    let count = 0;
    for (let i = text.indexOf("\":"); i !== -1; i = text.indexOf("\":", i + 2)) count++;
    return count;
  }
  return (text.match(KEY_END) || []).length;
}

/**
 * readText, faster: JSON.parse when the text is plainly readable (every number short, every key
 * counted once, not too deep, no escaped surrogate); otherwise, and on any doubt, the strict parser
 * decides — so the result is always readText's.
 */
export function readTextFast(text) {
  if (LONG_RUN.test(text) || EXPONENT.test(text) || text.startsWith(BOM) ||
      (text.includes("\\u") && ESCAPED_SURROGATE.test(text))) {
    return readText(text);
  }
  let document;
  try {
    document = JSON.parse(text);
  } catch {
    return readText(text);
  }
  if (document === null || typeof document !== "object") return { document, exact: [] };
  const { keys, deepest } = shape(document);
  if (deepest > MAX_DEPTH || keys !== keyEnds(text)) return readText(text);
  return { document, exact: [] };
}

/** One JSON document from its bytes (a file): decode strictly, then readTextFast. */
export function readDocument(bytes) {
  const decoded = decodeStrict(bytes);
  if (decoded.error) return { error: decoded.error };
  return readTextFast(decoded.text);
}

/** A copy of `document` with the exact decimals of `exact` put back in place (for scoring). */
export function withExact(document, exact) {
  if (!exact || !exact.length) return document;
  const copy = structuredClone(document);
  for (const { path, value } of exact) {
    let node = copy;
    for (let i = 0; i < path.length - 1; i++) node = node[path[i]];
    node[path[path.length - 1]] = value;
  }
  return copy;
}
