// Is a formula still the template's? Compared token by token, not as text (tools/wsas/xlsx/compare.py).
// Excel and LibreOffice rewrite formulas when they save: 0.000000001 for 1E-9, spaces, `$`, an
// `_xlfn.` prefix. None of that changes what a formula computes, so such a workbook still imports.
// The tokens are those of openpyxl's formula tokenizer, as far as the canonical form sees them:
// numbers by exact value, references upper-case without `$`, text literals verbatim, function
// names upper-case without prefixes, operators, separators and parentheses; whitespace dropped.
// A shared formula's followers are its first cell's formula with relative references moved
// (openpyxl's Translator).

import Decimal from "decimal.js";

const PREFIXES = ["_XLFN._XLWS.", "_XLFN.", "_XLWS."];
const ERRORS = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"];
const INFIX = ["<=", ">=", "<>", "+", "-", "*", "/", "^", "&", "=", "<", ">"];
const NUMBER = /^(\d+\.?\d*|\.\d+)(E[+-]?\d+)?$/i;

/** The formula's tokens: [{type, value}] with type operand | text | number | error | logical | function | open |
 * close | array-open | array-close | separator | prefix | infix | postfix; null when it does not parse. */
export function tokenize(formula) {
  const text = formula.startsWith("=") ? formula.slice(1) : formula;
  const tokens = [];
  const depth = [];
  let operand = "";
  const last = () => tokens[tokens.length - 1];
  const flush = () => {
    if (!operand) return;
    const upper = operand.toUpperCase();
    if (NUMBER.test(operand)) tokens.push({ type: "number", value: operand });
    else if (upper === "TRUE" || upper === "FALSE") tokens.push({ type: "logical", value: upper });
    else tokens.push({ type: "operand", value: operand });
    operand = "";
  };
  const operandBefore = () => {
    const previous = last();
    return previous && ["operand", "text", "number", "error", "logical", "close", "array-close", "postfix"].includes(previous.type);
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      flush();
      let j = i + 1;
      for (;;) {
        if (j >= text.length) return null;
        if (text[j] === '"') {
          if (text[j + 1] === '"') j += 2;
          else break;
        } else j++;
      }
      tokens.push({ type: "text", value: text.slice(i, j + 1) });
      i = j + 1;
    } else if (char === "'") { // a quoted sheet name, part of a reference
      let j = i + 1;
      for (;;) {
        if (j >= text.length) return null;
        if (text[j] === "'") {
          if (text[j + 1] === "'") j += 2;
          else break;
        } else j++;
      }
      operand += text.slice(i, j + 1);
      i = j + 1;
    } else if (char === "[") { // structured / external reference parts
      const close = text.indexOf("]", i);
      if (close < 0) return null;
      operand += text.slice(i, close + 1);
      i = close + 1;
    } else if (char === "#" && !operand) {
      const error = ERRORS.find((e) => text.startsWith(e, i) || text.slice(i, i + e.length).toUpperCase() === e);
      if (!error) return null;
      tokens.push({ type: "error", value: error });
      i += error.length;
    } else if (/\s/.test(char)) {
      flush();
      i++;
    } else if ((char === "+" || char === "-") && operand && /^(\d+\.?\d*|\.\d+)E$/i.test(operand)) {
      operand += char;
      i++;
    } else if (char === "(") {
      if (operand) {
        tokens.push({ type: "function", value: operand });
        operand = "";
        depth.push("function");
      } else {
        tokens.push({ type: "open", value: "(" });
        depth.push("paren");
      }
      i++;
    } else if (char === ")") {
      flush();
      const open = depth.pop();
      if (open !== "function" && open !== "paren") return null;
      tokens.push({ type: "close", value: ")" });
      i++;
    } else if (char === "{") {
      flush();
      tokens.push({ type: "array-open", value: "{" });
      depth.push("array");
      i++;
    } else if (char === "}") {
      flush();
      if (depth.pop() !== "array") return null;
      tokens.push({ type: "array-close", value: "}" });
      i++;
    } else if (char === "," || char === ";") {
      flush();
      tokens.push({ type: "separator", value: char });
      i++;
    } else if (char === "%") {
      flush();
      tokens.push({ type: "postfix", value: "%" });
      i++;
    } else if ("+-*/^&=<>".includes(char)) {
      flush();
      const op = INFIX.find((o) => text.startsWith(o, i));
      tokens.push({ type: operandBefore() ? "infix" : "prefix", value: op });
      i += op.length;
    } else {
      operand += char;
      i++;
    }
  }
  flush();
  if (depth.length) return null;
  return tokens;
}

/** compare._canonical: what two formulas must share to compute the same. */
function canonical(token) {
  switch (token.type) {
    case "number":
      try {
        return `number:${new Decimal(token.value).toString()}`;
      } catch {
        return `number:${token.value}`;
      }
    case "operand": return `range:${token.value.replaceAll("$", "").toUpperCase()}`;
    case "text": return `text:${token.value}`;
    case "function": {
      let name = token.value.toUpperCase();
      for (const prefix of PREFIXES) if (name.startsWith(prefix)) name = name.slice(prefix.length);
      return `function:${name}`;
    }
    default: return `${token.type}:${token.value.toUpperCase()}`;
  }
}

/** Whether cell content `found` is the formula `expected` (same_formula). */
export function sameFormula(found, expected) {
  if (typeof found !== "string" || !found.startsWith("=")) return false;
  const mine = tokenize(found);
  const theirs = tokenize(expected);
  if (!mine || !theirs || mine.length !== theirs.length) return false;
  return mine.every((token, index) => canonical(token) === canonical(theirs[index]));
}

// ---- shared formulas (openpyxl.formula.translate) ----------------------------------------------------

const columnIndex = (letters) => [...letters.toUpperCase()].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
function columnLetter(index) {
  if (index < 1 || index > 18278) throw new Error("Formula out of range");
  let letters = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
const moveRow = (row, delta) => {
  if (row.startsWith("$")) return row;
  if (Number(row) + delta <= 0) throw new Error("Formula out of range");
  return String(Number(row) + delta);
};
const moveColumn = (column, delta) => (column.startsWith("$") ? column : columnLetter(columnIndex(column) + delta));

function moveReference(reference, rows, columns) {
  const bang = reference.lastIndexOf("!");
  const sheet = bang >= 0 ? reference.slice(0, bang + 1) : "";
  const range = bang >= 0 ? reference.slice(bang + 1) : reference;
  let match = /^(\$?\d+):(\$?\d+)$/.exec(range);
  if (match) return `${sheet}${moveRow(match[1], rows)}:${moveRow(match[2], rows)}`;
  match = /^(\$?[A-Za-z]{1,3}):(\$?[A-Za-z]{1,3})$/.exec(range);
  if (match) return `${sheet}${moveColumn(match[1], columns)}:${moveColumn(match[2], columns)}`;
  return sheet + range.split(":").map((part) => {
    const cell = /^(\$?[A-Za-z]{1,3})(\$?\d+)$/.exec(part);
    return cell ? moveColumn(cell[1], columns) + moveRow(cell[2], rows) : part;
  }).join(":");
}

/** The formula of a shared formula's follower, `rows` and `columns` away from its first cell. */
export function translateFormula(formula, rows, columns) {
  const tokens = tokenize(formula);
  if (!tokens) return formula;
  const spaced = { prefix: "", infix: "", postfix: "" };
  return "=" + tokens.map((token) => {
    if (token.type === "operand") return moveReference(token.value, rows, columns);
    if (token.type === "function") return token.value + "(";
    return token.value + (token.type in spaced ? spaced[token.type] : "");
  }).join("");
}
