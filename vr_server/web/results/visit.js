// The visitor's day on their result page: every occupation of their journey (one visitor code
// links them), their RIASEC interest profile, occupations of the catalog that fit it, and job
// links (ISCO-08) for each. The weighting is the server's (vr_server/services/interests.py).

import { esc, number, percent } from '/ui/shared/format.js';
import { ICONS } from '/ui/shared/icons.js';
import { lang, loc, t } from '/ui/shared/i18n.js';

const RIASEC = ['R', 'I', 'A', 'S', 'E', 'C'];

function jobLink(links, isco08, cls = '') {
  const href = links?.[lang()] ?? links?.en ?? links?.th;
  if (!href) return '';
  return `<a class="job-link ${cls}" href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(t('jobs_isco', { code: isco08 }))} ${ICONS.external}</a>`;
}

function stars(rating) {
  if (rating == null) return `<span class="muted small">${esc(t('not_rated'))}</span>`;
  const filled = Array.from({ length: 5 }, (_, i) => `<span class="star${i < rating ? ' on' : ''}">${ICONS.star}</span>`).join('');
  return `<span class="stars" role="img" aria-label="${esc(t('rated_n', { n: rating }))}">${filled}</span>`;
}

function occupationRow(o) {
  return `<li class="tried${o.this_result ? ' current' : ''}" data-scene="${esc(o.scene_id)}">
    <div class="tried-head"><b>${esc(loc(o.title))}</b>${o.this_result ? ` <span class="badge accent">${esc(t('this_page'))}</span>` : ''}</div>
    <div class="tried-facts">
      <span class="tried-score ${o.passed ? 'pass' : ''}">${esc(percent(o.percent))}</span>
      <span class="muted small">${esc(t('points_of', { p: number(o.score, 1), m: o.max_score }))}</span>
      ${stars(o.rating)}
      <span class="letters">${o.riasec.map((c) => `<abbr title="${esc(t(`riasec_${c}`))}">${esc(c)}</abbr>`).join('')}</span>
    </div>
    ${jobLink(o.job_links, o.isco08)}
  </li>`;
}

function profileBars(visit) {
  const top = new Set(visit.holland_code.split(''));
  return `<ul class="profile" aria-label="RIASEC">${RIASEC.map((code) => {
    const share = visit.profile.find((p) => p.code === code)?.percent ?? 0;
    return `<li class="${top.has(code) ? 'strong' : ''}" data-code="${code}">
      <span class="riasec-letter small-letter">${code}</span>
      <span class="profile-name">${esc(t(`riasec_${code}`))}</span>
      <span class="profile-track"><span class="profile-bar" style="width:${Math.max(0, Math.min(100, share))}%"></span></span>
      <span class="profile-value">${esc(percent(share))}</span>
    </li>`;
  }).join('')}</ul>`;
}

function suggestionRow(s) {
  return `<li class="suggestion" data-scene="${esc(s.scene_id)}">
    <div class="tried-head"><b>${esc(loc(s.title))}</b> <span class="badge">${esc(t('fit_n', { n: Math.round(s.fit) }))}</span></div>
    <p class="muted small">${esc(loc(s.summary))}</p>
    ${jobLink(s.job_links, s.isco08)}
  </li>`;
}

/** The cards of the visitor's day ('' for results stored before journeys existed). */
export function visitCards(visit) {
  if (!visit) return '';
  const many = visit.occupations.length > 1;
  const code = `<p class="visit-code">${esc(t('visitor_code'))} <b id="visitor-code">${esc(visit.code)}</b></p>
    <p class="muted small">${esc(t('visitor_code_lead'))}</p>`;
  return `
    <section class="card visit" id="visit-day">
      <h2>${esc(many ? t('your_day_n', { n: visit.occupations.length }) : t('your_day_one'))}</h2>
      <ol class="tried-list">${visit.occupations.map(occupationRow).join('')}</ol>
      ${code}
    </section>
    ${visit.holland_code ? `<section class="card" id="visit-profile">
      <h2>${esc(t('profile_title'))} <span class="holland">${esc(visit.holland_code)}</span></h2>
      <p class="muted small">${esc(t(many ? 'profile_lead_many' : 'profile_lead_one'))}</p>
      ${profileBars(visit)}
      <p class="muted small">${esc(t('profile_weighting'))}</p>
    </section>` : ''}
    ${visit.suggestions.length ? `<section class="card" id="visit-suggestions">
      <h2>${esc(t('suggestions_title'))}</h2>
      <p class="muted small">${esc(t('suggestions_lead'))}</p>
      <ul class="tried-list">${visit.suggestions.map(suggestionRow).join('')}</ul>
    </section>` : ''}`;
}
