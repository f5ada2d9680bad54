import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { CommandInput, CommandSpec } from './command.js';
import type { Io } from './output/io.js';

/** One exit-code map for every command (gh's table). */
export const ExitCode = { ok: 0, failure: 1, usage: 2, auth: 3, notFound: 4, cancelled: 130 } as const;

export function exitCodeFor(err: unknown): number {
  if (!isAppError(err)) return ExitCode.failure;
  if (err.code === 'USAGE_INVALID' || err.code === 'CONFIG_INVALID') return ExitCode.usage;
  if (err.httpStatus === 401 || err.httpStatus === 403) return ExitCode.auth;
  if (err.httpStatus === 404) return ExitCode.notFound;
  return ExitCode.failure;
}

function help(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(([name, f]) => `  ${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ' VALUE' : ''}\n        ${f.description}`);
  const examples = spec.examples?.length ? `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n` : '';
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nFlags:\n${flags.join('\n')}\n  -h, --help\n${examples}`;
}

function overview(commands: readonly CommandSpec[]): string {
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(28)} ${c.summary}`);
  return `slipway: a container registry with a built-in task engine\n\nCommands:\n${lines.join('\n')}\n\nRun 'slipway <command> --help' for a command's flags.\n`;
}

function find(commands: readonly CommandSpec[], argv: readonly string[]): CommandSpec | undefined {
  return [...commands].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((word, i) => argv[i] === word));
}

/** Parses a command's flags strictly; a string is the usage error to print instead. */
function parseInput(spec: CommandSpec, args: readonly string[]): CommandInput | 'help' | string {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    return (err as Error).message;
  }
  if (parsed.values.help) return 'help';
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max) return `unexpected argument "${parsed.positionals[max]}"`;
  return { flags: parsed.values as CommandInput['flags'], positionals: parsed.positionals, args };
}

/** Prints a failed command's error and maps it to the exit code (the one place that does). */
function reportFailure(err: unknown, io: Io): number {
  if ((err as Error).name === 'AbortError') return ExitCode.cancelled;
  const detail = isAppError(err) && err.detail !== undefined ? ` (${JSON.stringify(err.detail)})` : '';
  io.err(`error: ${isAppError(err) ? `${err.message}${detail} [${err.code}]` : (err as Error).message}`);
  return exitCodeFor(err);
}

/** Finds the command, parses its flags strictly, runs it and maps any error to an exit code. */
export async function runCli(commands: readonly CommandSpec[], argv: readonly string[], io: Io): Promise<number> {
  const spec = find(commands, argv);
  if (!spec) {
    if (argv.length === 0 || ['--help', '-h', 'help'].includes(argv[0]!)) {
      io.out(overview(commands));
      return ExitCode.ok;
    }
    io.err(`error: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${overview(commands)}`);
    return ExitCode.usage;
  }
  const input = parseInput(spec, argv.slice(spec.path.length));
  if (input === 'help') {
    io.out(help(spec));
    return ExitCode.ok;
  }
  if (typeof input === 'string') {
    io.err(`error: ${input}\n\n${help(spec)}`);
    return ExitCode.usage;
  }
  try {
    return await spec.run(input, io);
  } catch (err) {
    return reportFailure(err, io);
  }
}

export function usageError(message: string): AppError {
  return new AppError(Errors.USAGE_INVALID, { message });
}
