// The web app's service worker: it keeps the files of the app shell (the page, its
// module, its Wasm and stylesheet) from the last visit, so the app still opens when the
// TeachLink server that served it cannot be reached. The data is in IndexedDB, and the
// app syncs from the RPC it remembered (web-app/src/config.rs). Network first: a build
// the server has been updated to is used as soon as the server answers; the cache only
// answers when it does not. The API and the RPC are never cached here.
const CACHE = "teachlink-app-shell";
const PAGE = "/index.html";
const SHELL = [PAGE, "/app.css", "/teachlink_web_app.js", "/teachlink_web_app_bg.wasm"];
// The app's on-demand modules (web-app/src/lazy.rs): kept once a page has used them, never
// fetched ahead (a visit that only reads never downloads the transaction module).
const LAZY = [
  "/teachlink_web_app_reco.js",
  "/teachlink_web_app_reco_bg.wasm",
  "/teachlink_web_app_tx.js",
  "/teachlink_web_app_tx_bg.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // The page's own request starts while the worker starts, not after it.
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // Every client-side route (/users/…, /escrows/…) is the same page.
  const navigation = request.mode === "navigate";
  const key = navigation ? PAGE : url.pathname;
  if (!SHELL.includes(key) && !LAZY.includes(key)) return;
  event.respondWith(
    (async () => {
      let response;
      try {
        response = (navigation && (await event.preloadResponse)) || (await fetch(request));
      } catch (unreachable) {
        const kept = await caches.match(key);
        if (kept) return kept;
        throw unreachable;
      }
      if (response.ok) event.waitUntil(keep(key, response.clone()));
      return response;
    })(),
  );
});

// Stores `response` under `key` unless the cache already holds that version of the file
// (the Wasm is megabytes: it is not rewritten on every visit).
async function keep(key, response) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(key);
  const version = (r) => `${r.headers.get("etag")}|${r.headers.get("last-modified")}`;
  if (!kept || version(kept) !== version(response)) await cache.put(key, response);
}
