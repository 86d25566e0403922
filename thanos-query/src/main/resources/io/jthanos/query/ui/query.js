/* Thanos querier UI: Graph (expression, table and graph), Stores, Alerts, Rules, Targets.
 * Built on the shared shell (shell.js) and Chart.js; all API calls are form POSTs like Thanos'. */
(function () {
  'use strict';
  const { el, api, labels, metricName, fmtTime, table, alertBox } = window.Shell;

  function parseDuration(s) {
    const m = /^(\d+)([smhdwy])$/.exec((s || '').trim());
    if (!m) return null;
    const mult = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2]];
    return Number(m[1]) * mult;
  }

  function parseEnd(s) {
    if (!s) return null;
    if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
    const t = Date.parse(s.endsWith('Z') || s.includes('+') ? s : s + 'Z');
    return isNaN(t) ? null : t / 1000;
  }

  const HISTORY_KEY = 'thanos.query.history';
  function history() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]'); } catch (e) { return []; }
  }
  function remember(expr) {
    const h = history().filter((x) => x !== expr);
    h.unshift(expr);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(h.slice(0, 50)));
  }

  let metricNames = null;
  async function loadMetricNames() {
    if (metricNames) return metricNames;
    try { metricNames = (await api('/api/v1/label/__name__/values')).data; } catch (e) { metricNames = []; }
    return metricNames;
  }

  function graphPage(root) {
    const params = new URLSearchParams(location.search);
    const expr = el('textarea', { id: 'expr', placeholder: 'Expression (press Shift+Enter for newlines)', rows: 1 });
    expr.value = params.get('expr') || '';
    const suggest = el('div', { class: 'suggest', id: 'suggest', style: 'display:none' });
    const execute = el('button', { id: 'execute' }, 'Execute');
    const dedup = el('input', { type: 'checkbox', id: 'dedup', checked: true });
    const partial = el('input', { type: 'checkbox', id: 'partial', checked: true });
    const maxRes = el('select', { id: 'max-res' },
      el('option', { value: 'auto' }, 'Auto downsampling'),
      el('option', { value: '0s', selected: true }, 'Only raw data'),
      el('option', { value: '5m' }, 'Max 5m downsampling'),
      el('option', { value: '1h' }, 'Max 1h downsampling'));
    const engine = el('select', { id: 'engine' }, el('option', { value: 'prometheus' }, 'Prometheus'), el('option', { value: 'thanos' }, 'Thanos'));
    const range = el('input', { id: 'range', size: 6, value: params.get('range') || '1h', title: 'Range (e.g. 1h, 30m, 2d)' });
    const end = el('input', { id: 'end', size: 22, value: params.get('end') || '', placeholder: 'End time (empty = now)' });
    const step = el('input', { id: 'step', size: 6, value: params.get('step') || '', placeholder: 'Res. (s)' });
    const store = el('input', { id: 'store-match', size: 24, placeholder: 'storeMatch[] e.g. {__address__=~"a.*"}' });
    const tabTable = el('a', { id: 'tab-table' }, 'Table');
    const tabGraph = el('a', { id: 'tab-graph' }, 'Graph');
    const messages = el('div', { id: 'messages' });
    const results = el('div', { id: 'results' });
    let tab = params.get('tab') === 'graph' ? 'graph' : 'table';
    let chart = null;

    const histList = el('datalist', { id: 'history' });

    function setTab(t) {
      tab = t;
      tabTable.className = t === 'table' ? 'active' : '';
      tabGraph.className = t === 'graph' ? 'active' : '';
    }
    tabTable.addEventListener('click', () => { setTab('table'); run(); });
    tabGraph.addEventListener('click', () => { setTab('graph'); run(); });
    setTab(tab);

    function common() {
      const p = { query: expr.value, dedup: dedup.checked ? 'true' : 'false', partial_response: partial.checked ? 'true' : 'false', engine: engine.value };
      p.max_source_resolution = maxRes.value;
      if (store.value.trim()) p['storeMatch[]'] = [store.value.trim()];
      return p;
    }

    function showWarnings(json) {
      for (const w of json.warnings || []) messages.append(alertBox('warn', w));
    }

    async function run() {
      messages.replaceChildren();
      results.replaceChildren();
      if (chart) { chart.destroy(); chart = null; }
      if (!expr.value.trim()) return;
      remember(expr.value.trim());
      const endS = parseEnd(end.value) || Date.now() / 1000;
      const started = performance.now();
      try {
        if (tab === 'table') {
          const json = await api('/api/v1/query', Object.assign(common(), { time: endS }), 'POST');
          showWarnings(json);
          renderTable(json.data);
        } else {
          const rangeS = parseDuration(range.value) || 3600;
          const stepS = Number(step.value) || Math.max(Math.floor(rangeS / 250), 1);
          const json = await api('/api/v1/query_range', Object.assign(common(), { start: endS - rangeS, end: endS, step: stepS }), 'POST');
          showWarnings(json);
          renderGraph(json.data, (endS - rangeS) * 1000, endS * 1000);
        }
        messages.append(el('div', { class: 'muted', id: 'took' }, 'Load time: ' + Math.round(performance.now() - started) + 'ms'));
      } catch (e) {
        messages.append(alertBox('error', 'Error executing query: ' + e.message));
      }
    }

    function renderTable(data) {
      let rows;
      if (data.resultType === 'vector') {
        rows = data.result.map((s) => [el('code', {}, metricName(s.metric)), s.value[1]]);
      } else if (data.resultType === 'matrix') {
        rows = data.result.map((s) => [el('code', {}, metricName(s.metric)), s.values.map((v) => v[1] + ' @' + v[0]).join('\n')]);
      } else {
        rows = [['scalar' === data.resultType ? 'scalar' : 'string', data.result[1]]];
      }
      if (rows.length === 0) {
        results.append(el('p', { class: 'muted', id: 'empty' }, 'Empty query result'));
        return;
      }
      results.append(table(['Element', 'Value'], rows));
    }

    const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#4b5563', '#ea580c'];

    function renderGraph(data, startMs, endMs) {
      if (data.resultType !== 'matrix' || data.result.length === 0) {
        results.append(el('p', { class: 'muted', id: 'empty' }, 'No datapoints found.'));
        return;
      }
      const canvas = el('canvas', { id: 'graph' });
      results.append(el('div', { class: 'chart' }, canvas));
      const datasets = data.result.map((s, i) => ({
        label: metricName(s.metric),
        data: s.values.map((v) => ({ x: v[0] * 1000, y: Number(v[1]) })),
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        borderWidth: 1.5, pointRadius: 0, spanGaps: false, tension: 0,
      }));
      chart = new window.Chart(canvas, {
        type: 'line',
        data: { datasets },
        options: {
          animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
          interaction: { mode: 'nearest', intersect: false },
          scales: {
            x: { type: 'linear', min: startMs, max: endMs, ticks: { callback: (v) => new Date(v).toISOString().slice(11, 16), maxTicksLimit: 10 } },
            y: { type: 'linear' },
          },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } }, tooltip: { callbacks: { title: (items) => fmtTime(items[0].parsed.x) } } },
        },
      });
      results.append(table(['Series', 'Points'], data.result.map((s) => [el('code', {}, metricName(s.metric)), String(s.values.length)])));
    }

    // Autocomplete of metric names (and history) for the word under the cursor.
    let selected = -1;
    async function updateSuggest() {
      const pos = expr.selectionStart;
      const before = expr.value.slice(0, pos);
      const m = /[a-zA-Z_:][a-zA-Z0-9_:]*$/.exec(before);
      const word = m ? m[0] : '';
      if (word.length < 1) { suggest.style.display = 'none'; return; }
      const names = await loadMetricNames();
      const items = names.filter((n) => n.startsWith(word) && n !== word).slice(0, 20)
        .concat(history().filter((h) => h.startsWith(expr.value) && h !== expr.value).slice(0, 5));
      if (items.length === 0) { suggest.style.display = 'none'; return; }
      selected = -1;
      suggest.replaceChildren(...items.map((n) => el('div', { onmousedown: (ev) => { ev.preventDefault(); accept(n, word); } }, n)));
      suggest.style.display = 'block';
    }
    function accept(text, word) {
      const pos = expr.selectionStart;
      if (text.startsWith(expr.value)) expr.value = text;
      else expr.value = expr.value.slice(0, pos - word.length) + text + expr.value.slice(pos);
      suggest.style.display = 'none';
      expr.focus();
    }
    expr.addEventListener('input', updateSuggest);
    expr.addEventListener('blur', () => setTimeout(() => { suggest.style.display = 'none'; }, 100));
    expr.addEventListener('keydown', (ev) => {
      const items = suggest.style.display === 'block' ? [...suggest.children] : [];
      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        if (selected >= 0 && items[selected]) { items[selected].dispatchEvent(new MouseEvent('mousedown')); return; }
        suggest.style.display = 'none';
        run();
      } else if (ev.key === 'ArrowDown' && items.length) {
        ev.preventDefault(); selected = Math.min(items.length - 1, selected + 1);
        items.forEach((x, i) => { x.className = i === selected ? 'sel' : ''; });
      } else if (ev.key === 'ArrowUp' && items.length) {
        ev.preventDefault(); selected = Math.max(0, selected - 1);
        items.forEach((x, i) => { x.className = i === selected ? 'sel' : ''; });
      } else if (ev.key === 'Escape') {
        suggest.style.display = 'none';
      }
    });
    execute.addEventListener('click', run);

    for (const h of history()) histList.append(el('option', { value: h }));
    root.replaceChildren(
      el('div', { class: 'panel' },
        el('div', { class: 'expr', style: 'position:relative' }, expr, execute),
        suggest,
        el('div', { class: 'row' },
          el('label', {}, dedup, ' Use Deduplication'),
          el('label', {}, partial, ' Use Partial Response'),
          maxRes, engine,
          el('span', { class: 'muted' }, 'Range'), range,
          el('span', { class: 'muted' }, 'End'), end,
          el('span', { class: 'muted' }, 'Resolution'), step, store),
        el('div', { class: 'tabs' }, tabTable, tabGraph),
        messages, results));
    if (expr.value) run();
  }

  async function storesPage(root) {
    root.replaceChildren(el('h1', {}, 'Endpoints'));
    try {
      const json = await api('/api/v1/stores');
      const types = Object.keys(json.data).sort();
      if (types.length === 0) root.append(el('p', { class: 'muted' }, 'No endpoints configured.'));
      for (const type of types) {
        root.append(el('h2', {}, type));
        const rows = json.data[type].map((s) => [
          el('code', { class: 'endpoint' }, s.name),
          el('span', { class: 'badge ' + (s.lastError ? 'down' : 'up') }, s.lastError ? 'DOWN' : 'UP'),
          el('div', {}, (s.labelSets || []).map((ls) => el('div', {}, labels(ls)))),
          fmtTime(s.minTime), fmtTime(s.maxTime), s.lastCheck, s.lastError || '']);
        const t = table(['Endpoint', 'Status', 'Announced LabelSets', 'Min Time (UTC)', 'Max Time (UTC)', 'Last Successful Health Check', 'Last Message'], rows);
        t.id = 'stores-' + type;
        root.append(t);
      }
    } catch (e) { root.append(alertBox('error', e.message)); }
  }

  async function alertsPage(root) {
    root.replaceChildren(el('h1', {}, 'Alerts'));
    try {
      const json = await api('/api/v1/rules', { type: 'alert' });
      for (const w of json.warnings || []) root.append(alertBox('warn', w));
      const rules = json.data.groups.flatMap((g) => g.rules.map((r) => Object.assign({ group: g.name }, r)));
      if (rules.length === 0) root.append(el('p', { class: 'muted' }, 'No alerting rules.'));
      root.append(table(['Alert', 'State', 'Group', 'Active', 'Labels'], rules.map((r) => [
        r.name, el('span', { class: 'badge ' + r.state }, r.state.toUpperCase()), r.group,
        String((r.alerts || []).length), el('div', {}, labels(r.labels))])));
    } catch (e) { root.append(alertBox('error', e.message)); }
  }

  async function rulesPage(root) {
    root.replaceChildren(el('h1', {}, 'Rules'));
    try {
      const json = await api('/api/v1/rules');
      for (const w of json.warnings || []) root.append(alertBox('warn', w));
      if (json.data.groups.length === 0) root.append(el('p', { class: 'muted' }, 'No rule groups.'));
      for (const g of json.data.groups) {
        root.append(el('h2', {}, g.name + ' ', el('span', { class: 'muted' }, g.file + ', every ' + g.interval + 's')));
        root.append(table(['Rule', 'State', 'Error', 'Last Evaluation', 'Evaluation Time'], g.rules.map((r) => [
          el('code', {}, (r.type === 'alerting' ? 'alert: ' : 'record: ') + r.name + '\nexpr: ' + r.query),
          el('span', { class: 'badge ' + (r.health === 'ok' ? 'ok' : 'err') }, r.health.toUpperCase()),
          r.lastError || '', r.lastEvaluation, String(r.evaluationTime) + 's'])));
      }
    } catch (e) { root.append(alertBox('error', e.message)); }
  }

  async function targetsPage(root) {
    root.replaceChildren(el('h1', {}, 'Targets'));
    try {
      const json = await api('/api/v1/targets', { state: 'active' });
      for (const w of json.warnings || []) root.append(alertBox('warn', w));
      root.append(table(['Endpoint', 'State', 'Labels', 'Last Scrape', 'Error'], (json.data.activeTargets || []).map((t) => [
        t.scrapeUrl, el('span', { class: 'badge ' + t.health }, t.health.toUpperCase()),
        el('div', {}, labels(t.labels)), t.lastScrape, t.lastError || ''])));
    } catch (e) { root.append(alertBox('error', e.message)); }
  }

  window.Shell.start({
    title: 'Thanos Query',
    home: '/graph',
    nav: [['/graph', 'Graph'], ['/stores', 'Endpoints'], ['/alerts', 'Alerts'], ['/rules', 'Rules'], ['/targets', 'Targets'], ['/status', 'Status'], ['/flags', 'Flags']],
    pages: { '/': graphPage, '/graph': graphPage, '/stores': storesPage, '/alerts': alertsPage, '/rules': rulesPage, '/targets': targetsPage },
  });
})();
