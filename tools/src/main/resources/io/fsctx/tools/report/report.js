/*
 * fsctx report: renders the data of the "fsctx-data" element (see ReportJson for its shape).
 * Everything is built with textContent, never innerHTML, so names in a trace cannot inject markup.
 * Tables show one page at a time and the alive chart was cut to at most a thousand points by the
 * writer, so a report of 10^5 contexts renders at once.
 */
(function () {
  'use strict';

  var PAGE = 50;
  var HISTORY_PAGE = 100;
  var COLORS = {
    INSTANCE: '#8250df', FILE: '#0969da', STREAM: '#1a7f37', STREAMHANDLE: '#bc4c00',
    VOLUME: '#57606a', TRANSACTION: '#9a6700', SECTION: '#bf3989', all: '#1f2328'
  };
  // Steps a filter makes on its own references: the last of these is a leaked context's last access.
  var ACCESS = { ALLOCATE: 1, SET: 1, SET_FAILED: 1, GET: 1, OLD_CONTEXT_RETURNED: 1, REFERENCE: 1, RELEASE: 1 };

  var D = JSON.parse(document.getElementById('fsctx-data').textContent);
  var S = D.strings;
  var C = D.contexts;
  var N = C.id.length;
  var E = D.events;
  var byId = {};
  var i;
  for (i = 0; i < N; i++) { byId[C.id[i]] = i; }
  // Object and header names a text may mention, to link them to the contexts on them.
  var knownHeaders = {};
  var knownObjects = {};
  for (i = 0; i < N; i++) {
    if (C.header[i] >= 0) { knownHeaders[S[C.header[i]]] = true; }
    if (C.object[i] >= 0) { knownObjects[S[C.object[i]]] = true; }
  }
  var axisMax = 1;
  for (i = 0; i < N; i++) {
    axisMax = Math.max(axisMax, C.allocated[i], C.freed[i]);
  }

  // ref: {field: 'header' or 'object', value}: only the contexts on that header or object.
  var state = { type: '', filter: '', status: '', file: '', search: '', ref: null, page: 0, selected: -1, historyPage: 0 };
  var visible = [];

  // ---- helpers -----------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'text') { e.textContent = props[k]; }
        else if (k === 'cls') { e.className = props[k]; }
        else if (k.indexOf('data-') === 0 || k === 'title' || k === 'href' || k === 'id') { e.setAttribute(k, props[k]); }
        else { e[k] = props[k]; }
      });
    }
    for (var a = 2; a < arguments.length; a++) {
      var c = arguments[a];
      if (c === null || c === undefined) { continue; }
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }

  function td(text, cls) { return el('td', { text: text === undefined || text === null ? '' : String(text), cls: cls || '' }); }
  function str(idx) { return idx < 0 ? '' : S[idx]; }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  function isLeaked(c) { return C.freed[c] < 0; }
  function where(p) {
    if (p > D.axisEnd) { return 'the end of the run'; }
    return (D.axis === 'row' ? 'row ' : 'event ') + num(p);
  }
  /** A position in a table cell: the number alone (the column says what it counts). */
  function at(p) { return p > D.axisEnd ? 'end' : num(p); }
  function typeName(c) { return D.types[C.type[c]]; }

  /** The events of context c: [{step, kind, routine, callback, status, count, at}]. */
  function history(c) {
    var out = [];
    var at = 0;
    for (var k = C.first[c]; k < C.first[c + 1]; k++) {
      var s = D.steps[E[3 * k]];
      at += E[3 * k + 2];
      out.push({ kind: s[0], routine: s[1], callback: s[2], status: s[3], count: E[3 * k + 1], at: at });
    }
    return out;
  }

  /**
   * Text with links: a known context id selects the context; a known header or object id (Scb#3,
   * FileObject#8) shows only the contexts on it.
   */
  function linked(text) {
    var frag = document.createDocumentFragment();
    var re = /\b([A-Za-z][A-Za-z0-9]*#\d+)\b/g;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      var token = m[1];
      var ctx = byId[token];
      var field = knownHeaders[token] ? 'header' : knownObjects[token] ? 'object' : null;
      if (ctx === undefined && field === null) { continue; }
      frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = el('a', { cls: 'ref', text: token, href: '#' });
      if (ctx !== undefined) {
        a.setAttribute('data-ctx', token);
        a.addEventListener('click', selectHandler(ctx));
      } else {
        a.setAttribute('data-' + field, token);
        a.addEventListener('click', refHandler(field, token));
      }
      frag.appendChild(a);
      last = m.index + token.length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function selectHandler(c) {
    return function (ev) { ev.preventDefault(); select(c, true, true); };
  }

  function refHandler(field, value) {
    return function (ev) {
      ev.preventDefault();
      state.ref = { field: field, value: value };
      state.page = 0;
      refresh();
      var row = $('header-' + value);
      if (row) { row.classList.remove('flash'); void row.offsetWidth; row.classList.add('flash'); }
      $('contexts-section').scrollIntoView();
    };
  }

  // ---- summary -------------------------------------------------------------------------------

  function renderSummary() {
    var leaked = 0;
    var perType = {};
    for (var c = 0; c < N; c++) {
      if (isLeaked(c)) { leaked++; }
      perType[typeName(c)] = (perType[typeName(c)] || 0) + 1;
    }
    $('subtitle').textContent = 'fsctx ' + D.kind + ' report: ' + num(N) + ' contexts, ' +
      num(E.length / 3) + ' context events' + (D.axis === 'row' ? ', ' + num(D.axisEnd) + ' trace rows' : '');
    var cards = $('cards');
    function card(id, label, value, bad) {
      cards.appendChild(el('div', { cls: 'card' + (bad ? ' bad' : ''), id: id, 'data-value': String(value) },
        el('div', { cls: 'value', text: num(value) }), el('div', { cls: 'label', text: label })));
    }
    card('card-contexts', 'contexts', N, false);
    card('card-leaked', 'leaked', leaked, leaked > 0);
    Object.keys(perType).sort().forEach(function (t) {
      card('card-type-' + t, t + ' contexts', perType[t], false);
    });
    if (D.axis === 'row') { card('card-rows', 'trace rows', D.axisEnd, false); }
    var unit = D.axis === 'row' ? 'row' : 'event';
    Array.prototype.forEach.call(document.querySelectorAll('th.axis-label'), function (th) {
      th.title = 'position: the ' + (unit === 'row' ? 'trace row being replayed' : 'event number in the run');
    });
    var body = $('figures').tBodies[0];
    D.figures.forEach(function (f) { body.appendChild(el('tr', null, el('th', { text: f[0] }), td(f[1], 'mono'))); });
    if (D.figures.length === 0) { $('figures-section').hidden = true; }
  }

  function renderRequirements() {
    var r = D.requirements;
    if (!r) { return; }
    $('requirements-section').hidden = false;
    $('requirements-summary').textContent = r.fileSystem + ' (' + r.fileSystemClass + '): ' + r.summary;
    var body = $('requirements').tBodies[0];
    r.rows.forEach(function (q) {
      var verdict = q[1] === 'N/A' ? 'NA' : q[1];
      body.appendChild(el('tr', { 'data-requirement': q[0], 'data-verdict': q[1] },
        td(q[0], 'mono'),
        el('td', null, el('span', { cls: 'badge ' + verdict, text: q[1] })),
        td(q[2]),
        el('td', null, linked(q[3])),
        td(q[4], 'note')));
    });
  }

  function renderFindings() {
    if (!D.findings || D.findings.length === 0) { return; }
    $('findings-section').hidden = false;
    var list = $('findings');
    D.findings.forEach(function (f) {
      var text = f[1].indexOf(f[0] + ' ') === 0 ? f[1].slice(f[0].length + 1) : f[1];
      list.appendChild(el('li', { 'data-kind': f[0] }, el('strong', { text: f[0] }), el('pre', { cls: 'mono' }, linked(text))));
    });
  }

  function renderTopFiles() {
    if (D.kind !== 'replay' || D.topFiles.length === 0) { return; }
    $('files-section').hidden = false;
    var body = $('top-files').tBodies[0];
    D.topFiles.forEach(function (f) {
      var name = S[f[0]];
      var tr = el('tr', { cls: f[2] > 0 ? 'leaked' : '', title: 'Show the contexts of this file' },
        td(name, 'file mono'), td(num(f[1]), 'num'), td(num(f[2]), 'num'));
      tr.addEventListener('click', function () {
        $('filter-file').value = name;
        state.file = name.toLowerCase();
        state.page = 0;
        refresh();
        $('contexts-section').scrollIntoView();
      });
      body.appendChild(tr);
    });
  }

  function renderHeaders() {
    var names = Object.keys(knownHeaders);
    if (D.kind !== 'check-fs' || names.length === 0) { return; }
    $('headers-section').hidden = false;
    var files = {};
    var ctxs = {};
    for (var c = 0; c < N; c++) {
      var h = C.header[c];
      if (h < 0) { continue; }
      var name = S[h];
      (files[name] = files[name] || {})[str(C.file[c])] = true;
      (ctxs[name] = ctxs[name] || []).push(c);
    }
    var body = $('headers').tBodies[0];
    names.forEach(function (h) {
      var cell = el('td', { cls: 'mono' });
      ctxs[h].forEach(function (c, k) {
        if (k > 0) { cell.appendChild(document.createTextNode(' ')); }
        var a = el('a', { cls: 'ref', text: C.id[c] + ' ' + typeName(c), href: '#', 'data-ctx': C.id[c] });
        a.addEventListener('click', selectHandler(c));
        cell.appendChild(a);
      });
      var link = el('a', { cls: 'ref', text: h, href: '#', 'data-header': h });
      link.addEventListener('click', refHandler('header', h));
      body.appendChild(el('tr', { id: 'header-' + h }, el('td', { cls: 'mono' }, link),
        td(Object.keys(files[h]).join(', '), 'file mono'), cell));
    });
  }

  // ---- charts --------------------------------------------------------------------------------

  function width(node) { return Math.max(320, node.clientWidth || 600); }
  function fromZero(u, min, max) { return [0, Math.max(1, Math.ceil(max * 1.1))]; }

  function renderAliveChart() {
    var ch = D.chart;
    var node = $('alive-chart');
    if (ch.x.length === 0) {
      node.textContent = 'No context was allocated.';
      return;
    }
    var data = [ch.x];
    var series = [{ label: D.axis === 'row' ? 'row' : 'event' }];
    ch.series.forEach(function (s) {
      data.push(s.values);
      series.push({ label: s.label, stroke: COLORS[s.label] || '#888', width: s.label === 'all' ? 2 : 1.25,
        paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
    });
    /* global uPlot */
    new uPlot({
      width: width(node), height: 240,
      scales: { x: { time: false }, y: { range: fromZero } },
      axes: [{ label: D.axis === 'row' ? 'trace row' : 'event' }, { label: 'contexts alive' }],
      series: series
    }, data, node);
    $('chart-note').textContent = ch.bucket > 1
      ? 'Each point is the peak of ' + num(ch.bucket) + ' ' + (D.axis === 'row' ? 'rows' : 'events') +
        ' (' + num(ch.x.length) + ' points), so no spike is lost.'
      : 'One point per ' + (D.axis === 'row' ? 'trace row' : 'event') + '.';
  }

  var contextChart = null;

  function renderContextChart(h) {
    var node = $('context-chart');
    if (contextChart) { contextChart.destroy(); contextChart = null; }
    node.textContent = '';
    var xs = [0];
    var ys = [0];
    h.forEach(function (e, k) { xs.push(k + 1); ys.push(e.count); });
    contextChart = new uPlot({
      width: width(node), height: 160,
      scales: { x: { time: false }, y: { range: fromZero } },
      axes: [{ label: 'step' }, { label: 'count' }],
      series: [{ label: 'step' }, { label: 'count', stroke: COLORS.all, width: 2,
        paths: uPlot.paths.stepped({ align: 1 }), points: { show: h.length < 200 } }]
    }, [xs, ys], node);
  }

  // ---- contexts table ------------------------------------------------------------------------

  function matches(c) {
    if (state.type !== '' && typeName(c) !== state.type) { return false; }
    if (state.filter !== '' && S[C.filter[c]] !== state.filter) { return false; }
    if (state.status === 'leaked' && !isLeaked(c)) { return false; }
    if (state.status === 'freed' && isLeaked(c)) { return false; }
    if (state.ref !== null && str(C[state.ref.field][c]) !== state.ref.value) { return false; }
    if (state.file !== '' && str(C.file[c]).toLowerCase().indexOf(state.file) < 0) { return false; }
    if (state.search !== '') {
      var q = state.search;
      if (C.id[c].toLowerCase().indexOf(q) < 0 &&
          str(C.file[c]).toLowerCase().indexOf(q) < 0 &&
          str(C.object[c]).toLowerCase().indexOf(q) < 0 &&
          str(C.header[c]).toLowerCase().indexOf(q) < 0 &&
          S[C.filter[c]].toLowerCase().indexOf(q) < 0 &&
          typeName(c).toLowerCase().indexOf(q) < 0) {
        return false;
      }
    }
    return true;
  }

  function refresh() {
    visible = [];
    for (var c = 0; c < N; c++) {
      if (matches(c)) { visible.push(c); }
    }
    var chip = $('filter-ref');
    chip.hidden = state.ref === null;
    chip.textContent = state.ref === null ? '' : 'on ' + state.ref.field + ' ' + state.ref.value + ' \u00d7';
    renderTable();
  }

  function pager(node, page, pages, total, noun, go) {
    node.textContent = '';
    var first = total === 0 ? 0 : page * (noun.size) + 1;
    var last = Math.min(total, (page + 1) * noun.size);
    function button(label, target, enabled) {
      var b = el('button', { type: 'button', text: label });
      b.disabled = !enabled;
      b.addEventListener('click', function () { go(target); });
      return b;
    }
    node.appendChild(button('\u00ab First', 0, page > 0));
    node.appendChild(button('\u2039 Prev', page - 1, page > 0));
    node.appendChild(el('span', { cls: 'count', 'data-count': String(total), 'data-first': String(first), 'data-last': String(last),
      text: (total === 0 ? 'No ' + noun.plural : num(first) + '\u2013' + num(last) + ' of ' + num(total) + ' ' + noun.plural) +
        (noun.all !== undefined && noun.all !== total ? ' (of ' + num(noun.all) + ')' : '') }));
    node.appendChild(button('Next \u203a', page + 1, page < pages - 1));
    node.appendChild(button('Last \u00bb', pages - 1, page < pages - 1));
  }

  function renderTable() {
    var pages = Math.max(1, Math.ceil(visible.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    pager($('contexts-pager'), state.page, pages, visible.length, { size: PAGE, plural: 'contexts', all: N }, function (p) {
      state.page = p;
      renderTable();
    });
    var body = $('contexts').tBodies[0];
    body.textContent = '';
    var start = state.page * PAGE;
    for (var k = start; k < Math.min(visible.length, start + PAGE); k++) {
      body.appendChild(contextRow(visible[k]));
    }
  }

  function contextRow(c) {
    var leaked = isLeaked(c);
    var end = leaked ? axisMax : C.freed[c];
    var left = 100 * (C.allocated[c] - 1) / axisMax;
    var span = el('span', { title: where(C.allocated[c]) + ' \u2192 ' + (leaked ? 'never freed' : where(C.freed[c])) });
    span.style.left = Math.max(0, left) + '%';
    span.style.width = Math.max(0.5, 100 * (end - C.allocated[c] + 1) / axisMax) + '%';
    var tr = el('tr', { cls: (leaked ? 'leaked' : '') + (c === state.selected ? ' selected' : ''),
      'data-ctx': C.id[c], 'data-state': leaked ? 'leaked' : 'freed' },
      td(C.id[c], 'mono'), td(typeName(c)), td(S[C.filter[c]], 'col-filter'), td(str(C.object[c]), 'mono'), td(str(C.file[c]), 'file mono'),
      td(at(C.allocated[c]), 'num'),
      leaked ? el('td', { cls: 'num' }, el('span', { cls: 'badge leaked', text: 'LEAKED' })) : td(at(C.freed[c]), 'num'),
      td(C.peak[c], 'num'), td(C.first[c + 1] - C.first[c], 'num'),
      el('td', null, el('div', { cls: 'life' }, span)));
    tr.addEventListener('click', function () { select(c, false, false); });
    return tr;
  }

  // ---- one context ---------------------------------------------------------------------------

  /** Shows context c's history; reveal: also show its row in the table (and, scroll, go there). */
  function select(c, reveal, scroll) {
    state.selected = c;
    state.historyPage = 0;
    var rows = $('contexts').tBodies[0].rows;
    for (var r = 0; r < rows.length; r++) {
      rows[r].classList.toggle('selected', rows[r].getAttribute('data-ctx') === C.id[c]);
    }
    if (reveal) {
      var at = visible.indexOf(c);
      if (at < 0) {
        clearFilters();
        at = visible.indexOf(c);
      }
      state.page = Math.floor(at / PAGE);
      renderTable();
    }
    renderDetail(c);
    if (scroll) { $('detail').scrollIntoView(); }
  }

  function fact(dl, label, value, cls) {
    dl.appendChild(el('dt', { text: label }));
    dl.appendChild(el('dd', { cls: cls || '' }, value));
  }

  function stepText(e) {
    return e.routine + (e.callback ? ' in ' + e.callback : ' outside any callback') + ', ' + where(e.at);
  }

  function renderDetail(c) {
    var h = history(c);
    var leaked = isLeaked(c);
    $('detail').setAttribute('data-ctx', C.id[c]);
    $('detail-title').textContent = 'History of ' + C.id[c] + ' (' + typeName(c) + ')';
    $('detail-hint').hidden = true;
    $('detail-body').hidden = false;
    var dl = $('detail-facts');
    dl.textContent = '';
    fact(dl, 'Filter', S[C.filter[c]]);
    fact(dl, 'Attached to', str(C.object[c]) || 'never attached', 'mono');
    if (C.file[c] >= 0) { fact(dl, 'File', str(C.file[c]), 'mono'); }
    if (C.header[c] >= 0) { fact(dl, 'FCB header', linked(str(C.header[c])), 'mono'); }
    fact(dl, 'Allocated', where(C.allocated[c]));
    fact(dl, 'Freed', leaked ? 'never: leaked' : where(C.freed[c]));
    fact(dl, 'Peak count', String(C.peak[c]));
    renderLeak(c, h, leaked);
    renderContextChart(h);
    renderHistory(h);
  }

  function renderLeak(c, h, leaked) {
    var box = $('leak-box');
    box.textContent = '';
    box.hidden = !leaked;
    if (!leaked) { return; }
    box.appendChild(el('h3', { text: 'Leaked: allocated and never freed by the end of the run' }));
    var list = el('ul');
    if (h.length > 0) { list.appendChild(el('li', { text: 'Allocated by ' + stepText(h[0]) })); }
    var lastAccess = null;
    h.forEach(function (e) { if (ACCESS[e.kind]) { lastAccess = e; } });
    if (lastAccess) { list.appendChild(el('li', { text: 'Last access: ' + stepText(lastAccess) + ', count ' + lastAccess.count + ' after it' })); }
    if (h.length > 0) { list.appendChild(el('li', { text: 'Count at the end: ' + h[h.length - 1].count })); }
    box.appendChild(list);
    var v = D.leaks[C.id[c]];
    if (!v) {
      box.appendChild(el('p', { cls: 'note', text: 'The verifier gave no details for this context.' }));
      return;
    }
    box.appendChild(el('p', { cls: 'mono', text: v.description }));
    var sites = el('ul');
    sites.appendChild(el('li', null, 'Allocation site: ', el('code', { text: v.allocatedAt || 'not recorded (verifier level below TRACKING)' })));
    if (v.lastAccessAt) { sites.appendChild(el('li', null, 'Last access site: ', el('code', { text: v.lastAccessAt }))); }
    box.appendChild(sites);
    if (v.held.length > 0) {
      box.appendChild(el('p', { text: 'References still held:' }));
      var held = el('ul', { id: 'held-references' });
      v.held.forEach(function (r) { held.appendChild(el('li', null, el('pre', { cls: 'mono', text: r }))); });
      box.appendChild(held);
    }
  }

  var currentHistory = [];

  function renderHistory(h) {
    currentHistory = h;
    var pages = Math.max(1, Math.ceil(h.length / HISTORY_PAGE));
    pager($('history-pager'), state.historyPage, pages, h.length, { size: HISTORY_PAGE, plural: 'steps' }, function (p) {
      state.historyPage = p;
      renderHistory(currentHistory);
    });
    var body = $('history').tBodies[0];
    body.textContent = '';
    var start = state.historyPage * HISTORY_PAGE;
    for (var k = start; k < Math.min(h.length, start + HISTORY_PAGE); k++) {
      var e = h[k];
      body.appendChild(el('tr', { 'data-kind': e.kind },
        td(k + 1, 'num'), td(at(e.at), 'num'), td(e.kind), td(e.callback || '\u2014'), td(e.routine, 'mono'),
        td(e.count, 'num'), td(e.status && e.status.indexOf('STATUS_SUCCESS ') !== 0 ? e.status : '', 'mono wrap')));
    }
  }

  // ---- filters -------------------------------------------------------------------------------

  function fillSelect(id, values) {
    var s = $(id);
    values.forEach(function (v) { s.appendChild(el('option', { value: v, text: v })); });
  }

  function clearFilters() {
    state.type = state.filter = state.status = state.file = state.search = '';
    state.ref = null;
    $('filter-type').value = '';
    $('filter-filter').value = '';
    $('filter-state').value = '';
    $('filter-file').value = '';
    $('filter-search').value = '';
    state.page = 0;
    refresh();
  }

  function wireFilters() {
    var types = {};
    var filters = {};
    for (var c = 0; c < N; c++) {
      types[typeName(c)] = true;
      filters[S[C.filter[c]]] = true;
    }
    fillSelect('filter-type', Object.keys(types).sort());
    fillSelect('filter-filter', Object.keys(filters).sort());
    // One filter (the usual case): its column says nothing, so it is hidden.
    $('contexts').classList.toggle('one-filter', Object.keys(filters).length < 2);
    var timer = null;
    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        state.file = $('filter-file').value.trim().toLowerCase();
        state.search = $('filter-search').value.trim().toLowerCase();
        state.page = 0;
        refresh();
      }, 120);
    }
    $('filter-type').addEventListener('change', function (ev) { state.type = ev.target.value; state.page = 0; refresh(); });
    $('filter-filter').addEventListener('change', function (ev) { state.filter = ev.target.value; state.page = 0; refresh(); });
    $('filter-state').addEventListener('change', function (ev) { state.status = ev.target.value; state.page = 0; refresh(); });
    $('filter-file').addEventListener('input', later);
    $('filter-search').addEventListener('input', later);
    $('filter-clear').addEventListener('click', clearFilters);
    $('filter-ref').addEventListener('click', function () { state.ref = null; state.page = 0; refresh(); });
    $('filters').addEventListener('submit', function (ev) { ev.preventDefault(); });
  }

  /** #select=Ctx#3 selects a context; #select=leaked the first leaked one. */
  function fromHash() {
    var m = /^#select=(.+)$/.exec(decodeURIComponent(location.hash || ''));
    if (!m) { return false; }
    var c = byId[m[1]];
    if (m[1] === 'leaked') {
      for (var k = 0; k < N && c === undefined; k++) { if (isLeaked(k)) { c = k; } }
    }
    if (c === undefined) { return false; }
    select(c, true, false);
    return true;
  }

  window.addEventListener('error', function (ev) {
    var b = $('error-banner');
    b.hidden = false;
    b.textContent = 'This report hit an error: ' + ev.message;
  });

  renderSummary();
  renderRequirements();
  renderFindings();
  renderAliveChart();
  wireFilters();
  refresh();
  renderTopFiles();
  renderHeaders();
  if (!fromHash()) {
    if (N === 1) {
      select(0, false, false);
    } else {
      for (var k = 0; k < N; k++) {
        if (isLeaked(k)) { select(k, true, false); break; }
      }
    }
  }
  window.addEventListener('hashchange', fromHash);
  document.body.setAttribute('data-ready', 'true');
})();
