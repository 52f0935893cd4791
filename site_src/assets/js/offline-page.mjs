// In every page's <head>, before the theme's scripts (bundled as assets/wsas-offline.js, listed in
// mkdocs.yml extra.polyfills): what lets the handbook work without its server.
//
// - Over http(s): registers the service worker sw.js at the handbook's root (offline-sw.js,
//   written with the build's file list by tools/wsas/site/offline.py), which caches every file of
//   the build, so that after one visit the handbook keeps working with the server gone.
// - From file://: Chromium refuses `new Worker(file URL)`, and the theme's search runs in a Worker.
//   Worker is wrapped so that a handbook script is started from a Blob of its source, read from its
//   data script (offline-data.mjs); the theme itself reads search/search_index.js there.

import { HandbookWorker, siteRoot } from "./offline-data.mjs";

const SERVICE_WORKER = "sw.js";

function registerServiceWorker(root) {
  if (!/^https?:$/.test(location.protocol) || !("serviceWorker" in navigator)) return; // http on a
  // plain intranet host is not a secure context: no service worker there, the folder or zip copy serves instead
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(new URL(SERVICE_WORKER, root).href, { scope: root }).catch(() => {
      // no sw.js (a site another engine built) or refused: the handbook works online as before
    });
  });
}

function startWorkersFromFiles(root) {
  if (location.protocol !== "file:" || typeof Worker === "undefined") return;
  const NativeWorker = window.Worker;
  function FileWorker(url, options) {
    const absolute = new URL(url, document.baseURI).href;
    if (absolute.startsWith(root)) return new HandbookWorker(absolute, options);
    return new NativeWorker(url, options);
  }
  FileWorker.prototype = NativeWorker.prototype;
  window.Worker = FileWorker;
}

const root = siteRoot();
if (root) {
  registerServiceWorker(root);
  startWorkersFromFiles(root);
}
