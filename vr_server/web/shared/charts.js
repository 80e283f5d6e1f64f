// Charts as inline SVG strings: vertical bars, horizontal bars and a ring. No library, no
// canvas: they scale with the page, print well and their text is real text (Thai included).
// Every label passes through `esc`; numbers are formatted by the caller's `format`.

import { esc } from './format.js';

const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#7c3aed', '#0891b2', '#db2777', '#64748b'];

/** Round axis maximum and tick step for `max` (e.g. 37 -> 40 by 10). */
export function niceScale(max, ticks = 4) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return { top: Math.ceil(max / step) * step, step };
}

/**
 * Vertical bars. data: [{label, value, title?}]. Labels are thinned out when crowded.
 * options: {width (px, default from the bar count), height, format(v), color, integer, ariaLabel}
 */
export function barChart(data, { width = null, height = 240, format = String, color = PALETTE[0], integer = true, ariaLabel = '' } = {}) {
  width = Math.max(280, width ?? data.length * 28 + 60);
  const pad = { top: 14, right: 10, bottom: 34, left: 44 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const max = Math.max(0, ...data.map((d) => d.value));
  const { top, step } = niceScale(integer ? Math.max(max, 4) : max);
  const y = (v) => pad.top + innerH - (v / top) * innerH;
  const slot = innerW / Math.max(1, data.length);
  const barW = Math.max(4, Math.min(42, slot * 0.7));
  const every = Math.max(1, Math.ceil(data.length / Math.floor(innerW / 46)));
  let grid = '';
  for (let v = 0; v <= top + 1e-9; v += step) {
    grid += `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`;
    grid += `<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end" class="axis">${esc(format(v))}</text>`;
  }
  const bars = data.map((d, i) => {
    const x = pad.left + i * slot + (slot - barW) / 2;
    const h = Math.max(0, y(0) - y(d.value));
    const label = i % every === 0 ? `<text x="${x + barW / 2}" y="${height - pad.bottom + 16}" text-anchor="middle" class="axis">${esc(d.label)}</text>` : '';
    const value = d.value > 0 && data.length <= 16 ? `<text x="${x + barW / 2}" y="${y(d.value) - 4}" text-anchor="middle" class="value">${esc(format(d.value))}</text>` : '';
    return `<g><title>${esc(d.title ?? d.label)}: ${esc(format(d.value))}</title>
      <rect x="${x}" y="${y(0) - h}" width="${barW}" height="${h}" rx="3" fill="${d.color ?? color}"/>${value}${label}</g>`;
  }).join('');
  return `<svg class="chart bar-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(ariaLabel)}" preserveAspectRatio="xMinYMid meet">
    ${grid}${bars}<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(0)}" y2="${y(0)}" class="baseline"/></svg>`;
}

/**
 * Horizontal bars, one row per item, each with one or more series.
 * rows: [{label, values: [number, ...], note?}], series: [{name, color}]
 * options: {max, format(v)}
 */
export function hbarChart(rows, series, { max = null, format = String, ariaLabel = '' } = {}) {
  const top = max ?? Math.max(1, ...rows.flatMap((r) => r.values));
  const legend = series.length > 1
    ? `<div class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('')}</div>`
    : '';
  const body = rows.map((r) => `
    <div class="hbar-row">
      <div class="hbar-label" title="${esc(r.label)}">${esc(r.label)}</div>
      <div class="hbar-bars">${r.values.map((v, i) => `
        <div class="hbar-track"><div class="hbar" style="width:${Math.min(100, (v / top) * 100).toFixed(2)}%;background:${series[i]?.color ?? PALETTE[i]}"></div>
        <span class="hbar-value">${esc(format(v))}</span></div>`).join('')}
      </div>
      ${r.note ? `<div class="hbar-note">${esc(r.note)}</div>` : ''}
    </div>`).join('');
  return `<div class="hbar-chart" role="img" aria-label="${esc(ariaLabel)}">${legend}${body}</div>`;
}

/** A ring showing `fraction` (0..1) with a big centre text. */
export function ring(fraction, { size = 160, stroke = 18, color = PALETTE[1], track = '#e5e9f0', text = '', sub = '' } = {}) {
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  return `<svg class="chart ring" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="${esc(text)} ${esc(sub)}">
    <circle cx="${size / 2}" cy="${size / 2}" r="${r}" fill="none" stroke="${track}" stroke-width="${stroke}"/>
    ${f > 0 ? `<circle cx="${size / 2}" cy="${size / 2}" r="${r}" fill="none" stroke="${color}" stroke-width="${stroke}" stroke-linecap="${f < 1 ? 'round' : 'butt'}"
      stroke-dasharray="${(f * c).toFixed(2)} ${c.toFixed(2)}" transform="rotate(-90 ${size / 2} ${size / 2})"/>` : ''}
    <text x="50%" y="${sub ? '47%' : '53%'}" text-anchor="middle" dominant-baseline="middle" class="ring-text">${esc(text)}</text>
    ${sub ? `<text x="50%" y="64%" text-anchor="middle" class="ring-sub">${esc(sub)}</text>` : ''}
  </svg>`;
}

export { PALETTE };
