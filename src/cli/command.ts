import type { Io } from './output/io.js';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
  readonly default?: string | boolean;
}

/** A command declared as data: its words, flags and examples; `run` gets parsed values and IO. */
export interface CommandSpec {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly maxPositionals?: number;
  readonly examples?: readonly string[];
  run(input: CommandInput, io: Io): Promise<number>;
}

export interface CommandInput {
  readonly flags: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** The arguments after the command's words, in order (for az's `--repository REPO ACTION...`). */
  readonly args?: readonly string[];
}

export function flagString(input: CommandInput, name: string): string | undefined {
  const v = input.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(input: CommandInput, name: string): boolean {
  return input.flags[name] === true;
}
