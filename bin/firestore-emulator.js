#!/usr/bin/env node
// Compiled by `npm ci` (prepare script); see scripts/firestore-emulator.ts.
process.env.METADATA_SERVER_DETECTION = process.env.METADATA_SERVER_DETECTION || 'none';
require('../dist/scripts/firestore-emulator.js');
