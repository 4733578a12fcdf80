/* The phone's queue of submissions written without signal, and how one is sent.

   Kept in IndexedDB, so a submission survives a closed tab or a restarted phone. Loaded by the
   pages and by the service worker (Background Sync), so both send the same way. A submission
   is sent with a fresh CSRF token read from its form page, and carries the client key made
   when the form was filled: the server answers a repeat with the message it already kept, so
   a send interrupted after the server kept it costs nothing. Holds no words shown to people. */
(function (scope) {
  "use strict";

  var DB_NAME = "aspirasi-antrean";
  var STORE = "kiriman";
  var CHANNEL = "aspirasi-antrean";
  var SYNC_TAG = "aspirasi-antrean";
  var sending = {};  // keys being sent by this page or worker right now

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function announce() {
    if (typeof BroadcastChannel === "function") {
      var channel = new BroadcastChannel(CHANNEL);
      channel.postMessage("changed");
      channel.close();
    }
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  function put(item) {
    return withStore("readwrite", function (store) { return store.put(item); }).then(announce);
  }

  function remove(key) {
    return withStore("readwrite", function (store) { return store["delete"](key); }).then(announce);
  }

  function update(key, changes) {
    return withStore("readwrite", function (store) {
      var request = store.get(key);
      request.onsuccess = function () {
        if (!request.result) { return; }
        Object.keys(changes).forEach(function (name) { request.result[name] = changes[name]; });
        store.put(request.result);
      };
      return null;
    }).then(announce);
  }

  // FormData cannot be stored; its entries can (a File is kept with its name).
  function entriesOf(formData) {
    var fields = [];
    formData.forEach(function (value, name) {
      if (name === "csrf_token") { return; }
      if (typeof value === "string") {
        fields.push({ name: name, value: value });
      } else if (value.size > 0) {
        fields.push({ name: name, file: value, filename: value.name });
      }
    });
    return fields;
  }

  function formDataOf(fields, token) {
    var data = new FormData();
    fields.forEach(function (field) {
      if (field.file) {
        data.append(field.name, field.file, field.filename);
      } else {
        data.append(field.name, field.value);
      }
    });
    if (token) { data.set("csrf_token", token); }
    return data;
  }

  function valueOf(fields, name) {
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].name === name) { return fields[i].value; }
    }
    return "";
  }

  function newKey() {
    if (self.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); });
    return [hex.slice(0, 4).join(""), hex.slice(4, 6).join(""), hex.slice(6, 8).join(""),
      hex.slice(8, 10).join(""), hex.slice(10).join("")].join("-");
  }

  function queue(action, pageUrl, formData) {
    var fields = entriesOf(formData);
    if (!valueOf(fields, "client_key")) {  // posted by a page whose script did not run
      fields = fields.filter(function (field) { return field.name !== "client_key"; });
      fields.push({ name: "client_key", value: newKey() });
    }
    var item = {
      key: valueOf(fields, "client_key"), action: action, pageUrl: pageUrl, fields: fields,
      title: valueOf(fields, "perihal"), state: "waiting", createdAt: Date.now()
    };
    return put(item).then(function () { return item; });
  }

  var TOKEN = /<input[^>]*name="csrf_token"[^>]*value="([^"]*)"/;
  var RECEIPT = /\/terkirim\/([^\/?#]+)/;
  var MAX_REFUSAL = 200000;  // characters of the refusing page kept for its reasons

  // The form page again, for a token the server still accepts ("" when the form asks for
  // none). Null: the page sent us elsewhere (to sign in, or to complete the profile), so the
  // citizen has to act first. A page that fails rejects, and the submission keeps waiting.
  function freshToken(pageUrl) {
    return fetch(pageUrl, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.redirected) { return null; }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text().then(function (html) {
        var found = TOKEN.exec(html);
        return found ? found[1] : "";
      });
    });
  }

  // One submission to the server. Resolves to its new state; a failed connection rejects,
  // and the submission keeps waiting.
  function send(item) {
    return freshToken(item.pageUrl).then(function (token) {
      if (token === null) { return { state: "signin" }; }
      return fetch(item.action, {
        method: "POST", credentials: "same-origin", body: formDataOf(item.fields, token)
      }).then(function (response) {
        var receipt = RECEIPT.exec(response.url);
        if (response.ok && receipt) {
          // The photos and personal details are no longer needed on the phone.
          return { state: "sent", tracking: decodeURIComponent(receipt[1]), sentAt: Date.now(),
            fields: [] };
        }
        if (response.redirected) { return { state: "signin" }; }
        if (response.status === 400 || response.status === 413) {
          // The form page with the server's reasons, read on the form page (see
          // offline-queue.js) when the citizen puts the kept answers back to mend them.
          return response.text().then(function (html) {
            return { state: "refused", refusal: html.slice(0, MAX_REFUSAL) };
          });
        }
        return { state: "waiting" };  // busy, limited or failing server: try again later
      });
    });
  }

  // Send every waiting submission, one after another. Resolves to how many still wait.
  // One page or worker at a time (where the browser has Web Locks): the next one then finds
  // them sent, so the server is not asked twice and the sender's rate limit is spared.
  function flush() {
    var locks = self.navigator && self.navigator.locks;
    return locks ? locks.request(CHANNEL, sendWaiting) : sendWaiting();
  }

  function sendWaiting() {
    return all().then(function (items) {
      var pending = items.filter(function (item) {
        return (item.state === "waiting" || item.state === "signin") && !sending[item.key];
      });
      var left = 0;
      return pending.reduce(function (chain, item) {
        return chain.then(function () {
          sending[item.key] = true;
          return send(item).then(function (result) {
            if (result.state !== "sent") { left += 1; }
            return update(item.key, result);
          }, function () { left += 1; }).then(function () { delete sending[item.key]; });
        });
      }, Promise.resolve()).then(function () { return left; });
    });
  }

  scope.AspirasiAntrean = {
    CHANNEL: CHANNEL, SYNC_TAG: SYNC_TAG, newKey: newKey, all: all, queue: queue, remove: remove, flush: flush
  };
}(self));
