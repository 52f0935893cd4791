// How deep objects and arrays may nest (validation.md §5: 64 levels, the outermost is level 1).
// The reader (batch-read.mjs) refuses a deeper file as it reads it; the validator (validator.mjs)
// answers a document built in memory the same way, where Ajv's recursion would overflow the stack.

export const MAX_DEPTH = 64;

/** The reader's too-deep error, as the Python reference makes it. */
export function tooDeepError() {
  return { code: "too-deep", message: `嵌套层次过深（上限 ${MAX_DEPTH} 层）`,
    messageEn: `nesting too deep (limit ${MAX_DEPTH} levels)`, pointer: "" };
}

/** Whether objects and arrays in `value` nest deeper than MAX_DEPTH (iteratively: no stack to overflow). */
export function nestedTooDeep(value) {
  const stack = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (depth > MAX_DEPTH) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
