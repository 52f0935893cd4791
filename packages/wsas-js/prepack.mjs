// Fill this package when it is packed (npm pack runs it as prepack; postpack runs it with --clean).
//
// The scorer and validator have ONE source, site_src/assets/js (the handbook's forms use it); they are
// copied here into lib/ with every module they import, the published schemas into schemas/ and the
// licence beside them. The copies are git-ignored and removed again after packing.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const SOURCES = path.join(ROOT, "site_src", "assets", "js");
const ENTRIES = ["validator.mjs", "scorer.mjs"];
const COPIES = ["lib", "schemas", "LICENSE"];
const RELATIVE_IMPORT = /(?:^|\n)\s*(?:import|export)\b[^"';]*?["'](\.\/[^"']+)["']/g;

function clean() {
  for (const name of COPIES) fs.rmSync(path.join(HERE, name), { recursive: true, force: true });
}

/** The entries and every module they import by a relative path, followed transitively. */
function closure(entries) {
  const found = new Set();
  const pending = [...entries];
  while (pending.length) {
    const name = pending.pop();
    if (found.has(name)) continue;
    found.add(name);
    const text = fs.readFileSync(path.join(SOURCES, name), "utf8");
    for (const match of text.matchAll(RELATIVE_IMPORT)) pending.push(path.posix.normalize(match[1]));
  }
  return [...found].sort();
}

function fill() {
  clean();
  fs.mkdirSync(path.join(HERE, "lib"));
  for (const name of closure(ENTRIES)) {
    fs.copyFileSync(path.join(SOURCES, name), path.join(HERE, "lib", name));
  }
  fs.mkdirSync(path.join(HERE, "schemas"));
  for (const name of fs.readdirSync(path.join(ROOT, "schemas")).filter((n) => n.endsWith(".json")).sort()) {
    fs.copyFileSync(path.join(ROOT, "schemas", name), path.join(HERE, "schemas", name));
  }
  fs.copyFileSync(path.join(ROOT, "LICENSE"), path.join(HERE, "LICENSE"));
}

if (process.argv.includes("--clean")) clean();
else fill();
