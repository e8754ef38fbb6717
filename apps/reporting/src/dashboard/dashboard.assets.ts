/**
 * The dashboard: a static page, a stylesheet and a script, served by reporting itself (no CDN, no
 * external fonts: hospital networks are often closed). The page carries no data; the script fetches the
 * same protected API with the user's bearer token, so the dashboard shows exactly what the API shows.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harbor peer support: program metrics</title>
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body>
<header>
  <h1>Harbor peer support: program metrics</h1>
  <p class="note">Aggregates only. Counts from 1 to <span id="k-note">k-1</span> are shown as &lt;k, and further cells are hidden so that they cannot be worked out from totals. A place is named only where its count is shown. Each period is released once, after it has ended and settled, and never changes.</p>
</header>
<form id="login" autocomplete="off">
  <label>Bearer token <input id="token" type="password" required></label>
  <button type="submit">Show metrics</button>
</form>
<form id="filters" hidden>
  <label>From <input id="from" type="month"></label>
  <label>To <input id="to" type="month"></label>
  <label>Periods <select id="granularity"><option>month</option><option>quarter</option><option>year</option></select></label>
  <button type="submit">Update</button>
  <button type="button" id="logout">Forget token</button>
</form>
<p id="status" role="status"></p>
<ul id="coarsening" data-testid="coarsening"></ul>
<p id="pending" class="note" data-testid="pending" hidden></p>
<main id="charts" hidden>
  <section><h2>Cases over time</h2><div id="volumes" data-testid="volumes"></div></section>
  <section><h2>Time to first contact (target: 30 minutes)</h2><div id="contact" data-testid="contact"></div><p id="contact-summary" data-testid="contact-summary"></p></section>
  <section><h2>Acceptance</h2><div id="acceptance" data-testid="acceptance"></div></section>
  <section><h2>Referrals (among colleagues who accepted support)</h2><div id="referrals" data-testid="referrals"></div></section>
</main>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;

export const DASHBOARD_CSS = `
[hidden] { display: none !important; }
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2733; max-width: 72rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.note { color: #4a5868; font-size: .9rem; }
form { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1.5rem; }
section { border: 1px solid #d5dde6; border-radius: .5rem; padding: 1rem; min-width: 0; }
section > div { overflow-x: auto; }
svg text { font-size: 11px; fill: #1d2733; }
.bar { fill: #2f6f9f; } .bar.target { fill: #2e8b57; } .bar.hidden { fill: #c9d2dc; }
.target-line { stroke: #b03a2e; stroke-dasharray: 4 3; }
#status.error { color: #b03a2e; }
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  var KEY = 'harbor-reporting-token';
  var SVG = 'http://www.w3.org/2000/svg';
  var $ = function (id) { return document.getElementById(id); };
  var k = 11;

  // A token handed over in the URL fragment (never sent to any server) is moved to this tab's session
  // storage and removed from the address bar and history at once.
  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  var now = new Date();
  $('from').value = (now.getUTCFullYear() - 1) + '-01';
  $('to').value = now.getUTCFullYear() + '-' + pad(now.getUTCMonth() + 1);

  function show(value) { return value.suppressed ? '<' + k : String(value.value); }

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Bars with their labels; suppressed values are drawn as a short grey bar labelled "<k", never as a number. */
  function barChart(target, items, options) {
    options = options || {};
    target.textContent = '';
    var width = Math.max(320, items.length * 64 + 40), height = 200, base = 160;
    var max = 1;
    items.forEach(function (item) { if (!item.value.suppressed) max = Math.max(max, item.value.value); });
    var svg = el('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    items.forEach(function (item, i) {
      var x = 30 + i * 64;
      var h = item.value.suppressed ? 12 : Math.round((item.value.value / max) * 130);
      var cls = 'bar' + (item.value.suppressed ? ' hidden' : item.target ? ' target' : '');
      svg.appendChild(el('rect', { x: x, y: base - h, width: 44, height: h, class: cls, 'data-label': item.label, 'data-suppressed': String(item.value.suppressed) }));
      svg.appendChild(el('text', { x: x + 22, y: base - h - 4, 'text-anchor': 'middle', 'data-testid': 'value' }, show(item.value)));
      svg.appendChild(el('text', { x: x + 22, y: base + 14, 'text-anchor': 'middle' }, item.label));
    });
    if (options.caption) svg.appendChild(el('text', { x: 30, y: height - 8 }, options.caption));
    target.appendChild(svg);
  }

  function api(params) {
    var query = new URLSearchParams(params).toString();
    return fetch('/v1/metrics/report?' + query, { headers: { authorization: 'Bearer ' + sessionStorage.getItem(KEY) } }).then(function (response) {
      if (response.status === 401 || response.status === 403) throw new Error('The token was refused (' + response.status + '). Paste a qs-analyst or program-director token.');
      if (!response.ok) throw new Error('The reporting API answered ' + response.status + '.');
      return response.json();
    });
  }

  /** The latest period with data in the chart's base column (published non-zero, or suppressed). */
  function latest(report) {
    for (var i = report.periods.length - 1; i >= 0; i--) {
      var row = report.periods[i].rows[0];
      var base = row && row.cells[report.columns[0]];
      if (base && (base.suppressed || base.value > 0)) return report.periods[i];
    }
    return report.periods.length ? report.periods[report.periods.length - 1] : null;
  }
  function cellsOf(period) { return period && period.rows[0] ? period.rows[0].cells : {}; }

  function load() {
    var base = { from: $('from').value, to: $('to').value, granularity: $('granularity').value, place: 'all' };
    $('status').className = '';
    $('status').textContent = 'Loading…';
    Promise.all(['kind', 'contact-time', 'outreach', 'referral'].map(function (groupBy) {
      return api(Object.assign({ groupBy: groupBy }, base));
    })).then(function (reports) {
      var volumes = reports[0], contact = reports[1], outreach = reports[2], referrals = reports[3];
      k = volumes.minCellSize;
      $('k-note').textContent = String(k - 1);
      $('login').hidden = true; $('filters').hidden = false; $('charts').hidden = false;
      var notes = $('coarsening');
      notes.textContent = '';
      volumes.coarsening.forEach(function (note) {
        var li = document.createElement('li');
        li.textContent = 'Shown by ' + note.applied + ' instead of ' + note.requested + ': ' + note.reason + '.';
        notes.appendChild(li);
      });
      var pending = $('pending');
      pending.hidden = !volumes.unreleasedFrom;
      pending.textContent = volumes.unreleasedFrom
        ? 'Not released yet: periods from ' + volumes.unreleasedFrom.slice(0, 10) + ' on (a period is released once it has ended and settled).'
        : '';
      barChart($('volumes'), volumes.periods.map(function (p) { return { label: p.period, value: cellsOf(p).cases }; }));
      var last = latest(contact);
      var c = cellsOf(last);
      barChart($('contact'), [
        { label: '≤30 min', value: c['contact-time:0-30'], target: true },
        { label: '31–60', value: c['contact-time:31-60'] },
        { label: '61–240', value: c['contact-time:61-240'] },
        { label: '>240', value: c['contact-time:over-240'] },
      ], { caption: last ? 'Period ' + last.period : '' });
      var stats = last && last.rows[0] ? last.rows[0].statistics : null;
      $('contact-summary').textContent = stats
        ? 'Within the 30-minute target: ' + (stats.percentContactedWithinTarget.suppressed ? 'not shown (fewer than ' + k + ' cases)' : stats.percentContactedWithinTarget.value + '%') +
          '. Median minutes to first contact: ' + show(stats.medianMinutesToFirstContact).replace('<' + k, 'not shown') + '.'
        : '';
      var o = cellsOf(latest(outreach));
      barChart($('acceptance'), [
        { label: 'offered', value: o['outreach:offered'] },
        { label: 'supporter yes', value: o['supporter:accepted'] },
        { label: 'reached', value: o['reached:yes'] },
        { label: 'support yes', value: o['clinician:accepted-support'], target: true },
        { label: 'declined', value: o['clinician:declined-support'] },
      ], { caption: latest(outreach) ? 'Period ' + latest(outreach).period : '' });
      var r = cellsOf(latest(referrals));
      var referralLabels = { 'eap-therapy': 'EAP/therapy', legal: 'legal', 'disclosure-coaching': 'disclosure', 'external-line': 'ext. line', chaplaincy: 'chaplaincy' };
      barChart($('referrals'), Object.keys(referralLabels).map(function (type) {
        return { label: referralLabels[type], value: r['referral:' + type + ':yes'] };
      }), { caption: latest(referrals) ? 'Period ' + latest(referrals).period : '' });
      $('status').textContent = 'Updated ' + new Date().toLocaleString() + '.';
    }).catch(function (error) {
      $('status').className = 'error';
      $('status').textContent = error.message;
    });
  }

  $('login').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('token').value.trim());
    $('token').value = '';
    load();
  });
  $('filters').addEventListener('submit', function (event) { event.preventDefault(); load(); });
  $('logout').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    $('filters').hidden = true; $('charts').hidden = true; $('login').hidden = false;
  });
  if (sessionStorage.getItem(KEY)) load();
})();
`;
