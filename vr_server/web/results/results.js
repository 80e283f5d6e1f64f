// A visitor's result, opened from the QR code on the headset: /results/<token>. Public: the
// token is the key, and the result names no one (GET /api/results/<token>).

import { api } from '/ui/shared/api.js';
import { ring } from '/ui/shared/charts.js';
import { LOGO_SVG, languageButton } from '/ui/shared/chrome.js';
import { clock, dateLong, esc, number } from '/ui/shared/format.js';
import { ICONS } from '/ui/shared/icons.js';
import { addStrings, applyI18n, lang, loc, onLangChange, setLang, t } from '/ui/shared/i18n.js';

addStrings({
  result_title: { th: 'ผลการสำรวจอาชีพ', en: 'Your career result' },
  your_result: { th: 'ผลการทดลองอาชีพของคุณ', en: 'Your try-out result' },
  score: { th: 'คะแนน', en: 'Score' },
  passed: { th: 'ผ่าน! คุณทำได้ดีมาก', en: 'Passed! Great work' },
  not_passed: { th: 'ลองใหม่ได้เสมอ ทุกคนเริ่มจากศูนย์', en: 'Keep practising: everyone starts somewhere' },
  duration: { th: 'ใช้เวลา', en: 'Time' },
  steps_title: { th: 'สิ่งที่คุณทำ', en: 'What you did' },
  step_points: { th: '{p}/{m} คะแนน', en: '{p}/{m} points' },
  hints_n: { th: 'ใช้คำใบ้ {n} ครั้ง', en: '{n} hints' },
  hint_one: { th: 'ใช้คำใบ้ 1 ครั้ง', en: '1 hint' },
  not_done: { th: 'ยังไม่ได้ทำ', en: 'not done' },
  strengths: { th: 'จุดเด่นของคุณ', en: 'Your strengths' },
  interests: { th: 'ความสนใจที่เข้ากับอาชีพนี้ (RIASEC)', en: 'Interests this job suits (RIASEC)' },
  riasec_intro: { th: 'RIASEC คือแบบจำแนกความสนใจด้านอาชีพ 6 แบบของ John Holland ใช้ช่วยหาอาชีพที่เข้ากับตัวคุณ', en: 'RIASEC is John Holland\'s six types of career interest, used to find jobs that suit you.' },
  riasec_desc_R: { th: 'ชอบงานลงมือปฏิบัติ ใช้เครื่องมือ เครื่องจักร หรือทำงานกับพืชและสัตว์', en: 'Likes practical, hands-on work with tools, machines, plants or animals.' },
  riasec_desc_I: { th: 'ชอบสังเกต เรียนรู้ วิเคราะห์ และแก้ปัญหา', en: 'Likes to observe, learn, analyse and solve problems.' },
  riasec_desc_A: { th: 'ชอบสร้างสรรค์ ออกแบบ และแสดงความคิดของตัวเอง', en: 'Likes to create, design and express ideas.' },
  riasec_desc_S: { th: 'ชอบช่วยเหลือ สอน และดูแลผู้อื่น', en: 'Likes to help, teach and care for people.' },
  riasec_desc_E: { th: 'ชอบเป็นผู้นำ โน้มน้าว ริเริ่มสิ่งใหม่ และการขาย', en: 'Likes to lead, persuade, start things and sell.' },
  riasec_desc_C: { th: 'ชอบความเป็นระเบียบ งานข้อมูล และทำตามขั้นตอนอย่างแม่นยำ', en: 'Likes order, data and following procedures accurately.' },
  skills: { th: 'ทักษะที่ใช้ในอาชีพนี้', en: 'Skills this job uses' },
  jobs: { th: 'ตำแหน่งงานจริง', en: 'Real job openings' },
  jobs_lead: { th: 'ดูตำแหน่งงานที่เปิดรับในอาชีพนี้ (ISCO-08 {code})', en: 'See open positions in this occupation (ISCO-08 {code})' },
  see_jobs: { th: 'ดูตำแหน่งงาน', en: 'See job openings' },
  see_jobs_other: { th: 'ดูในภาษาอังกฤษ', en: 'See them in Thai' },
  not_found: { th: 'ไม่พบผลลัพธ์นี้', en: 'Result not found' },
  not_found_body: { th: 'ลิงก์อาจไม่ถูกต้องหรือหมดอายุแล้ว ลองสแกน QR จากแว่นอีกครั้ง หรือสอบถามเจ้าหน้าที่', en: 'The link may be wrong or expired. Scan the QR code in the headset again, or ask staff.' },
  load_error: { th: 'โหลดผลไม่สำเร็จ', en: 'Could not load the result' },
  retry: { th: 'ลองใหม่', en: 'Try again' },
  privacy_note: { th: 'หน้านี้ไม่มีข้อมูลส่วนบุคคลของคุณ เก็บลิงก์ไว้เพื่อดูผลอีกครั้งได้', en: 'This page holds no personal data. Keep the link to see your result again.' },
});

const token = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const root = document.getElementById('result');
let result = null;
let failure = null;

document.documentElement.lang = lang();
document.getElementById('result-brand').innerHTML = `${LOGO_SVG}<span><strong data-i18n="brand"></strong><small data-i18n="result_title"></small></span>`;
document.getElementById('lang-slot').append(languageButton());

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
