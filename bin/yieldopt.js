#!/usr/bin/env node
// Compiled by `npm ci` (prepare script); see scripts/yieldopt.ts.
process.env.METADATA_SERVER_DETECTION = process.env.METADATA_SERVER_DETECTION || 'none';
const { main } = require('../dist/scripts/yieldopt.js');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`yieldopt: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
