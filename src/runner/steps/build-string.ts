import { splitShellWords } from './shell-words.js';

/** A build step's `docker build` arguments, understood. */
export interface BuildCommand {
  /** The positional context: a path relative to the step's working directory, or a git/tarball URL. */
  readonly context: string;
  /** `-f`/`--file`, relative to the step's working directory (docker's rule), or null for `<context>/Dockerfile`. */
  readonly dockerfile: string | null;
  readonly tags: readonly string[];
  /** `--build-arg K=V`; a bare `K` takes the step's environment value (docker's rule), else is left out. */
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly target: string | null;
  readonly noCache: boolean;
  readonly pull: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly platform: string | null;
  readonly network: string | null;
  /** Flags Slipway accepted but does not act on (logged as warnings). */
  readonly ignored: readonly string[];
}

const VALUE_FLAGS = new Set(['-f', '--file', '-t', '--tag', '--build-arg', '--target', '--label', '--platform', '--network', '--isolation', '--cpus', '-m', '--memory', '--cache-from', '--cache-to', '--secret', '--ssh', '--add-host', '--shm-size', '--ulimit', '--iidfile', '--progress', '--output', '-o']);
const BOOLEAN_FLAGS = new Set(['--no-cache', '--pull', '-q', '--quiet', '--rm', '--force-rm', '--squash', '--compress', '--load', '--push']);

function splitPair(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq === -1 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * Parses a build step's argument string (`-t $Registry/app:$ID -f Dockerfile .`) with shell
 * quoting, accepting both `--flag value` and `--flag=value`. The last positional word is the
 * context (default `.`). Unknown flags are errors; flags that make no sense here (`--isolation`,
 * `--cache-to`, …) are accepted and listed in `ignored`.
 */
export function parseBuildCommand(text: string, env: Readonly<Record<string, string>> = {}): BuildCommand {
  const words = splitShellWords(text);
  const tags: string[] = [];
  const buildArgs: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const ignored: string[] = [];
  const positionals: string[] = [];
  let dockerfile: string | null = null;
  let target: string | null = null;
  let platform: string | null = null;
  let network: string | null = null;
  let noCache = false;
  let pull = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const [flag, inline] = word.startsWith('--') ? splitPair(word) : [word, undefined];
    if (BOOLEAN_FLAGS.has(flag)) {
      if (flag === '--no-cache') noCache = inline === undefined || inline === 'true';
      else if (flag === '--pull') pull = inline === undefined || inline === 'true';
      else ignored.push(flag);
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) throw new Error(`unknown docker build flag "${flag}"`);
    const value = inline ?? words[++i];
    if (value === undefined) throw new Error(`docker build flag "${flag}" needs a value`);
    switch (flag) {
      case '-f':
      case '--file':
        dockerfile = value;
        break;
      case '-t':
      case '--tag':
        tags.push(value);
        break;
      case '--build-arg': {
        const [name, given] = splitPair(value);
        const resolved = given ?? env[name];
        if (resolved !== undefined) buildArgs[name] = resolved;
        break;
      }
      case '--label': {
        const [name, given] = splitPair(value);
        labels[name] = given ?? '';
        break;
      }
      case '--target':
        target = value;
        break;
      case '--platform':
        platform = value;
        break;
      case '--network':
        network = value;
        break;
      default:
        ignored.push(flag);
    }
  }
  if (positionals.length > 1) throw new Error(`docker build takes one context, got ${positionals.map((p) => `"${p}"`).join(', ')}`);
  return { context: positionals[0] ?? '.', dockerfile, tags, buildArgs, target, noCache, pull, labels, platform, network, ignored };
}
