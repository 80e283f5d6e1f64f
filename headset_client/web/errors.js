// Errors the visitor can meet, in Thai and English. The server's `error` frames and HTTP error
// bodies carry a `reason` with `params` (vr_server/protocol/errors.py: Reason) beside `code`;
// errors.json words every reason. An error without a reason, or with one this app does not
// know, gets the generic text: the server's `message` (English, for developers) is never shown.

const FALLBACK = {
  th: 'ขออภัย มีบางอย่างผิดพลาด กรุณาเรียกเจ้าหน้าที่',
  en: 'Sorry, something went wrong. Please ask a staff member.',
};
let wording = { generic: FALLBACK, reasons: {} };

/** Load errors.json (at boot; without it every error gets the generic text). */
export async function loadErrorWording(url = new URL('errors.json', import.meta.url)) {
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.ok) {
      const loaded = await response.json();
      wording = { generic: loaded.generic ?? FALLBACK, reasons: loaded.reasons ?? {} };
    }
  } catch (err) {
    console.warn(`errors.json: ${err}`);
  }
}

/** The visitor's text for an error ({reason?, params?}) in `lang`. */
export function errorText(error, lang) {
  const reasons = wording.reasons;
  const reason = error?.reason;
  const entry = (reason && Object.hasOwn(reasons, reason) ? reasons[reason] : null) ?? wording.generic;
  let text = entry[lang] ?? entry.en ?? FALLBACK[lang] ?? FALLBACK.en;
  const params = error?.params && typeof error.params === 'object' ? error.params : {};
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}
