// Lint rules, including the layering of runtime folders (CONVENTIONS.md "Where code lives"):
// shared/ is platform-neutral, renderer/ reaches core only through shared/, and only
// electron/main and electron/preload may import 'electron'.
import js from '@eslint/js';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

const noElectron = {
  name: 'electron',
  message: "Only electron/main and electron/preload import 'electron'.",
};
const nodeOnlyPatterns = [
  { group: ['node:*'], message: 'This folder runs outside Node: no Node built-ins.' },
  ...nodeBuiltins.map((name) => ({
    group: [name],
    message: 'This folder runs outside Node: no Node built-ins.',
  })),
  {
    group: [
      'better-sqlite3',
      'fastify',
      'fastify/*',
      '@fastify/*',
      'undici',
      'pino',
      'tar',
      'node-forge',
      '@xmpp/*',
    ],
    message: 'Node-only package.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'shared/ctpscript/parser.*',
      'docs/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Correctness rules only: Prettier owns formatting, .vue files included.
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // TypeScript checks names; ESLint's no-undef does not know DOM or Node types.
    files: ['**/*.ts', '**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name="openExternal"]',
          message: 'Use safeOpenExternal() from electron/main/safeOpenExternal.ts.',
        },
      ],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...nodeOnlyPatterns,
            {
              group: ['**/electron/**', '**/renderer/**', 'vue', 'pinia', 'vue-router'],
              message: 'shared/ imports no app code and no UI framework.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...nodeOnlyPatterns,
            {
              group: ['**/electron/**', '!**/electron/preload/*.d.ts'],
              message: 'The renderer reaches core only through shared/api.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // A function that needs a scroll to read is two functions (CONVENTIONS.md "Services").
    files: ['electron/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['electron/core/**', 'electron/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    // The one place allowed to call openExternal (CONVENTIONS.md "security choke points").
    files: ['electron/main/safeOpenExternal.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests build fakes and read loosely typed JSON answers.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
