/* The page shell shared by every component's UI: navigation, API calls under the web prefix,
 * small DOM and formatting helpers, and the Status and Flags pages. A component script calls
 * Shell.start({title, nav: [[path, label], ...], pages: {path: render(el)}}). */
(function () {
  'use strict';
  const prefix = window.PATH_PREFIX || '';

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  /** Calls the API; resolves with the envelope, rejects with the error message. */
  async function api(path, params, method) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (Array.isArray(v)) v.forEach((x) => body.append(k, x));
      else if (v !== undefined && v !== null && v !== '') body.append(k, v);
    }
    const url = prefix + path;
    let resp;
    if ((method || 'GET') === 'POST') {
      resp = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    } else {
      const q = body.toString();
      resp = await fetch(q ? url + '?' + q : url);
    }
    let json;
    try { json = await resp.json(); } catch (e) { throw new Error('HTTP ' + resp.status); }
    if (json.status !== 'success') throw new Error(json.error || ('HTTP ' + resp.status));
    return json;
  }

  function labels(obj) {
    return Object.entries(obj || {}).map(([k, v]) => el('span', { class: 'label' }, k + '="' + v + '"'));
  }

  function metricName(metric) {
    const m = Object.assign({}, metric || {});
    const name = m.__name__ || '';
    delete m.__name__;
    const inner = Object.entries(m).map(([k, v]) => k + '="' + v + '"').join(', ');
    return name + '{' + inner + '}';
  }

  function fmtTime(ms) {
    if (ms === null || ms === undefined) return '';
    if (ms <= -9e15 || ms >= 9e15) return ms < 0 ? '-Inf' : '+Inf';
    return new Date(ms).toISOString().replace('T', ' ').replace('.000Z', ' UTC').replace('Z', ' UTC');
  }

  function table(headers, rows) {
    return el('table', {},
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))));
  }

  function alertBox(kind, text) { return el('div', { class: 'alert ' + kind }, text); }

  async function statusPage(root) {
    root.replaceChildren(el('h1', {}, 'Runtime & Build Information'));
    try {
      const [rt, bi] = await Promise.all([api('/api/v1/status/runtimeinfo'), api('/api/v1/status/buildinfo')]);
      root.append(el('h2', {}, 'Runtime Information'),
        table(['Name', 'Value'], Object.entries(rt.data).map(([k, v]) => [k, String(v)])),
        el('h2', {}, 'Build Information'),
        table(['Name', 'Value'], Object.entries(bi.data).map(([k, v]) => [k, String(v)])));
    } catch (e) { root.append(alertBox('error', e.message)); }
  }

  async function flagsPage(root) {
    root.replaceChildren(el('h1', {}, 'Command-Line Flags'));
    const filter = el('input', { placeholder: 'Filter by flag name or value', size: 40 });
    const holder = el('div');
    root.append(el('div', { class: 'row' }, filter), holder);
    try {
      const flags = (await api('/api/v1/status/flags')).data;
      const render = () => {
        const f = filter.value.toLowerCase();
        const rows = Object.entries(flags).filter(([k, v]) => !f || k.toLowerCase().includes(f) || String(v).toLowerCase().includes(f))
          .map(([k, v]) => [el('code', {}, '--' + k), el('code', {}, String(v))]);
        holder.replaceChildren(table(['Flag', 'Value'], rows));
      };
      filter.addEventListener('input', render);
      render();
    } catch (e) { holder.append(alertBox('error', e.message)); }
  }

  function start(spec) {
    const path = location.pathname.slice(prefix.length) || '/';
    const nav = document.getElementById('nav');
    nav.replaceChildren(el('a', { class: 'brand', href: prefix + '/' }, spec.title || 'Thanos'));
    for (const [p, label] of spec.nav || []) {
      nav.append(el('a', { class: 'item' + (p === path ? ' active' : ''), href: prefix + p }, label));
    }
    const pages = Object.assign({ '/status': statusPage, '/flags': flagsPage }, spec.pages || {});
    const render = pages[path] || pages[spec.home || '/'];
    const root = document.getElementById('app');
    root.replaceChildren();
    if (render) render(root);
    else root.append(alertBox('error', 'unknown page ' + path));
  }

  window.Shell = { el, api, labels, metricName, fmtTime, table, alertBox, start, prefix };
})();
