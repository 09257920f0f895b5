/**
 * Command-line plumbing the `yieldopt` subcommands share: walking `--flag value` / `--flag=value`
 * arguments, and the usage-error / --help exits (2 with the message and help on stderr, 0 with the
 * help on stdout).
 */

/** Bad command line: reported with the help text, exit code 2. */
export class UsageError extends Error {}

/**
 * Calls onFlag for each argument, with `value()` reading the flag's value: the part after "=" of a
 * `--flag=value` argument, else the next argument (UsageError when there is none). Stops and returns
 * 'help' as soon as onFlag does.
 */
export function eachFlag(argv: readonly string[], onFlag: (flag: string, value: () => string, arg: string) => void | 'help'): 'help' | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (onFlag(flag, value, arg) === 'help') return 'help';
  }
  return undefined;
}

/**
 * Runs a subcommand's parser: its arguments, or the exit code when there is nothing more to do
 * (2 after a parse error, printed with the help; 0 after printing the help for --help).
 */
export function parseCommandLine<A>(command: string, help: string, argv: string[], parse: (argv: string[]) => A | 'help'): A | number {
  let args: A | 'help';
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`yieldopt ${command}: ${(err as Error).message}\n\n${help}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(help);
    return 0;
  }
  return args;
}
