// The helpdesk pages' script: results as you type, preview and resync without leaving the page
// (polling the job), and older audit records on demand. Text is always set with textContent,
// never parsed as markup.
(function () {
  'use strict';
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  var STATES = { prehire: 'Pre-hire (not started yet)', active: 'Active', suspended: 'Suspended', terminated: 'Terminated' };

  function liveSearch(input) {
    var list = document.getElementById('people-results');
    var status = document.getElementById('people-status');
    var asked = 0, timer = null;
    function show(n, hits) {
      if (n !== asked) return;
      list.textContent = '';
      hits.forEach(function (h) {
        var li = el('li', 'result');
        var a = el('a');
        a.href = '/people/' + encodeURIComponent(h.username);
        a.appendChild(el('strong', null, h.displayName));
        a.appendChild(document.createTextNode(' ('));
        a.appendChild(el('span', 'username', h.username));
        a.appendChild(document.createTextNode(')'));
        li.appendChild(a);
        li.appendChild(document.createTextNode(' — '));
        li.appendChild(el('span', 'state ' + (h.state === 'active' ? 'state-good' : h.state === 'prehire' ? '' : 'state-bad'), STATES[h.state] || h.state));
        li.appendChild(document.createTextNode(' · '));
        li.appendChild(el('span', 'hint', (h.employeeId ? 'employee ' + h.employeeId : 'no employee id') + (h.mail ? ' · ' + h.mail : '')));
        list.appendChild(li);
      });
      status.textContent = input.value.trim() ? (hits.length ? hits.length + ' found' : 'nobody found') : '';
    }
    function ask() {
      var n = ++asked, q = input.value;
      if (!q.trim()) return show(n, []);
      fetch(input.getAttribute('data-live-search') + '?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error('search answered ' + r.status); return r.json(); })
        .then(function (body) { show(n, body.results); })
        .catch(function (err) { if (n === asked) status.textContent = String(err.message || err); });
    }
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 80);
    });
  }

  var OUTCOMES = { 'dry-run': 'preview only, nothing changed', 'still queued': 'queued', applied: 'applied' };
  function outcomeText(t) {
    if (t.outcome === 'failed' || t.outcome === 'error') return t.outcome + ': ' + (t.error || 'unknown error');
    return OUTCOMES[t.outcome] || t.outcome;
  }
  function jobText(job) {
    var what = job.dryRun ? 'Preview' : 'Resync';
    if (job.status === 'reading') return what + ': re-reading the sources…';
    if (job.status === 'running') return what + ': waiting for the targets…';
    if (job.status === 'done') return what + ' finished';
    return what + ' failed: ' + (job.error || 'unknown error');
  }
  function drawJob(box, job) {
    box.textContent = '';
    var div = el('div', 'job');
    div.setAttribute('data-job', job.id);
    div.setAttribute('data-status', job.status);
    var p = el('p', 'job-status');
    p.appendChild(el('strong', null, jobText(job)));
    div.appendChild(p);
    var result = job.result || { sources: [], targets: [] };
    result.sources.forEach(function (s) { div.appendChild(el('p', 'hint', 'source ' + s.source + ': ' + s.status)); });
    result.targets.forEach(function (t) {
      var block = el('div', 'job-target');
      block.setAttribute('data-target', t.target);
      var h = el('h3', null, t.target + ': ');
      h.appendChild(el('span', 'outcome', outcomeText(t)));
      block.appendChild(h);
      block.appendChild(el('pre', 'plan', t.plan.join('\n')));
      div.appendChild(block);
    });
    box.appendChild(div);
  }
  function resyncForm(form) {
    var box = document.getElementById('resync-job');
    var mode = 'preview';
    form.querySelectorAll('button[name="mode"]').forEach(function (b) {
      b.addEventListener('click', function () { mode = b.value; });
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (ev.submitter && ev.submitter.value) mode = ev.submitter.value;
      var target = form.querySelector('select[name="target"]').value;
      box.textContent = mode === 'preview' ? 'Preview: starting…' : 'Resync: starting…';
      fetch(form.getAttribute('action'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf() },
        body: JSON.stringify({ mode: mode, target: target }),
      })
        .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw new Error(b.error || r.status); return b; }); })
        .then(function (job) { drawJob(box, job); follow(box, form.getAttribute('action') + '/' + encodeURIComponent(job.id)); })
        .catch(function (err) { box.textContent = 'Could not start: ' + (err.message || err); });
    });
  }
  function follow(box, url) {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('the job answered ' + r.status); return r.json(); })
      .then(function (job) {
        drawJob(box, job);
        if (job.status !== 'done' && job.status !== 'failed') setTimeout(function () { follow(box, url); }, 400);
      })
      .catch(function (err) { box.appendChild(el('p', null, String(err.message || err))); });
  }

  function auditMore(button) {
    var body = document.querySelector('#audit-table tbody');
    button.addEventListener('click', function () {
      var next = Number(button.getAttribute('data-next'));
      fetch(button.getAttribute('data-url') + '?page=' + next, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (page) {
          page.records.forEach(function (r) {
            var tr = el('tr');
            [['When', r.time], ['Who', r.actor], ['Action', r.action], ['What', r.summary]].forEach(function (c) {
              var td = el('td', null, c[1]);
              td.setAttribute('data-label', c[0]);
              tr.appendChild(td);
            });
            body.appendChild(tr);
          });
          if (page.page >= page.pages) button.remove();
          else button.setAttribute('data-next', String(page.page + 1));
        });
    });
  }

  var q = document.querySelector('input[data-live-search]');
  if (q) liveSearch(q);
  document.querySelectorAll('form[data-resync]').forEach(resyncForm);
  var more = document.getElementById('audit-more');
  if (more) auditMore(more);
})();
