// The lobby: headset name, language choice, connection state, and either "please wait for
// staff" or, in kiosk mode (welcome.self_service), the catalog with thumbnails.

import { COLORS, roundRect } from './panels.js';
import { loc, t } from './i18n.js';
import { fetchAsset } from './loader.js';

const PER_PAGE = 6;

/** The active scenes (GET /api/catalog) with their thumbnails decoded (assets by sha256). */
export async function loadCatalog(token) {
  const response = await fetch('/api/catalog', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!response.ok) throw new Error(`catalog: HTTP ${response.status}`);
  const scenes = await response.json();
  await Promise.all(scenes.map(async (scene) => {
    scene.thumb = null;
    if (!scene.thumbnail_sha256) return;
    try {
      const { buffer } = await fetchAsset({ sha256: scene.thumbnail_sha256, media_type: 'image/png' }, token);
      const blob = new Blob([buffer], { type: 'image/png' });
      scene.thumbUrl = URL.createObjectURL(blob);
      scene.thumb = await createImageBitmap(blob);
    } catch (err) {
      console.warn(`thumbnail of ${scene.id}: ${err}`);
    }
  }));
  return scenes;
}

/**
 * Paints the lobby on `panel`. state: {name, lang, status, selfService, catalog, page, notice,
 * seated, volume, muted, canCallStaff, staffCalled}
 */
export function drawLobby(p, state) {
  const L = state.lang;
  const W = p.canvas.width;
  const H = p.canvas.height;
  p.text(t('app_title', L), 40, 30, { size: 40, weight: 700 });
  p.text(`${t('headset', L)}: ${state.name ?? '-'}  ·  ${state.status ?? ''}`, 40, 88, { size: 24, color: COLORS.dim, maxWidth: W - 420 });
  p.button('lang:th', 'ไทย', W - 350, 30, 150, 60, { alt: L !== 'th', size: 28 });
  p.button('lang:en', 'English', W - 190, 30, 150, 60, { alt: L !== 'en', size: 28 });
  // Comfort: a seated visitor sees the scene from a standing person's eye height.
  p.button('height:standing', t('standing', L), W - 350, 100, 150, 46, { alt: !!state.seated, size: 22 });
  p.button('height:seated', t('seated', L), W - 190, 100, 150, 46, { alt: !state.seated, size: 22 });
  // Sound: quieter, mute (showing the volume), louder; remembered on the headset.
  const volume = Math.round((state.volume ?? 0.8) * 100);
  p.button('volume:down', '−', W - 350, 156, 60, 46, { alt: true, size: 28, disabled: volume <= 0 });
  p.button('volume:mute', state.muted ? t('sound_muted', L) : t('sound_volume', L, { n: volume }), W - 282, 156, 174, 46, { alt: !state.muted, size: 22 });
  p.button('volume:up', '+', W - 100, 156, 60, 46, { alt: true, size: 28, disabled: volume >= 100 && !state.muted });
  if (state.canCallStaff) {
    p.button('call_staff', state.staffCalled ? t('staff_called', L) : t('call_staff', L), W / 2 - 160, H - 64, 320, 50, { alt: !state.staffCalled, size: 22 });
  }
  let y = 160;
  if (state.notice) y = p.text(state.notice, 40, y, { size: 28, color: COLORS.accent, maxLines: 3, maxWidth: W - 420 }) + 6;
  if (!state.selfService || !state.catalog?.length) {
    p.text(t('wait_for_staff', L), 40, y + 80, { size: 38, weight: 700, maxLines: 3 });
    return;
  }
  p.text(t('pick_occupation', L), 40, y, { size: 28, weight: 700 });
  y += 48;
  const pages = Math.ceil(state.catalog.length / PER_PAGE);
  const page = Math.min(state.page ?? 0, pages - 1);
  const items = state.catalog.slice(page * PER_PAGE, page * PER_PAGE + PER_PAGE);
  const cols = 3;
  const gap = 20;
  const tileW = (W - 80 - gap * (cols - 1)) / cols;
  const tileH = Math.min(200, (H - y - 74) / 2 - gap);
  items.forEach((scene, i) => {
    const x = 40 + (i % cols) * (tileW + gap);
    const ty = y + Math.floor(i / cols) * (tileH + gap);
    tile(p, `scene:${scene.id}`, scene, L, x, ty, tileW, tileH);
  });
  if (pages > 1) {
    p.button('page:prev', '‹', 40, H - 64, 90, 50, { alt: true, disabled: page === 0 });
    p.button('page:next', '›', W - 130, H - 64, 90, 50, { alt: true, disabled: page >= pages - 1 });
  }
}

function tile(p, id, scene, L, x, y, w, h) {
  const { ctx } = p;
  const hovered = p.hover === id;
  ctx.fillStyle = hovered ? COLORS.buttonAltHover : COLORS.buttonAlt;
  roundRect(ctx, x, y, w, h, 16);
  ctx.fill();
  if (hovered) { ctx.strokeStyle = COLORS.accent; ctx.lineWidth = 4; ctx.stroke(); }
  const imgH = h - 62;
  if (scene.thumb) {
    ctx.save();
    roundRect(ctx, x + 6, y + 6, w - 12, imgH, 12);
    ctx.clip();
    const s = Math.max((w - 12) / scene.thumb.width, imgH / scene.thumb.height);
    const dw = scene.thumb.width * s;
    const dh = scene.thumb.height * s;
    p.image(scene.thumb, x + 6 + (w - 12 - dw) / 2, y + 6 + (imgH - dh) / 2, dw, dh);
    ctx.restore();
  } else {
    ctx.fillStyle = '#24324a';
    roundRect(ctx, x + 6, y + 6, w - 12, imgH, 12);
    ctx.fill();
  }
  p.text(loc(scene.title, L), x + 14, y + imgH + 12, { size: 22, weight: 700, maxWidth: w - 28, maxLines: 1, lineHeight: 1.2 });
  p.text(`${scene.duration_min} ${t('minutes', L)}`, x + w - 14, y + imgH + 40, { size: 16, color: COLORS.dim, align: 'right', maxWidth: w - 28, maxLines: 1, lineHeight: 1 });
  p.buttons.push({ id, x, y, w, h });
}
