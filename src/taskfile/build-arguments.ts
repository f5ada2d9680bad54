/** What acb reads from a build step's argument string (3.5 step 1). */
export interface BuildArguments {
  readonly dockerfile: string;
  readonly target: string;
  readonly context: string;
  readonly tags: string[];
  readonly buildArgs: string[];
}

const unquote = (s: string): string => s.replace(/^["']+|["']+$/g, '');

/**
 * Whitespace-split fields: the value after `-f`/`--file` is the Dockerfile, after `--target` the
 * target, after each `-t`/`--tag` a tag and after each `--build-arg` a build arg; the context is the
 * last field that neither starts with `-` nor follows a field that does (default `.`). `--file=x`
 * forms are not understood, as in acb.
 */
export function parseBuildArguments(build: string): BuildArguments {
  const fields = build.trim().split(/\s+/).filter((f) => f !== '');
  const out = { dockerfile: '', target: '', context: '.', tags: [] as string[], buildArgs: [] as string[] };
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const next = fields[i + 1];
    const previous = i > 0 ? fields[i - 1]! : '';
    if (next !== undefined && (field === '-f' || field === '--file')) out.dockerfile = unquote(next);
    if (next !== undefined && field === '--target') out.target = unquote(next);
    if (next !== undefined && (field === '-t' || field === '--tag')) out.tags.push(next);
    if (next !== undefined && field === '--build-arg') out.buildArgs.push(next);
    if (!field.startsWith('-') && !previous.startsWith('-')) out.context = field;
  }
  return out;
}
