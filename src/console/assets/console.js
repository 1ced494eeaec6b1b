// Shared by every console page: requests that change something carry the page's CSRF token.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute('content') : '';

  /** fetch() with the CSRF header and JSON in and out; resolves to { status, body }. */
  function send(method, url, body) {
    var init = { method: method, credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': token } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = { error: text }; }
        return { status: res.status, body: parsed };
      });
    });
  }

  window.idsync = {
    csrfToken: token,
    getJson: function (url) { return send('GET', url); },
    postJson: function (url, body) { return send('POST', url, body === undefined ? {} : body); },
  };
})();
