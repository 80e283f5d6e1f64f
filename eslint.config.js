// ESLint (flat config) for every JavaScript file the project ships: the staff pages
// (vr_server/web), the WebXR headset app (headset_client/web), the browser test driver
// (tests/e2e/web/driver.js) and the Node scripts. Run `node_modules/.bin/eslint .` (scripts/test.sh
// does); tests/e2e/web/test_javascript_lint.py fails when a tracked file is left out of these globs.
// Vendored code is not ours to lint: three.js, IWER and the rest are served from node_modules
// (ignored by default), and nothing is copied into the tree.

import js from '@eslint/js';
import globals from 'globals';

/** Rules beyond `recommended` that catch real bugs (not style). */
const BUG_RULES = {
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-implicit-globals': 'error',
  'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'all', ignoreRestSiblings: true }],
  'prefer-const': 'error',
  'no-var': 'error',
  'no-throw-literal': 'error',
  'prefer-promise-reject-errors': 'error',
  'no-self-compare': 'error',
  'no-template-curly-in-string': 'error',
  'no-unmodified-loop-condition': 'error',
  'no-unreachable-loop': 'error',
  'no-promise-executor-return': 'error',
  'array-callback-return': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-eval': 'error',
  'no-sequences': 'error',
  'no-use-before-define': ['error', { functions: false, classes: true, variables: true }],
  'no-shadow': 'error',
  'no-unused-expressions': 'error',
  'no-loop-func': 'error',
  'no-return-assign': 'error',
  'no-new': 'error',
  'no-caller': 'error',
  'no-extend-native': 'error',
  'no-proto': 'error',
};

/** Browser globals that a typo or a missing declaration silently reaches (`name`, `event`,
 * `status`...): no-undef cannot see those mistakes, so using them bare is an error. */
const CONFUSING_BROWSER_GLOBALS = [
  'event', 'name', 'status', 'length', 'top', 'parent', 'closed', 'opener', 'self', 'origin',
  'close', 'open', 'print', 'find', 'stop', 'scroll', 'frames', 'external', 'defaultStatus',
];
const BROWSER_RULES = { 'no-restricted-globals': ['error', ...CONFUSING_BROWSER_GLOBALS] };

export default [
  { ignores: ['.venv/**', 'var/**', 'dist/**'] },
  js.configs.recommended,
  { linterOptions: { reportUnusedDisableDirectives: 'error' }, rules: BUG_RULES },
  // Each file's environment. A file no block below names has no globals at all, so its
  // `document` or `process` fails no-undef (and tests/e2e/web/test_javascript_lint.py names it).
  {
    // The browser's ES modules: the staff pages and the headset app (three.js and IWER come
    // in through the page's import map, never from the tree).
    files: ['vr_server/web/**/*.js', 'headset_client/web/**/*.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.browser } },
    rules: BROWSER_RULES,
  },
  {
    // A classic script injected into the headset app's page by the browser tests.
    files: ['tests/e2e/web/driver.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'script', globals: { ...globals.browser } },
    rules: BROWSER_RULES,
  },
  {
    // Node: the tools under scripts/, the packager's KTX2 encoder script and this file.
    files: ['scripts/**/*.mjs', 'scripts/**/*.js', 'content_tools/**/*.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
  },
];
