// A visitor's result, opened from the QR code on the headset: /results/<token>. Public: the
// token is the key, and the result names no one (GET /api/results/<token>). Below this
// session's result, the visitor's whole day (visit.js).

import { api } from '/ui/shared/api.js';
import { ring } from '/ui/shared/charts.js';
import { mountBrand } from '/ui/shared/chrome.js';
import { clock, dateLong, esc, number } from '/ui/shared/format.js';
import { ICONS } from '/ui/shared/icons.js';
import { applyI18n, lang, loadStrings, loc, onLangChange, setLang, t } from '/ui/shared/i18n.js';
import { visitCards } from '/ui/results/visit.js';

await loadStrings(new URL('strings.json', import.meta.url));

const token = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const root = document.getElementById('result');
let result = null;
let failure = null;

mountBrand('result-brand', 'result_title');

function stepRow(s) {
  const icon = s.completed ? ICONS.check : ICONS.cross;
  const extras = s.max_points ? [t('step_points', { p: number(s.points, 1), m: s.max_points })] : [];
  if (s.hints) extras.push(t(s.hints === 1 ? 'hint_one' : 'hints_n', { n: s.hints }));
  if (!s.completed) extras.push(t('not_done'));
  return `<li class="${s.completed ? 'done' : 'missed'}"><span class="step-icon">${icon}</span>
    <span class="step-title">${esc(loc(s.title))}</span>${extras.length ? `<small>${esc(extras.join(' · '))}</small>` : ''}</li>`;
}

function render() {
  applyI18n();
  if (failure) {
    root.innerHTML = `<section class="card result-missing"><h1>${esc(t(failure === 404 ? 'not_found' : 'load_error'))}</h1>
      <p>${esc(failure === 404 ? t('not_found_body') : t('err_network'))}</p>
      ${failure === 404 ? '' : `<button type="button" id="retry">${esc(t('retry'))}</button>`}</section>`;
    root.querySelector('#retry')?.addEventListener('click', load);
    return;
  }
  if (!result) return;
  const r = result;
  const other = lang() === 'th' ? 'en' : 'th';
  const link = r.job_links?.[lang()] ?? r.job_links?.en ?? r.job_links?.th;
  const otherLink = r.job_links?.[other];
  root.innerHTML = `
    <section class="card hero">
      <p class="kicker">${esc(t('your_result'))}</p>
      <h1 class="scene-title">${esc(loc(r.title))}</h1>
      <p class="muted">${esc(dateLong(`${r.date}T12:00:00Z`))}${r.duration_s != null ? ` · ${esc(t('duration'))} ${esc(clock(r.duration_s))}` : ''}</p>
      <div class="score-row">
        ${ring(r.percent / 100, { size: 150, stroke: 16, color: r.passed ? '#16a34a' : '#f59e0b', text: `${Math.round(r.percent)}%`, sub: `${number(r.score, 1)}/${r.max_score}` })}
        <div><p class="verdict ${r.passed ? 'pass' : ''}">${esc(r.passed ? t('passed') : t('not_passed'))}</p>
          <p class="summary">${esc(loc(r.summary))}</p></div>
      </div>
    </section>
    ${link ? `<section class="card jobs">
      <h2>${esc(t('jobs'))}</h2><p>${esc(t('jobs_lead', { code: r.isco08 }))}</p>
      <a class="button large" id="job-link" href="${esc(link)}" target="_blank" rel="noopener noreferrer">${esc(t('see_jobs'))} ${ICONS.external}</a>
      ${otherLink && otherLink !== link ? `<a class="other-link" href="${esc(otherLink)}" target="_blank" rel="noopener noreferrer">${esc(t('see_jobs_other'))}</a>` : ''}
    </section>` : ''}
    ${visitCards(r.visit)}
    ${r.strengths?.length ? `<section class="card"><h2>${esc(t('strengths'))}</h2>
      <ul class="strengths">${r.strengths.map((s) => `<li>${ICONS.star}<span>${esc(loc(s))}</span></li>`).join('')}</ul></section>` : ''}
    ${r.riasec?.length ? `<section class="card"><h2>${esc(t('interests'))}</h2>
      <ul class="riasec">${r.riasec.map((c) => `<li><span class="riasec-letter">${esc(c)}</span>
        <span><b>${esc(t(`riasec_${c}`))}</b><small>${esc(t(`riasec_desc_${c}`))}</small></span></li>`).join('')}</ul>
      <p class="muted small">${esc(t('riasec_intro'))}</p></section>` : ''}
    ${r.skills?.length ? `<section class="card"><h2>${esc(t('skills'))}</h2>
      <div class="chips">${r.skills.map((s) => `<span class="chip">${esc(loc(s))}</span>`).join('')}</div></section>` : ''}
    <section class="card"><h2>${esc(t('steps_title'))}</h2><ol class="steps-done">${r.steps.map(stepRow).join('')}</ol></section>`;
}

async function load() {
  failure = null;
  try {
    result = await api(`/api/results/${encodeURIComponent(token)}`, { auth: false });
    if (!new URLSearchParams(location.search).get('lang')) setLang(result.language, { remember: false });
  } catch (err) {
    failure = err.status === 404 || err.status === 422 ? 404 : 'error';
  }
  render();
  document.body.dataset.loaded = failure ? 'error' : 'true';
}

onLangChange(render);
window.__result = { state: () => ({ result, failure }) };
load();
