// Panels in VR: text and buttons drawn on a canvas texture with the Noto Sans Thai font
// (Thai and English), hit-tested by controller rays through the texture coordinates.

import * as THREE from 'three';

export const FONT_FAMILY = '"Noto Sans Thai", "Noto Sans", sans-serif';

export const COLORS = {
  bg: 'rgba(18, 28, 44, 0.94)', text: '#f4f7fb', dim: '#a9b8cc', accent: '#ffc94d', good: '#6fdc8c',
  bad: '#ff8a7a', button: '#2f6fed', buttonHover: '#5a8fff', buttonAlt: '#3c4a63', buttonAltHover: '#56688a',
};

/** Load the panel font before the first canvas draw (a canvas does not wait for fonts). */
export async function loadFonts() {
  if (!document.fonts) return;
  await Promise.all([
    document.fonts.load(`400 32px ${FONT_FAMILY}`, 'กขคabc'),
    document.fonts.load(`700 32px ${FONT_FAMILY}`, 'กขคabc'),
  ]).catch(() => {});
}

const segmenters = new Map();
function segments(text, lang) {
  if (!('Segmenter' in Intl)) return text.split(/(\s+)/);
  if (!segmenters.has(lang)) segmenters.set(lang, new Intl.Segmenter(lang, { granularity: 'word' }));
  return Array.from(segmenters.get(lang).segment(text), (s) => s.segment);
}

export class Panel {
  constructor({ name, widthPx = 1024, heightPx = 640, widthM = 1.1 }) {
    this.name = name;
    this.canvas = document.createElement('canvas');
    this.canvas.width = widthPx;
    this.canvas.height = heightPx;
    this.ctx = this.canvas.getContext('2d');
    this.texture = new THREE.CanvasTexture(this.canvas);
    this.texture.colorSpace = THREE.SRGBColorSpace;
    this.texture.anisotropy = 4;
    this.widthM = widthM;
    this.heightM = (widthM * heightPx) / widthPx;
    const material = new THREE.MeshBasicMaterial({ map: this.texture, transparent: true, toneMapped: false, side: THREE.DoubleSide });
    this.mesh = new THREE.Mesh(new THREE.PlaneGeometry(this.widthM, this.heightM), material);
    this.mesh.name = `panel:${name}`;
    this.mesh.userData.panel = this;
    this.mesh.renderOrder = 10;
    this.buttons = [];
    this.texts = [];
    this.hover = null;
    this.painter = null;
    this.lang = 'th';
  }

  get visible() { return this.mesh.visible; }
  set visible(v) { this.mesh.visible = v; }

  /** Paint with `painter(panel)`; it is called again when the hovered button changes. */
  show(painter) {
    this.painter = painter;
    this.visible = true;
    this.repaint();
  }

  hide() { this.visible = false; this.buttons = []; this.painter = null; }

  repaint() {
    if (!this.painter) return;
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    this.buttons = [];
    this.texts = [];
    ctx.fillStyle = COLORS.bg;
    roundRect(ctx, 4, 4, canvas.width - 8, canvas.height - 8, 28);
    ctx.fill();
    this.painter(this);
    this.texture.needsUpdate = true;
  }

  setHover(id) {
    if (id === this.hover) return;
    this.hover = id;
    this.repaint();
  }

  /** Draw wrapped text; returns the y below it. */
  text(str, x, y, { size = 32, weight = 400, color = COLORS.text, maxWidth = this.canvas.width - x - 40, lineHeight = 1.45, align = 'left', maxLines = 12 } = {}) {
    const { ctx } = this;
    str = String(str ?? '');
    this.texts.push(str);
    ctx.font = `${weight} ${size}px ${FONT_FAMILY}`;
    ctx.fillStyle = color;
    ctx.textAlign = align;
    ctx.textBaseline = 'top';
    const lines = [];
    for (const paragraph of str.split('\n')) {
      let line = '';
      for (const seg of segments(paragraph, this.lang)) {
        const candidate = line + seg;
        if (ctx.measureText(candidate).width > maxWidth && line.trim()) {
          lines.push(line.trimEnd());
          line = seg.trimStart();
          while (ctx.measureText(line).width > maxWidth && line.length > 1) { // one long word
            let cut = line.length - 1;
            while (cut > 1 && ctx.measureText(line.slice(0, cut)).width > maxWidth) cut--;
            lines.push(line.slice(0, cut));
            line = line.slice(cut);
          }
        } else {
          line = candidate;
        }
      }
      lines.push(line);
    }
    const shown = lines.slice(0, maxLines);
    for (const l of shown) {
      ctx.fillText(l, x, y);
      y += size * lineHeight;
    }
    return y;
  }

  button(id, label, x, y, w, h, { alt = false, size = 30, disabled = false } = {}) {
    const { ctx } = this;
    const hovered = this.hover === id && !disabled;
    ctx.fillStyle = disabled ? '#333b48' : alt ? (hovered ? COLORS.buttonAltHover : COLORS.buttonAlt) : hovered ? COLORS.buttonHover : COLORS.button;
    roundRect(ctx, x, y, w, h, 16);
    ctx.fill();
    if (hovered) { ctx.strokeStyle = COLORS.accent; ctx.lineWidth = 4; ctx.stroke(); }
    ctx.font = `700 ${size}px ${FONT_FAMILY}`;
    ctx.fillStyle = disabled ? '#7a8599' : '#ffffff';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    let text = String(label);
    while (ctx.measureText(text).width > w - 24 && text.length > 2) text = text.slice(0, -2) + '…';
    ctx.fillText(text, x + w / 2, y + h / 2 + 2);
    this.texts.push(String(label));
    if (!disabled) this.buttons.push({ id, x, y, w, h });
  }

  image(img, x, y, w, h) {
    try { this.ctx.drawImage(img, x, y, w, h); } catch { /* not decodable: skip */ }
  }

  /** The button under texture coordinates `uv`, or null. */
  hit(uv) {
    const px = uv.x * this.canvas.width;
    const py = (1 - uv.y) * this.canvas.height;
    const b = this.buttons.find((btn) => px >= btn.x && px <= btn.x + btn.w && py >= btn.y && py <= btn.y + btn.h);
    return b ? b.id : null;
  }

  /** World position of a button's centre (for the test hook and for pointing help). */
  buttonWorld(id) {
    const b = this.buttons.find((btn) => btn.id === id);
    if (!b) return null;
    const local = new THREE.Vector3(
      ((b.x + b.w / 2) / this.canvas.width - 0.5) * this.widthM,
      (0.5 - (b.y + b.h / 2) / this.canvas.height) * this.heightM,
      0,
    );
    this.mesh.updateWorldMatrix(true, false);
    return this.mesh.localToWorld(local);
  }

  normalWorld() {
    const q = new THREE.Quaternion();
    this.mesh.getWorldQuaternion(q);
    return new THREE.Vector3(0, 0, 1).applyQuaternion(q);
  }
}

export function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** A progress bar. */
export function progressBar(panel, x, y, w, h, fraction) {
  const { ctx } = panel;
  ctx.fillStyle = '#2a3547';
  roundRect(ctx, x, y, w, h, h / 2);
  ctx.fill();
  ctx.fillStyle = COLORS.accent;
  roundRect(ctx, x, y, Math.max(h, w * Math.min(1, Math.max(0, fraction))), h, h / 2);
  ctx.fill();
}
