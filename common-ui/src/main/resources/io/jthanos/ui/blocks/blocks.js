/* Block viewer (Thanos' bucket UI): every block of a view on a timeline, one row per stream (external
 * labels, or the --bucket-web-label value) and resolution, overlapping blocks stacked in lanes; a
 * click shows the block's meta.json details and lets an operator mark it for deletion or no
 * compaction. Served by the compactor (/blocks, /loaded), the store gateway and tools bucket web. */
(function () {
  'use strict';
  const { el, api, fmtTime, alertBox, start } = Shell;
  const SVG = 'http://www.w3.org/2000/svg';
  const LEVEL_COLORS = ['#94a3b8', '#60a5fa', '#34d399', '#fbbf24', '#f87171', '#a78bfa', '#f472b6'];
  const RES_NAMES = { 0: 'raw', 300000: '5m', 3600000: '1h' };

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  function labelText(labels) {
    return '{' + Object.entries(labels || {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => k + '="' + v + '"').join(', ') + '}';
  }

  function duration(ms) {
    const h = Math.floor(ms / 3600000);
    const d = Math.floor(h / 24);
    const m = Math.floor((ms % 3600000) / 60000);
    if (d > 0) return d + 'd' + (h % 24 ? (h % 24) + 'h' : '');
    if (h > 0) return h + 'h' + (m ? m + 'm' : '');
    return m + 'm';
  }

  /** Rows of blocks: one per stream title and resolution, lanes inside for overlaps. */
  function rows(blocks, label) {
    const byKey = new Map();
    for (const b of blocks) {
      const t = b.thanos || {};
      const title = label ? (label + '=' + ((t.labels || {})[label] || '')) : labelText(t.labels);
      const res = (t.downsample || {}).resolution || 0;
      const key = title + '\u0000' + res;
      if (!byKey.has(key)) byKey.set(key, { title, res, blocks: [] });
      byKey.get(key).blocks.push(b);
    }
    const out = [...byKey.values()].sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.res - b.res));
    for (const r of out) {
      r.blocks.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : 1));
      const laneEnds = [];
      for (const b of r.blocks) {
        let lane = laneEnds.findIndex((end) => end <= b.minTime);
        if (lane < 0) { lane = laneEnds.length; laneEnds.push(0); }
        laneEnds[lane] = b.maxTime;
        b._lane = lane;
      }
      r.lanes = Math.max(1, laneEnds.length);
    }
    return out;
  }

  function details(b, onMarked) {
    const t = b.thanos || {};
    const c = b.compaction || {};
    const s = b.stats || {};
    const res = (t.downsample || {}).resolution || 0;
    const detail = el('input', { placeholder: 'Detail (optional)', size: 30 });
    const msg = el('div');
    const mark = async (action) => {
      try {
        await api('/api/v1/blocks/mark', { id: b.ulid, action, detail: detail.value }, 'POST');
        msg.replaceChildren(alertBox('warn', 'Marked ' + b.ulid + ' (' + action + ')'));
        if (onMarked) onMarked();
      } catch (e) { msg.replaceChildren(alertBox('error', e.message)); }
    };
    return el('div', { class: 'panel', id: 'block-details' },
      el('h2', {}, b.ulid),
      Shell.table(['Field', 'Value'], [
        ['Start Time', fmtTime(b.minTime)],
        ['End Time', fmtTime(b.maxTime)],
        ['Duration', duration(b.maxTime - b.minTime)],
        ['Series', String(s.numSeries || 0)],
        ['Samples', String(s.numSamples || 0)],
        ['Chunks', String(s.numChunks || 0)],
        ['Resolution', RES_NAMES[res] || String(res)],
        ['Level', String(c.level || 0)],
        ['Sources', String((c.sources || []).length)],
        ['Source', t.source || ''],
        ['Labels', labelText(t.labels)],
      ]),
      el('div', { class: 'row' }, detail,
        el('button', { onclick: () => mark('DELETION') }, 'Mark deletion'),
        el('button', { class: 'secondary', onclick: () => mark('NO_COMPACTION') }, 'Mark no compaction')),
      msg);
  }

  function timeline(data, holder, filterText) {
    const blocks = (data.blocks || []).filter((b) => !filterText ||
      b.ulid.toLowerCase().includes(filterText) || labelText((b.thanos || {}).labels).toLowerCase().includes(filterText));
    const summary = el('p', { class: 'muted', id: 'blocks-summary' }, blocks.length + ' blocks');
    if (blocks.length === 0) {
      holder.replaceChildren(summary);
      return;
    }
    const rs = rows(blocks, data.label);
    let min = Infinity, max = -Infinity;
    for (const b of blocks) { min = Math.min(min, b.minTime); max = Math.max(max, b.maxTime); }
    const span = Math.max(1, max - min);
    const W = 1000, LANE = 22, GAP = 14, LEFT = 0;
    let height = 0;
    for (const r of rs) height += r.lanes * LANE + GAP + 16;
    const chart = svg('svg', { id: 'timeline', width: '100%', viewBox: '0 0 ' + W + ' ' + (height + 20), preserveAspectRatio: 'none' });
    chart.style.height = (height + 20) + 'px';
    const panel = el('div');
    let y = 0;
    for (const r of rs) {
      const title = svg('text', { x: 2, y: y + 12, class: 'row-title', 'font-size': 12 });
      title.textContent = r.title + ' @ ' + (RES_NAMES[r.res] || r.res);
      chart.append(title);
      y += 16;
      for (const b of r.blocks) {
        const x = LEFT + ((b.minTime - min) / span) * (W - LEFT);
        const w = Math.max(2, ((b.maxTime - b.minTime) / span) * (W - LEFT) - 1);
        const level = ((b.compaction || {}).level || 1);
        const rect = svg('rect', {
          class: 'block', 'data-ulid': b.ulid, x, y: y + b._lane * LANE, width: w, height: LANE - 4,
          fill: LEVEL_COLORS[Math.min(level, LEVEL_COLORS.length - 1)], stroke: '#1f2937', 'stroke-width': 0.5, rx: 2,
        });
        const tip = svg('title');
        tip.textContent = b.ulid + ' ' + fmtTime(b.minTime) + ' – ' + fmtTime(b.maxTime);
        rect.append(tip);
        rect.style.cursor = 'pointer';
        rect.addEventListener('click', () => {
          chart.querySelectorAll('rect.selected').forEach((e) => e.classList.remove('selected'));
          rect.classList.add('selected');
          panel.replaceChildren(details(b));
        });
        chart.append(rect);
      }
      y += r.lanes * LANE + GAP;
    }
    const axis = el('div', { class: 'row muted' }, el('span', {}, fmtTime(min)), el('span', { style: 'flex:1' }), el('span', {}, fmtTime(max)));
    holder.replaceChildren(summary, el('div', { class: 'panel' }, chart, axis), panel);
  }

  function page(view) {
    return async function (root) {
      root.replaceChildren(el('h1', {}, view === 'loaded' ? 'Loaded Blocks' : 'Blocks'));
      const info = el('div');
      const filter = el('input', { placeholder: 'Filter by ULID or labels', size: 40, id: 'blocks-filter' });
      const holder = el('div', { id: 'blocks' });
      root.append(el('div', { class: 'row' }, filter), info, holder);
      let data;
      try {
        data = (await api('/api/v1/blocks', view === 'loaded' ? { view: 'loaded' } : {})).data;
      } catch (e) { info.append(alertBox('error', e.message)); return; }
      info.append(el('p', { class: 'muted' }, 'Refreshed at ' + data.refreshedAt));
      if (data.err) info.append(alertBox('error', String(data.err)));
      const render = () => timeline(data, holder, filter.value.toLowerCase());
      filter.addEventListener('input', render);
      render();
    };
  }

  const comp = window.THANOS_COMPONENT || 'tools';
  const nav = [['/blocks', 'Blocks']];
  const pages = { '/blocks': page('global') };
  if (comp !== 'tools') {
    nav.push(['/loaded', 'Loaded Blocks']);
    pages['/loaded'] = page('loaded');
  }
  nav.push(['/status', 'Status'], ['/flags', 'Flags']);
  start({ title: 'Thanos ' + (comp === 'tools' ? 'Bucket' : comp.charAt(0).toUpperCase() + comp.slice(1)), nav, pages, home: '/blocks' });
})();
