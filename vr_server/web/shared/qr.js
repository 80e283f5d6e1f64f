// QR codes as inline SVG (crisp at any size, printable), from npm qrcode-generator served at
// /vendor. Text must be ASCII (URLs, ticket codes): the library encodes one byte per char.

import qrcode from '/vendor/qrcode-generator/dist/qrcode.mjs';

const SVG_NS = 'http://www.w3.org/2000/svg';

export function qrSvg(text, { quiet = 4, label = 'QR' } = {}) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const size = n + 2 * quiet;
  let path = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) path += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.classList.add('qr');
  svg.dataset.qr = text;
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', size);
  bg.setAttribute('height', size);
  bg.setAttribute('fill', '#fff');
  const dark = document.createElementNS(SVG_NS, 'path');
  dark.setAttribute('d', path);
  dark.setAttribute('fill', '#000');
  svg.append(bg, dark);
  return svg;
}
