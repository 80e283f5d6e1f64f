// Test driver injected into the headset app page (tests only). It acts like a visitor
// through IWER's emulated devices only (`__iwer.remote.dispatch`: poses and the trigger);
// it reads `window.__vr` (node and button positions, the current step) to know where to
// point. Running in the page saves a browser round trip per poll.
window.__drive = (() => {
  let RIGHT = 'controller-right'; // or 'hand-right' after useInput('hand')
  const d = (method, params) => window.__iwer.remote.dispatch(method, params);
  const xyz = (a) => ({ x: a[0], y: a[1], z: a[2] });
  const sub = (a, b) => a.map((x, i) => x - b[i]);
  const add = (a, b) => a.map((x, i) => x + b[i]);
  const scale = (a, k) => a.map((x) => x * k);
  const norm = (a) => Math.hypot(...a);
  const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
  const state = () => window.__vr.state();

  async function until(predicate, timeoutMs = 10000, what = 'a condition') {
    const t0 = performance.now();
    for (;;) {
      const s = state();
      if (predicate(s)) return s;
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(`timed out waiting for ${what}; session: ${JSON.stringify(s.session)}; panel: ${JSON.stringify(s.panel)}`);
      }
      await sleep(10);
    }
  }

  async function aim(at, from, device = RIGHT) {
    await Promise.all([
      d('set_transform', { device, position: xyz(from) }),
      d('look_at', { device, target: xyz(at) }),
    ]);
  }

  /** 'controller' (trigger) or 'hand' (pinch): IWER switches the input sources the app sees. */
  async function useInput(mode) {
    await d('set_input_mode', { mode });
    RIGHT = mode === 'hand' ? 'hand-right' : 'controller-right';
    await until((s) => s.inputs.some((i) => i && i.handedness === 'right' && i.hand === (mode === 'hand')), 5000, `${mode} input`);
  }

  async function trigger(value, device = RIGHT) {
    await d('set_select_value', { device, value });
  }

  async function click(device = RIGHT) {
    await trigger(1, device);
    await trigger(0, device);
  }

  /** A visitor waits for a panel that is still swinging after the head (comfort.js): it may
   * be where they point, or cross the ray to what they point at. */
  async function panelsSettled() {
    await until((s) => !s.ui.moving, 5000, 'the panels to settle');
  }

  async function pressButton(id, panel = 'main') {
    await panelsSettled();
    const b = window.__vr.button(id, panel);
    if (!b) throw new Error(`no button ${id} on ${panel}: ${JSON.stringify(state().panel)}`);
    await aim(b.position, add(b.position, scale(b.normal, 0.3)));
    await click();
  }

  /** Kiosk lobby: page through the catalog to the scene's tile and pick it. */
  async function pickScene(id) {
    for (let page = 0; page < 20 && !window.__vr.button(`scene:${id}`); page++) {
      const before = JSON.stringify(state().panel.buttons);
      await pressButton('page:next');
      await until((s) => JSON.stringify(s.panel.buttons) !== before, 5000, 'the next catalog page');
    }
    await pressButton(`scene:${id}`);
  }

  /** Point at a visible point of the node from 25 cm in front of it (on the line from the head). */
  async function aimAtNode(name) {
    await panelsSettled();
    const found = window.__vr.aimPoint(name);
    const point = found?.point ?? window.__vr.node(name).center;
    const to = sub(point, found?.from ?? window.__vr.head().position);
    const dist = norm(to);
    const start = sub(point, scale(to, Math.min(0.25, 0.8 * dist) / dist));
    await aim(point, start);
    return start;
  }

  async function selectNode(name) {
    await aimAtNode(name);
    await click();
  }

  /** Grab, carry and let go of the node a little above the target (within tolerance). */
  async function grabPlace(name, target, tolerance = 0.15) {
    const origin = window.__vr.node(name).origin;
    const goal = add(window.__vr.node(target).origin, [0, 0.6 * tolerance, 0]);
    const start = await aimAtNode(name);
    await trigger(1);
    await until((s) => s.grabbing.includes(name), 5000, `grabbing ${name}`);
    await d('set_transform', { device: RIGHT, position: xyz(add(start, sub(goal, origin))) });
    await d('get_session_status'); // one more frame: the node has followed the controller
    await trigger(0);
  }

  async function lookAtNode(name) {
    await d('look_at', { device: 'headset', target: xyz(window.__vr.node(name).center) });
  }

  async function playStep() {
    const session = state().session;
    const index = session.step_index;
    const action = session.action;
    switch (action.kind) {
      case 'continue': await pressButton('continue'); break;
      case 'select': await selectNode(action.node); break;
      case 'grab_place': await grabPlace(action.node, action.target, action.tolerance_m ?? 0.15); break;
      case 'look_at': await lookAtNode(action.node); break;
      case 'quiz':
        for (const q of action.questions) {
          await until((s) => s.session.question_id === q.id && !s.session.answered, 10000, `question ${q.id}`);
          await pressButton(`choice:${q.answer}`);
          await until((s) => s.session.answered, 5000, `answer to ${q.id}`);
          await pressButton('next');
        }
        break;
      default: throw new Error(`unknown action ${action.kind}`);
    }
    await until((s) => s.session === null || s.session.step_index > index, 10000, `step ${session.step_id} (${action.kind}) to complete`);
    return index;
  }

  async function playAll() {
    const played = [];
    while (state().session && !state().session.completed_all) played.push(await playStep());
    return played;
  }

  return { useInput, pickScene, aim, click, trigger, pressButton, aimAtNode, selectNode, grabPlace, lookAtNode, playStep, playAll, until };
})();
