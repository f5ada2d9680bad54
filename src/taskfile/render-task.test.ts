import { describe, expect, it } from 'vitest';
import { loadTask } from './load-task.js';
import { mergeValues, parseSetPairs, registryName, runDate, runInfo, shellQuote, sortedJson } from './render-data.js';
import { renderTask, type ExecuteTemplate } from './render-task.js';

/** A stand-in for the Go-template engine: `{{.A.B}}` lookups only, `<no value>` for missing keys. */
const fakeExecute: ExecuteTemplate = (source, data) => {
  if (/\{\{[^}]*$/.test(source.split('\n').find((l) => l.includes('{{') && !l.includes('}}')) ?? '')) {
    const line = source.split('\n').findIndex((l) => l.includes('{{') && !l.includes('}}')) + 1;
    throw Object.assign(new Error(`template: t:${line}: unclosed action`), { phase: 'parse', line, column: 0 });
  }
  return source.replace(/\{\{\s*\.([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
    let v: unknown = data;
    for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v === undefined ? '<no value>' : String(v);
  });
};

const run = runInfo({ id: 'ca7', registry: 'reg.example.invalid:5000', now: new Date(Date.UTC(2010, 4, 20, 13, 14, 22)) });
const base = { file: 'task.yaml', run, execute: fakeExecute };

describe('render data', () => {
  it('builds .Run as acb does', () => {
    expect(run).toMatchObject({ ID: 'ca7', Registry: 'reg.example.invalid:5000', RegistryName: 'reg', Date: '20100520-131422z', OS: 'linux', Architecture: 'amd64', SharedVolume: 'acb_vol_ca7', TaskName: '' });
    expect(registryName('foo-bar.azurecr-test.example')).toBe('foo-bar');
    expect(registryName('  ')).toBe('  ');
    expect(runDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('20240102-030405z');
  });

  it.each([["''", `''"'"''"'"''`], ['no quotes', "'no quotes'"], ['nothingtoescape', 'nothingtoescape'], ['', "''"], ['{"a":"b"}', `'{"a":"b"}'`]])('shell-quotes %j as %j', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });

  it('parses --set as flat strings, later wins, and merges a values file under it', () => {
    expect(parseSetPairs(['a=1,b=2', 'a.b=x', 'c=12345', 'e=', 'c=k=v'])).toEqual({ a: '1,b=2', 'a.b': 'x', c: 'k=v', e: '' });
    expect(() => parseSetPairs(['novalue'])).toThrow('failed to parse --set data; invalid format, no = assignment found');
    expect(() => parseSetPairs(['=v'])).toThrow('failed to parse --set data; expected a key=val format');
    expect(mergeValues({ a: 'set' }, { a: 'file', nested: { x: 1 } })).toEqual({ a: 'set', nested: { x: 1 } });
    expect(sortedJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});

describe('renderTask', () => {
  it('strips comments, applies aliases (v1.1.0) and templates, deleting <no value>', async () => {
    const text = '# build it\nversion: v1.1.0\nalias:\n  values:\n    img: $Registry/app\n    reg: "{{.Run.Registry}}"\nsteps:\n  - build: -t $img:$ID $reg .\n  - cmd: bash echo {{.Values.who}}{{.Run.Nope}}\n';
    const out = await renderTask({ ...base, text, values: { who: 'me' } });
    expect(out.diagnostics).toEqual([]);
    // Alias values are not alias-expanded themselves (acb substitutes once); templates in them are rendered.
    expect(out.text).toBe('version: v1.1.0\nsteps:\n  - build: -t $Registry/app:ca7 reg.example.invalid:5000 .\n  - cmd: bash echo me\n');
    expect(out.lines).toEqual([2, 7, 8, 9, 9]);
  });

  it('leaves $ references alone below v1.1.0', async () => {
    const out = await renderTask({ ...base, text: 'version: v1.0.0\nsteps:\n  - cmd: echo $ID\n' });
    expect(out.text).toBe('version: v1.0.0\nsteps:\n  - cmd: echo $ID\n');
    expect(out.aliases).toBeNull();
  });

  it('refuses remote alias sources and reads local ones', async () => {
    const text = 'version: v1.1.0\nalias:\n  src:\n    - https://aliases.example.invalid/a.yaml\n    - local.yaml\nsteps: []\n';
    const out = await renderTask({ ...base, text, readAliasSrc: (p) => (p === 'local.yaml' ? 'x: y\n' : '') });
    expect(out.diagnostics).toEqual([expect.objectContaining({ severity: 'error', message: 'remote alias sources are not fetched: https://aliases.example.invalid/a.yaml', line: 4 })]);
    const ok = await renderTask({ ...base, text: 'version: v1.1.0\nalias:\n  src: [local.yaml]\nsteps:\n  - cmd: $x\n', readAliasSrc: () => 'x: from-file\n' });
    expect(ok.text).toBe('version: v1.1.0\nsteps:\n  - cmd: from-file\n');
  });

  it('renders secrets in two passes, with values from the resolver', async () => {
    const text = 'secrets:\n  - id: pw\n    keyvault: vault://db\nsteps:\n  - cmd: app\n    env: [PW={{.Secrets.pw}}]\n';
    const seen: string[] = [];
    const out = await renderTask({ ...base, text, resolveSecrets: async (s) => (seen.push(...s.map((x) => x.keyvault ?? '')), { pw: 's3cret' }) });
    expect(seen).toEqual(['vault://db']);
    expect(out.text).toContain('PW=s3cret');
  });

  it('warns about a secret without a value and renders it empty', async () => {
    const out = await renderTask({ ...base, text: 'secrets:\n  - {id: pw, keyvault: "vault://db"}\nsteps:\n  - cmd: echo {{.Secrets.pw}}\n' });
    expect(out.text).toContain('cmd: echo \n');
    expect(out.diagnostics.map((d) => [d.severity, d.line])).toEqual([['warning', 2]]);
  });

  it('says "rendered template was empty" and maps template errors to the original line', async () => {
    expect((await renderTask({ ...base, text: '{{.Nothing}}' })).diagnostics[0]!.message).toBe('rendered template was empty');
    const out = await renderTask({ ...base, text: '# c\n# c\nsteps:\n  - cmd: {{.Values.x\n' });
    expect(out.diagnostics[0]).toMatchObject({ line: 4, message: 'failed to parse template: task.yaml. Err: template: t:2: unclosed action' });
  });

  it('treats a file of comments only as an empty task', async () => {
    const out = await loadTask({ ...base, text: '# nothing\n' });
    expect(out.diagnostics).toEqual([]);
    expect(out.plan?.steps).toEqual([]);
  });
});

describe('loadTask', () => {
  it('reports problems at the line the user wrote, past comments and the alias block', async () => {
    const text = '# header\nversion: v1.1.0\nalias:\n  values:\n    a: b\n# more\nsteps:\n  - cmd: x\n    retries: -1\n';
    const out = await loadTask({ ...base, text });
    expect(out.diagnostics).toEqual([expect.objectContaining({ message: 'step must specify retries >= 0', line: 9, column: 5 })]);
  });

  it('recognises a Dockerfile passed as a task file', async () => {
    const out = await loadTask({ ...base, text: '# syntax\nFROM alpine\nRUN true\n' });
    expect(out.diagnostics[0]).toMatchObject({ line: 2, hint: 'this looks like a Dockerfile; use `slipway build -f FILE CONTEXT`' });
  });

  it('hints that an alias block needs v1.1.0', async () => {
    const out = await loadTask({ ...base, text: 'version: v1.0.0\nalias:\n  values: {a: b}\nsteps: []\n' });
    expect(out.diagnostics[0]).toMatchObject({ severity: 'warning', line: 2, message: 'the alias block is ignored: aliases need version v1.1.0' });
  });

  it('plans the article build -> push -> cmd task', async () => {
    const text = 'version: v1.1.0\nsteps:\n  - build: -t $Registry/hello-world:$ID -f hello-world.dockerfile .\n  - push:\n      - $Registry/hello-world:$ID\n  - cmd: $Registry/hello-world:$ID\n';
    const out = await loadTask({ ...base, text });
    expect(out.diagnostics).toEqual([]);
    const image = 'reg.example.invalid:5000/hello-world:ca7';
    expect(out.plan!.steps.map((s) => [s.type, s.command ?? s.push.join(), s.dependsOn])).toEqual([
      ['build', `-t ${image} -f hello-world.dockerfile .`, []],
      ['push', image, ['acb_step_0']],
      ['cmd', image, ['acb_step_1']],
    ]);
    expect(out.plan!.steps[0]!.tags).toEqual([image]);
  });
});
