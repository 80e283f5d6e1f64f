// The session script runner: steps in order, each completed by its action (select,
// grab_place, look_at, quiz, continue), hints after their delay, events as the protocol
// defines them (step_started, interaction, hint_shown, answer, step_completed,
// session_completed, call_staff, language_changed). The server judges and scores; the
// headset checks tolerance_m and dwell_s itself.

import { COLORS } from './panels.js';
import { loc, t } from './i18n.js';

const FEEDBACK_S = 2.5;

export class SessionRunner {
  /**
   * assignment: the `assignment` frame; conn: Connection; view: XRView; panel: the main
   * Panel; timescale: visitor-clock speed (1 on a headset).
   */
  constructor({ assignment, conn, view, panel, protocol, timescale = 1, onLanguage = () => {} }) {
    Object.assign(this, { conn, view, panel, protocol, timescale, onLanguage });
    this.sessionId = assignment.session_id;
    this.manifest = assignment.manifest;
    this.steps = this.manifest.script.steps;
    this.lang = assignment.resume.language;
    this.stepIndex = -1;
    this.started = false;
    this.paused = false;
    this.ended = false;
    this.completedAll = false;
    this.loaded = false;
    this.feedback = null;
    this.staffCalled = 0;
    this.targets = new Map();
    for (const step of this.steps) {
      if (step.action.kind === 'grab_place') {
        const tol = step.action.tolerance_m ?? 0.15;
        this.targets.set(step.action.target, Math.max(this.targets.get(step.action.target) ?? 0, tol));
      }
    }
    this.applyResume(assignment.resume);
  }

  /** Every node the script names (what a ray can select). */
  referencedNodes() {
    const names = new Set();
    for (const s of this.steps) {
      if (s.highlight) names.add(s.highlight);
      const a = s.action;
      if (a.node) names.add(a.node);
      if (a.target) names.add(a.target);
    }
    return [...names];
  }

  get step() { return this.steps[this.stepIndex] ?? null; }

  applyResume(resume) {
    this.lang = resume.language;
    if (resume.state === 'running' || resume.state === 'paused') {
      this.started = true;
      this.paused = resume.state === 'paused';
      if (resume.step_index > this.stepIndex) this.pendingIndex = resume.step_index;
    } else if (resume.state === 'finished' || resume.state === 'aborted') {
      this.ended = true;
    }
  }

  /** A repeated assignment (after a reconnect): the server's view of where we are. */
  resumeFrom(resume) {
    const before = this.stepIndex;
    this.applyResume(resume);
    if (this.loaded && this.pendingIndex != null && this.pendingIndex > before) this.maybeBegin();
    this.paint();
  }

  sceneLoaded() {
    this.loaded = true;
    this.maybeBegin();
  }

  start() {
    this.started = true;
    this.maybeBegin();
  }

  maybeBegin() {
    if (!this.loaded || !this.started || this.ended || this.completedAll) { this.paint(); return; }
    if (!this.soundsStarted) { this.soundsStarted = true; this.sound('session_start'); }
    const index = this.pendingIndex ?? Math.max(0, this.stepIndex);
    this.pendingIndex = null;
    if (index === this.stepIndex) { this.paint(); return; }
    this.begin(index);
  }

  send(body) {
    try { this.conn.sendEvent(body); } catch (err) { console.warn(err.message); }
  }

  /** A script event for the scene's sounds (sounds.js: ScenePlayer, set once they load). */
  sound(event, stepId = null) {
    try { this.sounds?.fire(event, stepId); } catch (err) { console.warn(`sound ${event}: ${err.message}`); }
  }

  begin(index) {
    if (index >= this.steps.length) { this.finishAll(); return; }
    this.stepIndex = index;
    const step = this.step;
    this.elapsed = 0;
    this.hintsShown = 0;
    this.dwell = 0;
    this.quiz = { index: 0, answers: new Map(), answered: false };
    this.send({ kind: 'step_started', step_id: step.id });
    this.sound('step_started', step.id);
    this.view.setHighlight(step.highlight ?? (step.action.kind === 'look_at' || step.action.kind === 'select' || step.action.kind === 'grab_place' ? step.action.node : null));
    this.paint();
  }

  complete() {
    const step = this.step;
    if (!step) return;
    this.send({ kind: 'step_completed', step_id: step.id });
    this.sound('step_completed', step.id);
    this.view.setHighlight(null);
    if (this.stepIndex + 1 < this.steps.length) this.begin(this.stepIndex + 1);
    else this.finishAll();
  }

  finishAll() {
    this.stepIndex = this.steps.length;
    this.completedAll = true;
    this.sounds?.stopAll();
    this.view.setHighlight(null);
    this.send({ kind: 'session_completed' });
    this.paint();
  }

  get active() { return this.started && this.loaded && !this.paused && !this.ended && !this.completedAll && !!this.step; }

  // ------------------------------------------------------------ per frame

  tick(dt) {
    if (this.feedback && (this.feedback.until -= dt) <= 0) { this.feedback = null; this.paint(); }
    if (!this.active) return;
    const step = this.step;
    const scaled = dt * this.timescale;
    this.elapsed += scaled;
    const hints = step.hints ?? [];
    while (this.hintsShown < hints.length && this.elapsed >= hints[this.hintsShown].after_s) {
      this.send({ kind: 'hint_shown', step_id: step.id, hint_index: this.hintsShown });
      this.hintsShown += 1;
      this.paint();
    }
    if (step.action.kind === 'look_at') {
      if (this.view.isLookingAt(step.action.node)) this.dwell += scaled;
      else this.dwell = Math.max(0, this.dwell - scaled * 2);
      if (this.dwell >= (step.action.dwell_s ?? 1.5)) {
        this.send({ kind: 'interaction', step_id: step.id, node: step.action.node, action: 'look' });
        this.say('well_done', true);
        this.complete();
      }
    }
  }

  say(key, good) {
    this.feedback = { key, good, until: FEEDBACK_S };
  }

  // ------------------------------------------------------------ input

  canGrab(name) {
    const a = this.step?.action;
    return this.active && a?.kind === 'grab_place' && a.node === name;
  }

  select(name) {
    if (!this.active) return;
    const step = this.step;
    if (step.action.kind !== 'select') return;
    this.send({ kind: 'interaction', step_id: step.id, node: name, action: 'select' });
    if (name === step.action.node) {
      this.say('well_done', true);
      this.complete();
    } else {
      this.say('wrong_object', false);
      this.paint();
    }
  }

  grab(name) {
    if (!this.active) return;
    this.send({ kind: 'interaction', step_id: this.step.id, node: name, action: 'grab' });
    if (name === this.step.action.node) this.sound('grab', this.step.id);
  }

  /** Returns where the node should stay (the target), or false to put it back. */
  release(name, origin) {
    if (!this.active) return false;
    const step = this.step;
    const action = step.action;
    const distanceTo = (target) => {
      const info = this.view.nodeInfo(target);
      return info ? { d: info.origin.distanceTo(origin) } : null;
    };
    let target = null;
    const own = distanceTo(action.target);
    if (own && own.d <= (action.tolerance_m ?? 0.15)) {
      target = action.target;
    } else {
      let best = Infinity;
      for (const [other, tol] of this.targets) {
        if (other === name) continue;
        const r = distanceTo(other);
        if (r && r.d <= tol && r.d < best) { best = r.d; target = other; }
      }
    }
    const body = { kind: 'interaction', step_id: step.id, node: name, action: 'release' };
    if (target) body.target = target;
    this.send(body);
    if (target === action.target) {
      this.sound('place', step.id);
      this.say('well_done', true);
      this.complete();
      return true; // it stays where the visitor let go (within tolerance of the target)
    }
    this.say('wrong_place', false);
    this.paint();
    return false;
  }

  button(id) {
    if (id === 'lang') { this.switchLanguage(this.lang === 'th' ? 'en' : 'th', true); return; }
    if (id === 'call_staff') {
      if (this.protocol.canCallStaff && !this.ended) {
        this.send({ kind: 'call_staff', reason: 'visitor pressed call staff' });
        this.staffCalled = 6;
        this.say('staff_called', true);
        this.paint();
      }
      return;
    }
    if (!this.active) return;
    const step = this.step;
    if (id === 'continue' && step.action.kind === 'continue') { this.complete(); return; }
    if (step.action.kind !== 'quiz') return;
    const questions = step.action.questions;
    const q = questions[this.quiz.index];
    if (id.startsWith('choice:') && !this.quiz.answered) {
      const choice = id.slice('choice:'.length);
      this.quiz.answers.set(q.id, choice);
      this.quiz.answered = true;
      this.send({ kind: 'answer', step_id: step.id, question_id: q.id, choice_id: choice });
      this.paint();
    } else if (id === 'next' && this.quiz.answered) {
      if (this.quiz.index + 1 < questions.length) {
        this.quiz.index += 1;
        this.quiz.answered = false;
        this.paint();
      } else {
        this.complete();
      }
    }
  }

  // ------------------------------------------------------------ staff commands

  setPaused(paused) { this.paused = paused; this.sounds?.setPaused(paused); this.paint(); }

  end() {
    this.ended = true;
    this.sounds?.stopAll();
    this.view.setHighlight(null);
    for (const c of this.view.controllers) this.view.release(c, { restore: true, silent: true });
    this.paint();
  }

  switchLanguage(lang, byVisitor = false) {
    if (lang === this.lang) return;
    this.lang = lang;
    if (byVisitor && this.protocol.eventKinds.has('language_changed')) this.send({ kind: 'language_changed', language: lang });
    this.onLanguage(lang);
    this.paint();
  }

  // ------------------------------------------------------------ the panel

  /** What a test (or a debugging session) can read. */
  describe() {
    const step = this.step;
    const q = step?.action.kind === 'quiz' ? step.action.questions[this.quiz.index] : null;
    return {
      session_id: this.sessionId, scene_id: this.manifest.scene.id, step_index: this.stepIndex,
      step_id: step?.id ?? null, action: step?.action ?? null, started: this.started, paused: this.paused,
      ended: this.ended, completed_all: this.completedAll, language: this.lang,
      question_id: q?.id ?? null, answered: this.quiz?.answered ?? false, hints_shown: this.hintsShown ?? 0,
      elapsed: this.elapsed ?? 0, dwell: this.dwell ?? 0,
    };
  }

  paint() {
    const panel = this.panel;
    panel.lang = this.lang;
    panel.show((p) => this.draw(p));
  }

  draw(p) {
    const L = this.lang;
    const W = p.canvas.width;
    const H = p.canvas.height;
    const sceneTitle = loc(this.manifest.scene.title, L);
    const topButtons = () => {
      p.button('lang', t('switch_language', L), W - 230, 24, 200, 56, { alt: true, size: 26 });
      if (this.protocol.canCallStaff) p.button('call_staff', t('call_staff', L), W - 470, 24, 225, 56, { alt: true, size: 24 });
    };
    if (this.ended) {
      p.text(sceneTitle, 40, 40, { size: 28, color: COLORS.dim });
      p.text(t('ended_by_staff', L), 40, 200, { size: 44, weight: 700 });
      return;
    }
    if (this.completedAll) {
      p.text(sceneTitle, 40, 40, { size: 28, color: COLORS.dim });
      p.text(t('finishing', L), 40, 220, { size: 44, weight: 700 });
      return;
    }
    const step = this.step;
    if (!step) {
      p.text(sceneTitle, 40, 40, { size: 28, color: COLORS.dim, maxWidth: W - 520 });
      p.text(this.started ? t('loading', L) : t('wait_for_staff', L), 40, 200, { size: 38, weight: 700 });
      topButtons();
      return;
    }
    p.text(`${sceneTitle} · ${t('step_of', L, { n: this.stepIndex + 1, total: this.steps.length })}`, 40, 36, { size: 24, color: COLORS.dim, maxWidth: W - 540, maxLines: 2 });
    topButtons();
    let y = p.text(loc(step.title, L), 40, 100, { size: 42, weight: 700, maxLines: 2 });
    const action = step.action;
    if (action.kind === 'quiz') {
      const q = action.questions[this.quiz.index];
      p.text(t('question_of', L, { n: this.quiz.index + 1, total: action.questions.length }), 40, y + 4, { size: 24, color: COLORS.dim });
      y = p.text(loc(q.prompt, L), 40, y + 40, { size: 32, weight: 700, maxLines: 3 });
      const chosen = this.quiz.answers.get(q.id);
      if (!this.quiz.answered) {
        const h = Math.min(72, (H - y - 30) / q.choices.length - 12);
        for (const c of q.choices) {
          p.button(`choice:${c.id}`, loc(c.text, L), 40, y + 10, W - 80, h, { size: h > 60 ? 28 : 24 });
          y += h + 12;
        }
      } else {
        const right = chosen === q.answer;
        y = p.text(right ? t('correct', L) : t('incorrect', L), 40, y + 16, { size: 36, weight: 700, color: right ? COLORS.good : COLORS.bad });
        const answerText = loc(q.choices.find((c) => c.id === q.answer)?.text, L);
        y = p.text(`✓ ${answerText}`, 40, y + 4, { size: 28, maxLines: 2 });
        if (q.explanation) p.text(loc(q.explanation, L), 40, y + 8, { size: 26, color: COLORS.dim, maxLines: 3, maxWidth: W - 360 });
        p.button('next', t('next', L), W - 300, H - 110, 260, 80);
      }
      return;
    }
    y = p.text(loc(step.narration, L), 40, y + 10, { size: 29, maxLines: 6 });
    const help = { select: 'do_select', grab_place: 'do_grab', look_at: 'do_look' }[action.kind];
    if (help) p.text(t(help, L), 40, y + 8, { size: 24, color: COLORS.dim });
    const hints = step.hints ?? [];
    if (this.hintsShown > 0) {
      p.text(`${t('hint', L)}: ${loc(hints[this.hintsShown - 1].text, L)}`, 40, H - 150, { size: 27, color: COLORS.accent, maxLines: 2, maxWidth: W - 380 });
    }
    if (this.feedback) {
      p.text(t(this.feedback.key, L), 40, H - 70, { size: 30, weight: 700, color: this.feedback.good ? COLORS.good : COLORS.bad });
    }
    if (action.kind === 'continue') p.button('continue', t('continue', L), W - 300, H - 110, 260, 80);
  }
}

