#!/usr/bin/env node
// Rewrites the configuration table in README.md from the schema (run after `npm run build`).
// A unit test fails while the README and the schema disagree.
const fs = require('node:fs');
const path = require('node:path');
const { configReferenceMarkdown } = require('../dist/libs/config/src/config.reference');

const readme = path.join(__dirname, '..', 'README.md');
const start = '<!-- config-reference:start -->';
const end = '<!-- config-reference:end -->';
const text = fs.readFileSync(readme, 'utf8');
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
fs.writeFileSync(readme, `${text.slice(0, from + start.length)}\n${configReferenceMarkdown()}\n${text.slice(to)}`);
console.log('README.md configuration reference updated');
