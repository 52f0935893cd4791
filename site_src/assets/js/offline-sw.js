// The handbook's service worker. tools/wsas/site/offline.py writes it as sw.js at the handbook's
// root after every build, with that build's list between the two precache marks: every file of
// the build and a build id that changes when any file does. Registered over http(s) by
// offline-page.mjs.
//
// Installing caches every listed file in the cache "wsas-handbook-<build>"; activating deletes the
// caches of other builds. Listed files are served from the cache (cache first), so after one visit
// the handbook works with the server gone; anything else goes to the network. A new build means a
// new sw.js: the browser installs it on the next visit, it caches the new files, takes over and drops
// the old cache.

const PRECACHE = /* precache */ { "build": "source", "files": [] } /* precache */;
const PREFIX = "wsas-handbook-";
const CACHE = PREFIX + PRECACHE.build;
const SCOPE = self.registration.scope; // the handbook's root, ending in "/"

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // "reload": the files themselves, never an older copy from the HTTP cache
    await cache.addAll(PRECACHE.files.map((path) => new Request(new URL(path, SCOPE).href, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** The cache key of a request: its URL without query or fragment; a folder is its index.html. */
function cacheKey(request) {
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (url.pathname.endsWith("/")) url.pathname += "index.html";
  return url.href;
}

async function cachedOrNetwork(request) {
  const cached = await caches.match(cacheKey(request), { cacheName: CACHE }); // never re-creates a dropped cache
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE) || !PRECACHE.files.length) return;
  event.respondWith(cachedOrNetwork(request));
});
