#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so that `npx ecr-janitor` works from a checkout.
require('tsx/cjs');
require('./cli.ts');
