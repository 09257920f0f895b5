#!/usr/bin/env node
// Compiled by `npm ci` (prepare script); see scripts/workflows-local.ts.
process.env.METADATA_SERVER_DETECTION = process.env.METADATA_SERVER_DETECTION || 'none';
require('../dist/scripts/workflows-local.js');
