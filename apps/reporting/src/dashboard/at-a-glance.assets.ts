/**
 * The "program at a glance" page: static, like the dashboard, and served beside it (same stylesheet, same token in
 * this tab's session storage). It holds no data; its script reads `/v1/metrics/at-a-glance` with the user's token
 * and shows exactly what that answer holds, withheld counts as `<k` and withheld rates as "not shown". The PDF
 * button fetches `/v1/metrics/at-a-glance.pdf` with the same token and saves it.
 */
export const AT_A_GLANCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Program at a glance – Harbor peer support</title>
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body class="glance">
<header>
  <h1 id="title">Program at a glance</h1>
  <p class="note">Protected aggregates for grand rounds and staff meetings. Counts from 1 to <span class="k-1">k-1</span> are shown as &lt;k, and some other counts are hidden so that they cannot be worked out from totals. Rates and medians rest on at least <span class="k">k</span> cases or are not shown. No names, no cases, no places.</p>
<form id="login" autocomplete="off">
  <label>Bearer token <input id="token" type="password" required></label>
  <button type="submit">Show the year</button>
</form>
<form id="filters" hidden>
  <label>Year <select id="year"></select></label>
  <button type="submit">Show</button>
  <button type="button" id="pdf">Download PDF</button>
  <button type="button" id="logout">Forget token</button>
</form>
<p id="status" role="status"></p>
</header>
<main id="sheet" hidden>
  <p id="coverage" data-testid="coverage"></p>
  <section aria-labelledby="totals-title" class="wide"><h2 id="totals-title">The year in numbers</h2><ul id="totals" class="tiles" data-testid="totals"></ul></section>
  <section aria-labelledby="rates-title"><h2 id="rates-title">Rates and medians</h2><table id="rates" data-testid="rates"></table></section>
  <section aria-labelledby="kind-title"><h2 id="kind-title">Cases by trigger</h2><table id="byKind" data-testid="byKind"></table></section>
  <section aria-labelledby="group-title"><h2 id="group-title">Cases by kind of event</h2><table id="byGroup" data-testid="byGroup"></table></section>
  <section aria-labelledby="contact-title"><h2 id="contact-title">Colleagues reached, by time to first contact</h2><table id="timeToContact" data-testid="timeToContact"></table></section>
  <section aria-labelledby="referrals-title"><h2 id="referrals-title">Referrals among colleagues who accepted support</h2><table id="referrals" data-testid="referrals"></table></section>
  <section aria-labelledby="periods-title"><h2 id="periods-title">By period</h2><table id="periods" data-testid="periods"></table></section>
  <section aria-labelledby="load-title"><h2 id="load-title">Supporters who took cases</h2><table id="load" data-testid="load"></table></section>
  <ul id="notes" class="note" data-testid="notes"></ul>
</main>
<script src="/dashboard/at-a-glance.js"></script>
</body>
</html>
`;

/** Added to the dashboard's stylesheet (one file for both pages). */
export const AT_A_GLANCE_CSS = `
.glance main { grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); }
.glance #coverage { grid-column: 1 / -1; margin: 0; font-weight: 600; }
.glance .wide { grid-column: 1 / -1; }
.tiles { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; }
.tiles li { border: 1px solid #d5dde6; border-radius: .5rem; padding: .6rem .8rem; }
.tiles .figure { display: block; font-size: 1.9rem; font-weight: 700; color: #1f6f43; }
.tiles .figure.withheld { color: #4a5868; }
.glance table { border-collapse: collapse; width: 100%; font-size: .92rem; }
.glance th, .glance td { text-align: left; padding: .3rem .25rem; border-bottom: 1px solid #e4e9ef; }
.glance td { text-align: right; font-weight: 600; white-space: nowrap; }
.glance #notes { grid-column: 1 / -1; }
@media print { .glance form, .glance #status { display: none; } .glance section { break-inside: avoid; } }
`;

export const AT_A_GLANCE_JS = `'use strict';
(function () {
  var KEY = 'harbor-reporting-token';
  var $ = function (id) { return document.getElementById(id); };
  var k = 11;

  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  var thisYear = new Date().getUTCFullYear();
  var wanted = Number(new URLSearchParams(location.search).get('year')) || thisYear;
  for (var y = thisYear; y >= thisYear - 9; y--) {
    var option = document.createElement('option');
    option.value = option.textContent = String(y);
    if (y === wanted) option.selected = true;
    $('year').appendChild(option);
  }

  function count(value) { return value.suppressed ? '<' + k : String(value.value); }
  function rate(value) { return value.suppressed ? 'not shown' : String(value.value); }

  function table(id, lines) {
    var target = $(id);
    target.textContent = '';
    var body = document.createElement('tbody');
    lines.forEach(function (line) {
      var row = document.createElement('tr');
      var head = document.createElement('th');
      head.scope = 'row';
      head.textContent = line[0];
      var cell = document.createElement('td');
      cell.textContent = line[1];
      row.appendChild(head); row.appendChild(cell); body.appendChild(row);
    });
    target.appendChild(body);
    target.closest('section').hidden = lines.length === 0;
  }

  function authorised(path) {
    return fetch(path, { headers: { authorization: 'Bearer ' + sessionStorage.getItem(KEY) } }).then(function (response) {
      if (response.status === 401 || response.status === 403) throw new Error('The token was refused (' + response.status + '). Paste a qs-analyst or program-director token.');
      if (!response.ok) throw new Error('The reporting API answered ' + response.status + '.');
      return response;
    });
  }

  function render(glance) {
    k = glance.minCellSize;
    Array.prototype.forEach.call(document.querySelectorAll('.k'), function (node) { node.textContent = String(k); });
    Array.prototype.forEach.call(document.querySelectorAll('.k-1'), function (node) { node.textContent = String(k - 1); });
    $('title').textContent = glance.program + ': program at a glance, ' + glance.year;
    document.title = glance.program + ' at a glance ' + glance.year + ' – Harbor';
    var coverage = glance.covered
      ? 'Covers ' + glance.covered.from.slice(0, 10) + ' to ' + new Date(new Date(glance.covered.to).getTime() - 1).toISOString().slice(0, 10) + '.'
      : 'No figures for ' + glance.year + ' are released yet.';
    if (glance.unreleasedFrom) coverage += ' Not yet released: from ' + glance.unreleasedFrom.slice(0, 10) + ' on (a period is released once it has ended and settled).';
    $('coverage').textContent = coverage;
    var tiles = $('totals');
    tiles.textContent = '';
    glance.totals.forEach(function (figure) {
      var li = document.createElement('li');
      var number = document.createElement('span');
      number.className = 'figure' + (figure.value.suppressed ? ' withheld' : '');
      number.textContent = count(figure.value);
      li.appendChild(number);
      li.appendChild(document.createTextNode(figure.label));
      li.setAttribute('data-key', figure.key);
      tiles.appendChild(li);
    });
    tiles.closest('section').hidden = glance.totals.length === 0;
    table('rates', glance.rates.map(function (f) { return [f.label, rate(f.value)]; }));
    table('byKind', glance.byKind.map(function (f) { return [f.label, count(f.value)]; }));
    table('byGroup', glance.byGroup.map(function (f) { return [f.label, count(f.value)]; }));
    table('timeToContact', glance.timeToContact.map(function (f) { return [f.label, count(f.value)]; }));
    table('referrals', glance.referrals.map(function (f) { return [f.label, count(f.value)]; }));
    table('periods', glance.periods.map(function (p) { return [p.period + ': cases / reached', count(p.cases) + ' / ' + count(p.reached)]; }));
    var load = glance.supporterLoad;
    table('load', load ? [['Supporters', count(load.supporters)]].concat(load.bins.map(function (bin) {
      return [bin.label + (bin.label === '1' ? ' case' : ' cases') + ' each', count(bin.supporters)];
    }), [['Median cases per supporter', rate(load.medianCasesPerSupporter)]]) : []);
    var notes = $('notes');
    notes.textContent = '';
    glance.notes.forEach(function (note) { var li = document.createElement('li'); li.textContent = note; notes.appendChild(li); });
  }

  function load() {
    $('status').className = '';
    $('status').textContent = 'Loading…';
    authorised('/v1/metrics/at-a-glance?year=' + encodeURIComponent($('year').value)).then(function (response) { return response.json(); }).then(function (glance) {
      $('login').hidden = true; $('filters').hidden = false; $('sheet').hidden = false;
      render(glance);
      $('status').textContent = 'Updated ' + new Date().toLocaleString() + '.';
    }).catch(function (error) {
      $('status').className = 'error';
      $('status').textContent = error.message;
    });
  }

  $('pdf').addEventListener('click', function () {
    authorised('/v1/metrics/at-a-glance.pdf?year=' + encodeURIComponent($('year').value)).then(function (response) { return response.blob(); }).then(function (blob) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'program-at-a-glance-' + $('year').value + '.pdf';
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }).catch(function (error) {
      $('status').className = 'error';
      $('status').textContent = error.message;
    });
  });
  $('login').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('token').value.trim());
    $('token').value = '';
    load();
  });
  $('filters').addEventListener('submit', function (event) { event.preventDefault(); load(); });
  $('logout').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    $('filters').hidden = true; $('sheet').hidden = true; $('login').hidden = false;
  });
  if (sessionStorage.getItem(KEY)) load();
})();
`;
