// Lint: typescript-eslint's recommended rules, plus the type-aware promise rules that catch an
// un-awaited call in the handler or a test (no-floating-promises, no-misused-promises, await-thenable).
// Formatting is prettier's job (npm run format), so no style rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'lib/**', 'cdktf.out/**', 'cdktf.out.hcl/**', '.gen/**', 'docs/**', 'artifacts/**', '.venv/**', 'coverage/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `_name` marks what is unused on purpose (a destructured part left out, a required parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // TypeScript checks names itself (and knows the Node and DOM types); ESLint's no-undef cannot.
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    // Tests index into synthesized Terraform JSON and plan files of any shape.
    files: ['__tests__/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain JavaScript run by Node as CommonJS: the install helpers, the benchmark apps, jest's config.
    files: ['**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The site's scripts run in the browser.
    files: ['site/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
    // contact.js rejects control characters in the fields, as handlers/contact/validate.ts does (where each
    // such expression carries its own exception); a comment here would be shipped to every visitor.
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
