/**
 * `yieldopt <command> [options]`: the product's offline CLI. Each subcommand lives in
 * scripts/yieldopt/<command>.ts and exports `run(argv): Promise<number>` (the exit code), so adding
 * a command is adding a file and a line in COMMANDS.
 */
import path from 'node:path';
import fs from 'node:fs';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** Known subcommands; a module is loaded only when its command runs. */
const COMMANDS: Record<string, { summary: string; module: string }> = {
  forecast: { summary: 'forecast APY and TVL of DefiLlama /chart histories', module: 'forecast' },
  optimize: { summary: 'solve an allocation (MILP) or a mean-variance problem from a JSON file', module: 'optimize' },
  backtest: { summary: 'replay forecast → filter → allocate over history', module: 'backtest' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS)
    .filter(([, c]) => fs.existsSync(path.join(__dirname, 'yieldopt', `${c.module}.js`)) || fs.existsSync(path.join(__dirname, 'yieldopt', `${c.module}.ts`)))
    .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: yieldopt <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'yieldopt <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`yieldopt: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let command: Command;
  try {
    command = require(`./yieldopt/${entry.module}`) as Command;
  } catch (err) {
    process.stderr.write(`yieldopt: command "${name}" is not available in this build\n`);
    return 2;
  }
  return command.run(rest);
}

if (require.main === module) {
  process.env.METADATA_SERVER_DETECTION = process.env.METADATA_SERVER_DETECTION || 'none';
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`yieldopt: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
