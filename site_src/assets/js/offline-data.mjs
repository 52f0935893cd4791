// The handbook's data and Web Workers in the browser, alike over http(s) and from file://.
//
// Chromium refuses fetch() of file:// URLs and Workers started from them (origin "null"), but runs
// classic <script src> from them. So every JSON file the pages read, and the source of every
// Web Worker, is also published as a classic script `assets/data/<path>.js` (written by
// tools/wsas/site/offline.py) that sets `self.WSAS_DATA["<path>"]` to the file's text, <path>
// being the file's path from the handbook's root. The pages always read those scripts: one way
// that works on a server, from a folder and from the unzipped offline copy.
//
//   const rubric = await loadJson("../downloads/rubrics/x/y.json");   // a URL as the page links it
//   const worker = createWorker("../assets/wsas-batch-worker.js");   // a Worker, from a Blob of its source

const DATA_DIR = "assets/data/";

/** The handbook's root: the folder above assets/, where the bundle that runs this code lives. */
function findRoot() {
  if (typeof document === "undefined") return null;
  const script = document.currentScript || document.querySelector("script[src*='assets/wsas-']");
  return script && script.src ? new URL("../", script.src).href : null;
}

const ROOT = findRoot();   // read while the bundle runs: document.currentScript is ours only then
const loading = new Map(); // path → Promise<text>

/** The handbook's root URL (ending in "/"), or null outside a page. */
export function siteRoot() {
  return ROOT;
}

/** The path of `url` from the handbook's root (decoded, no query or fragment). */
export function sitePath(url, root = ROOT) {
  if (!root) throw new Error("手册根目录未知 / the handbook's root is unknown");
  const absolute = new URL(url, typeof document === "undefined" ? root : document.baseURI);
  absolute.search = "";
  absolute.hash = "";
  if (!absolute.href.startsWith(root)) {
    throw new Error(`${url} 不是本手册的文件 / is not a file of this handbook`);
  }
  return decodeURIComponent(absolute.href.slice(root.length));
}

/** The URL of the classic script that carries the file at `path` (a path from the root). */
export function dataScriptUrl(path, root = ROOT) {
  return root + DATA_DIR + path.split("/").map(encodeURIComponent).join("/") + ".js";
}

function injectScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => { script.remove(); resolve(); };
    script.onerror = () => { script.remove(); reject(new Error(`${src}: 无法载入 / cannot be loaded`)); };
    document.head.append(script);
  });
}

/** The text of a handbook file (by its data script), loaded once per page. */
export function loadText(url) {
  let path;
  try {
    path = sitePath(url);
  } catch (error) {
    return Promise.reject(error);
  }
  if (!loading.has(path)) {
    const text = injectScript(dataScriptUrl(path)).then(() => {
      const store = self.WSAS_DATA || {};
      if (typeof store[path] !== "string") throw new Error(`${url}: 数据脚本不含该文件 / not in its data script`);
      return store[path];
    });
    text.catch(() => loading.delete(path)); // a failure may be retried
    loading.set(path, text);
  }
  return loading.get(path);
}

/** A handbook JSON file, parsed afresh for every caller (as fetch(url).json() would give it). */
export async function loadJson(url) {
  const text = await loadText(url);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${url}: 不是 JSON / not JSON (${error.message})`);
  }
}

const workerScripts = new Map(); // path → Promise<blob: URL>

/** A blob: URL of a worker's source, made once per page (a Worker from it runs from file:// too). */
function workerScriptUrl(url) {
  const path = sitePath(url);
  if (!workerScripts.has(path)) {
    const made = loadText(url).then((text) => URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
    made.catch(() => workerScripts.delete(path));
    workerScripts.set(path, made);
  }
  return workerScripts.get(path);
}

/**
 * A Web Worker running the handbook script at `url`, usable at once like `new Worker(url)`:
 * postMessage, terminate, onmessage / onerror and addEventListener. Messages posted before the
 * source is loaded are delivered in order once it runs; a source that cannot be loaded is an
 * "error" event.
 */
export class HandbookWorker extends EventTarget {
  constructor(url, options = undefined) {
    super();
    this.onmessage = null;
    this.onerror = null;
    this.onmessageerror = null;
    this.worker = null;
    this.queue = [];
    this.ended = false;
    let made;
    try {
      made = workerScriptUrl(url);
    } catch (error) {
      made = Promise.reject(error);
    }
    made.then((scriptUrl) => {
      if (this.ended) return;
      const worker = new Worker(scriptUrl, options);
      worker.onmessage = (event) => this.emit(new MessageEvent("message", { data: event.data }));
      worker.onmessageerror = (event) => this.emit(new MessageEvent("messageerror", { data: event.data }));
      worker.onerror = (event) => this.emit(new ErrorEvent("error", {
        message: event.message, filename: event.filename, lineno: event.lineno, colno: event.colno }));
      this.worker = worker;
      for (const [message, transfer] of this.queue) worker.postMessage(message, transfer);
      this.queue = [];
    }, (error) => {
      if (!this.ended) this.emit(new ErrorEvent("error", { message: String(error && error.message || error) }));
    });
  }

  emit(event) {
    const handler = this[`on${event.type}`];
    if (typeof handler === "function") handler.call(this, event);
    this.dispatchEvent(event);
  }

  postMessage(message, transfer = []) {
    if (this.ended) return;
    if (this.worker) this.worker.postMessage(message, transfer);
    else this.queue.push([message, transfer]);
  }

  terminate() {
    this.ended = true;
    this.queue = [];
    if (this.worker) this.worker.terminate();
  }
}

export function createWorker(url, options = undefined) {
  return new HandbookWorker(url, options);
}
