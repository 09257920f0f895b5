/** Step 5 (DOMAIN.md): the ledger and the Slack report — handlers and their pure cores. */
export { updateLedger } from './update-ledger';
export { postSlackReport } from './post-slack-report';
export { computeLedger } from './ledger';
export { buildWalletModel } from './wallet-model';
export { buildReport, buildFailureReport } from './slack-message';
export { summarizeRun } from './run-summary';
