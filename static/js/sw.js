/* The portal's service worker, served as /sw.js so it covers every page.

   The route that serves it writes self.ASPIRASI in front of this file: which pages may be
   kept, the static files to keep at install, the offline page, and the version of the static
   files that names their cache. Pages: network first, the kept copy when there is no signal,
   else the offline page. Static files and the home pictures: the kept copy first. Never
   kept: anything but a GET, a page not listed (the back office, a person's own messages), an
   answer that was redirected or not a success. A submission form posted while the connection fails is kept on the
   phone; Background Sync sends the submissions waiting there. */
"use strict";

var SETTINGS = self.ASPIRASI;
var STATIC_CACHE = "aspirasi-static-" + SETTINGS.version;
var PAGE_CACHE = "aspirasi-pages";
var PICTURE_CACHE = "aspirasi-pictures";

importScripts(SETTINGS.storeScript);

function keptPage(url) {
  return SETTINGS.pages.indexOf(url.pathname) !== -1 ||
    SETTINGS.pagePrefixes.some(function (prefix) {
      return url.pathname.indexOf(prefix) === 0 && url.pathname.length > prefix.length;
    });
}

function worthKeeping(response) {
  var type = response.headers.get("Content-Type") || "";
  var control = response.headers.get("Cache-Control") || "";
  return response.ok && !response.redirected && response.type === "basic" &&
    type.indexOf("text/html") === 0 && control.indexOf("no-store") === -1;
}

function keep(request, response) {
  return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(request, response); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(SETTINGS.precache.concat([SETTINGS.offlinePage]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("aspirasi-") === 0 && name !== STATIC_CACHE && name !== PAGE_CACHE &&
        name !== PICTURE_CACHE;
    }).map(function (name) { return caches["delete"](name); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlineAnswer() {
  return caches.match(SETTINGS.offlinePage, { cacheName: STATIC_CACHE }).then(function (page) {
    return page || Response.error();
  });
}

function networkFirst(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (worthKeeping(response)) {
      event.waitUntil(keep(request, response.clone()));
    }
    return response;
  }, function () {
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || cache.match(request, { ignoreSearch: true });
      });
    }).then(function (hit) { return hit || offlineAnswer(); });
  });
}

function cacheFirst(event) {
  var request = event.request;
  return caches.match(request, { cacheName: STATIC_CACHE }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
          return cache.put(request, copy);
        }));
      }
      return response;
    });
  });
}

// A home picture: its address names one upload, so a kept copy is never stale. Only the
// newest few are kept; one the superadmin removed ages out.
function keepPicture(request, response) {
  if (!response.ok || response.type !== "basic") { return Promise.resolve(); }
  return caches.open(PICTURE_CACHE).then(function (cache) {
    return cache.put(request, response).then(function () {
      return cache.keys();
    }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - SETTINGS.picturesKept))
        .map(function (old) { return cache["delete"](old); }));
    });
  });
}

// The kept copy, else the network's answer, kept while `event` waits for it.
function keptPicture(event, request) {
  return caches.match(request, { cacheName: PICTURE_CACHE }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      event.waitUntil(keepPicture(request, response.clone()));
      return response;
    });
  });
}

// A form posted while the connection fails: kept on the phone, and the citizen is brought
// back to the form (kept, so it opens without signal), where the list shows it waiting. A
// POST that reached the server but whose answer was lost is sent again later under the same
// client key, and the server answers with the message it kept.
function sendOrKeep(event) {
  var copy = event.request.clone();
  return fetch(event.request)["catch"](function (failure) {
    var form = new URL(copy.url);
    return copy.formData().then(function (data) {
      return self.AspirasiAntrean.queue(form.href, form.href, data);
    }).then(function () {
      return self.registration.sync ? self.registration.sync.register(self.AspirasiAntrean.SYNC_TAG)
        ["catch"](function () { return null; }) : null;
    }).then(function () {
      return Response.redirect(form.pathname + SETTINGS.keptFragment, 303);
    }, function () { throw failure; });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && request.mode === "navigate" &&
      SETTINGS.forms.indexOf(url.pathname) !== -1) {
    event.respondWith(sendOrKeep(event));
    return;
  }
  if (request.method !== "GET") { return; }
  if (SETTINGS.never.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; })) {
    return;
  }
  if (url.pathname.indexOf(SETTINGS.staticPrefix) === 0) {
    event.respondWith(cacheFirst(event));
  } else if (url.pathname.indexOf(SETTINGS.picturePrefix) === 0) {
    event.respondWith(keptPicture(event, request));
  } else if (request.mode === "navigate" && keptPage(url)) {
    event.respondWith(networkFirst(event));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request)["catch"](offlineAnswer));
  }
});

// A page the browser loaded before this worker controlled it asks to be kept all the same,
// with its home pictures.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || typeof data.url !== "string") { return; }
  var url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(SETTINGS.picturePrefix) === 0) {
    event.waitUntil(keptPicture(event, url.href)["catch"](function () { return null; }));
    return;
  }
  if (!keptPage(url)) { return; }
  event.waitUntil(fetch(url.href, { credentials: "same-origin" }).then(function (response) {
    return worthKeeping(response) ? keep(url.href, response) : null;
  })["catch"](function () { return null; }));
});

self.addEventListener("sync", function (event) {
  if (event.tag !== self.AspirasiAntrean.SYNC_TAG) { return; }
  // Rejecting asks the browser to try again later, while submissions still wait.
  event.waitUntil(self.AspirasiAntrean.flush().then(function (left) {
    if (left > 0) { throw new Error("waiting for signal"); }
  }));
});
