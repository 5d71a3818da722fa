import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'cdk.out',
      'coverage',
      'bin/ecr-janitor.js',
      'jest.config.js',
      'test/support/summary-reporter.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['lambda/**/*.ts', 'lib/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
