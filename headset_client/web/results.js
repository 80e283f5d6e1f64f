// The result of a session: score, what went well, interests (RIASEC), a QR code of the
// visitor's result page (or of the job search in the visitor's language), and a 1-5 rating.

import qrcode from 'qrcode-generator';
import { COLORS } from './panels.js';
import { loc, t } from './i18n.js';

export function makeQr(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr;
}

export function drawQr(ctx, qr, x, y, size) {
  const n = qr.getModuleCount();
  const quiet = 4;
  const cell = Math.floor(size / (n + 2 * quiet));
  const full = cell * (n + 2 * quiet);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, full, full);
  ctx.fillStyle = '#000000';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) ctx.fillRect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell, cell);
    }
  }
  return full;
}

export function jobLink(result, lang) {
  return result?.job_links?.[lang] ?? result?.job_links?.en ?? null;
}

/** What the QR code opens: the visitor's result page (with the job links) when the server
 * gives one, else the occupation's job search in the visitor's language. */
export function qrTarget(frame, lang) {
  return frame?.result_url ?? jobLink(frame?.result, lang);
}

/**
 * Paints a `result` frame on the panel. `rating`: {enabled, value (1-5 or null), saved}.
 */
export function drawResult(p, frame, sceneTitle, lang, { kiosk = false, rating = null } = {}) {
  const L = lang;
  const W = p.canvas.width;
  const H = p.canvas.height;
  const r = frame.result;
  const left = W - 380;
  p.text(t('results', L), 40, 30, { size: 40, weight: 700 });
  p.text(sceneTitle, 40, 88, { size: 26, color: COLORS.dim, maxWidth: left });
  let y = 140;
  if (!r) {
    p.text(frame.state === 'aborted' ? t('ended_by_staff', L) : t('load_failed', L), 40, y, { size: 32, maxWidth: left });
  } else {
    p.text(`${t('score', L)}: ${r.score} / ${r.max_score}  (${r.percent}%)`, 40, y, { size: 38, weight: 700, color: COLORS.accent, maxWidth: left });
    y = p.text(r.passed ? t('passed', L) : t('not_passed', L), 40, y + 56, { size: 28, color: r.passed ? COLORS.good : COLORS.text, maxWidth: left });
    if (r.strengths?.length) {
      y = p.text(t('strengths', L), 40, y + 10, { size: 26, weight: 700, maxWidth: left });
      for (const s of r.strengths.slice(0, 3)) y = p.text(`• ${loc(s, L)}`, 56, y, { size: 24, maxWidth: left - 16, maxLines: 1 });
    }
    if (r.riasec?.length) {
      y = p.text(t('interests', L), 40, y + 10, { size: 26, weight: 700, maxWidth: left });
      p.text(r.riasec.map((c) => `${c} ${t(`riasec_${c}`, L)}`).join(' · '), 56, y, { size: 24, maxWidth: left - 16 });
    }
  }
  const link = qrTarget(frame, L);
  let ry = 150;
  if (link) {
    const size = drawQr(p.ctx, makeQr(link), W - 320, 130, 240);
    ry = p.text(frame.result_url ? t('scan_result', L) : t('scan_jobs', L), W - 340, 136 + size, { size: 20, color: COLORS.dim, maxWidth: 300, maxLines: 2 });
    p.texts.push(`qr:${link}`);
  }
  if (rating?.enabled) {
    const prompt = rating.saved ? t('rated_thanks', L) : t('rate_prompt', L);
    ry = p.text(prompt, W - 340, Math.max(ry + 6, 430), { size: 20, weight: 700, maxWidth: 300, maxLines: 2 });
    for (let n = 1; n <= 5; n++) {
      const chosen = rating.value != null && n <= rating.value;
      p.button(`rate:${n}`, `${n}★`, W - 340 + (n - 1) * 62, ry + 4, 52, 44, { alt: !chosen, size: 20 });
    }
  }
  if (kiosk) p.text(t('hand_to_staff', L), 40, H - 60, { size: 24, color: COLORS.dim, maxWidth: left });
  p.button('back', t('back_to_lobby', L), W - 340, H - 86, 300, 70);
}

/** The result for the 2D page (shown when the visitor leaves VR). */
export function resultHtml(frame, sceneTitle, lang) {
  const r = frame.result;
  const link = qrTarget(frame, lang);
  const img = link ? `<img alt="QR" src="${makeQr(link).createDataURL(6, 12)}">` : '';
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  return `<h2>${esc(t('results', lang))}: ${esc(sceneTitle)}</h2>` +
    (r ? `<p>${esc(t('score', lang))}: ${r.score} / ${r.max_score} (${r.percent}%)</p>` : '') +
    (link ? `<p><a href="${esc(link)}">${esc(t(frame.result_url ? 'scan_result' : 'scan_jobs', lang))}</a></p>${img}` : '');
}
