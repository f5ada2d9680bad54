import { describe, expect, it } from 'vitest';
import { render, renderError } from './test-helpers.js';

/** Data shaped like acb's template data: .Run (strings), .Values, .Secrets; missingkey=zero as in ACR. */
const data = {
  Run: { ID: 'cf1', Registry: 'myreg.azurecr.io', RegistryName: 'myreg', Date: '20240115-103000z', OS: 'linux', Architecture: 'amd64', Commit: '', Branch: 'main' },
  Build: { ID: 'cf1' },
  Values: { images: ['api', 'web'], replicas: 2, env: 'prod', flags: { debug: false } },
  Secrets: { pw: 's3cr3t' },
};
const acr = { name: 'acb.yaml', missingKey: 'zero' } as const;

describe('ACR task-file snippets', () => {
  it('renders image references from .Run', () => {
    expect(render('- build: -t {{.Run.Registry}}/img:{{.Run.ID}} .', data, acr)).toBe('- build: -t myreg.azurecr.io/img:cf1 .');
    expect(render('{{.Build.ID}}-{{.Run.RegistryName}}-{{.Run.Date}}', data, acr)).toBe('cf1-myreg-20240115-103000z');
  });

  it('renders defaults for absent values', () => {
    expect(render('tag: {{.Values.tag | default "latest"}}', data, acr)).toBe('tag: latest');
    expect(render('env: {{.Values.env | default "dev"}}', data, acr)).toBe('env: prod');
  });

  it('leaves <no value> for an unknown .Run key, for the caller to delete as acb does', () => {
    const out = render('image: app:{{.Run.Tag}}', data, acr);
    expect(out).toBe('image: app:<no value>');
    expect(out.replaceAll('<no value>', '')).toBe('image: app:');
  });

  it('base64-encodes secrets with ACR b64enc (nil is empty)', () => {
    expect(render('pw: {{ .Secrets.pw | b64enc }}', data, acr)).toBe('pw: czNjcjN0');
    expect(render('pw: [{{ .Secrets.missing | b64enc }}]', data, acr)).toBe('pw: []');
    expect(render('pw: [{{ .Secrets.missing | b64enc }}]', { ...data, Secrets: {} }, acr)).toBe('pw: []');
  });

  it('builds a YAML step list with a multi-line range and trim markers', () => {
    const src = [
      'version: v1.1.0',
      'steps:',
      '{{- range $i, $img := .Values.images }}',
      '  - id: build-{{ $i }}',
      '    build: -t {{ $.Run.Registry }}/{{ $img }}:{{ $.Run.ID }} .',
      '{{- end }}',
      '  - push:',
      '{{- range .Values.images }}',
      '    - {{ $.Run.Registry }}/{{ . }}:{{ $.Run.ID }}',
      '{{- end }}',
      '',
    ].join('\n');
    expect(render(src, data, acr)).toBe(
      [
        'version: v1.1.0',
        'steps:',
        '  - id: build-0',
        '    build: -t myreg.azurecr.io/api:cf1 .',
        '  - id: build-1',
        '    build: -t myreg.azurecr.io/web:cf1 .',
        '  - push:',
        '    - myreg.azurecr.io/api:cf1',
        '    - myreg.azurecr.io/web:cf1',
        '',
      ].join('\n'),
    );
  });

  it('branches on the platform and on values', () => {
    const src = '{{ if eq .Run.OS "windows" }}cmd /c dir{{ else if .Values.flags.debug }}ls -la{{ else }}ls{{ end }}';
    expect(render(src, data, acr)).toBe('ls');
    expect(render('replicas: {{ add .Values.replicas 1 }} env: {{ .Values.env | upper | quote }}', data, acr)).toBe('replicas: 3 env: "PROD"');
  });

  it('fails when indexing through a missing value, with the position acb reports', () => {
    const e = renderError('steps:\n  - cmd: echo {{.Values.missing.deeper}}', data, acr);
    expect(e.message).toBe('template: acb.yaml:2:23: executing "acb.yaml" at <.Values.missing.deep...>: nil pointer evaluating interface {}.deeper');
    expect({ line: e.line, column: e.column, phase: e.phase }).toEqual({ line: 2, column: 23, phase: 'execute' });
  });

  it('renders string --set values, which are always strings in acb', () => {
    expect(render('{{ if eq .Values.count "3" }}three{{ end }}', { Values: { count: '3' } }, acr)).toBe('three');
  });
});
