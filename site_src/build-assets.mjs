// Bundle the browser code of the WSAS handbook forms.
//
//   node site_src/build-assets.mjs OUTDIR
//
// writes OUTDIR/wsas-form.js (one IIFE bundle, ES2020, of site_src/assets/js/form.mjs — the
// rubric forms, with scorer.mjs, validator.mjs, ajv and decimal.js from node_modules — and
// hazard-form.mjs, the hazard-record form, and enterprise-form.mjs, the enterprise-record form, sharing
// validator.mjs and ajv, and batch-page.mjs, the batch page), OUTDIR/wsas-form.css
// (site_src/assets/css/form.css followed by hazard-form.css and batch.css), OUTDIR/wsas-batch-worker.js
// (the batch page's Web Worker, batch-worker.mjs, with the validator and scorer) and OUTDIR/wsas-offline.js
// (offline-page.mjs, in every page's <head> before the theme: the service worker, search from file://).
// Runs offline: esbuild comes from node_modules (`npm ci` in the repository root installs it).

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
// What every bundle shares: one IIFE script for the browser, dependencies from node_modules.
const BUNDLE = {
  absWorkingDir: ROOT, nodePaths: [join(ROOT, "node_modules")], bundle: true, format: "iife", platform: "browser",
  target: "es2020", legalComments: "inline", charset: "utf8", logLevel: "warning",
};
const SCRIPTS = join(HERE, "assets", "js");
const ENTRIES = [join(SCRIPTS, "form.mjs"), join(SCRIPTS, "hazard-form.mjs"), join(SCRIPTS, "enterprise-form.mjs"),
  join(SCRIPTS, "batch-page.mjs")];
const STYLES = [join(HERE, "assets", "css", "form.css"), join(HERE, "assets", "css", "hazard-form.css"),
  join(HERE, "assets", "css", "batch.css")];
const JS_NAME = "wsas-form.js";
const CSS_NAME = "wsas-form.css";
// Web Workers and the <head> script: a bundle of their own each (one script each), entry → file name
const WORKERS = [[join(SCRIPTS, "batch-worker.mjs"), "wsas-batch-worker.js"],
  [join(SCRIPTS, "offline-page.mjs"), "wsas-offline.js"]];

function fail(message) {
  process.stderr.write(`build-assets: ${message}\n`);
  process.exit(1);
}

async function loadEsbuild() {
  const modules = join(ROOT, "node_modules");
  if (!existsSync(modules)) {
    fail(`缺少 node_modules：请先在仓库根目录运行 npm ci / node_modules missing (${modules}): ` +
      "run `npm ci` in the repository root first");
  }
  let location;
  try {
    location = createRequire(join(ROOT, "package.json")).resolve("esbuild");
  } catch {
    fail("node_modules 中没有 esbuild：请在仓库根目录运行 npm ci / esbuild is not installed in " +
      `${modules}: run \`npm ci\` in the repository root`);
  }
  const esbuild = await import(pathToFileURL(location).href);
  return esbuild.build ? esbuild : esbuild.default;
}

async function main() {
  const [outArg, ...rest] = process.argv.slice(2);
  if (!outArg || rest.length || outArg.startsWith("-")) {
    fail("用法 / usage: node site_src/build-assets.mjs OUTDIR");
  }
  for (const [path, what] of [...ENTRIES.map((p) => [p, "form code"]), ...STYLES.map((p) => [p, "form styles"]),
    ...WORKERS.map(([p]) => [p, "worker code"])]) {
    if (!existsSync(path)) fail(`找不到 ${what}：${path} / ${what} not found: ${path}`);
  }
  const out = resolve(outArg);
  const esbuild = await loadEsbuild();
  await mkdir(out, { recursive: true });
  try {
    await esbuild.build({
      // one bundle for every page: both forms start only where their element is on the page
      stdin: {
        contents: ENTRIES.map((path) => `import "./${basename(path)}";\n`).join(""),
        resolveDir: SCRIPTS,
        sourcefile: "wsas-handbook-forms.mjs",
        loader: "js",
      },
      outfile: join(out, JS_NAME),
      ...BUNDLE,
      minify: false,
      sourcemap: false,
      banner: { js: "/* WSAS handbook forms — built by site_src/build-assets.mjs from site_src/assets/js/form.mjs, hazard-form.mjs and enterprise-form.mjs */" },
    });
    for (const [entry, name] of WORKERS) {
      await esbuild.build({
        entryPoints: [entry],
        outfile: join(out, name),
        ...BUNDLE,
        banner: { js: `/* WSAS handbook — built by site_src/build-assets.mjs from site_src/assets/js/${basename(entry)} */` },
      });
    }
  } catch (error) {
    // esbuild has already printed the details
    fail(`打包失败 / bundling failed: ${error.message.split("\n")[0]}`);
  }
  const styles = await Promise.all(STYLES.map((path) => readFile(path, "utf8")));
  await writeFile(join(out, CSS_NAME), styles.map((text) => text.replace(/\n*$/, "\n")).join("\n"), "utf8");
  process.stdout.write(`${join(out, JS_NAME)}\n${join(out, CSS_NAME)}\n${WORKERS.map(([, name]) => join(out, name) + "\n").join("")}`);
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
