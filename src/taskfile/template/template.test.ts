import { describe, expect, it } from 'vitest';
import { executeTemplate, parseTemplate, TemplateError } from './index.js';
import { render, renderError, type Case } from './test-helpers.js';

const table = (cases: ReadonlyArray<Case>): void => {
  it.each(cases)('renders $src', ({ src, want, data, options }) => {
    expect(render(src, data ?? {}, options)).toBe(want);
  });
};

describe('text and actions (Go text/template package documentation)', () => {
  table([
    { src: 'plain text, no actions', want: 'plain text, no actions' },
    { src: '{{"\\"output\\""}}', want: '"output"' },
    { src: '{{`"output"`}}', want: '"output"' },
    { src: '{{printf "%q" "output"}}', want: '"output"' },
    { src: '{{"output" | printf "%q"}}', want: '"output"' },
    { src: '{{printf "%q" (print "out" "put")}}', want: '"output"' },
    { src: '{{"put" | printf "%s%s" "out" | printf "%q"}}', want: '"output"' },
    { src: '{{"output" | printf "%s" | printf "%q"}}', want: '"output"' },
    { src: '{{with "output"}}{{printf "%q" .}}{{end}}', want: '"output"' },
    { src: '{{with $x := "output" | printf "%q"}}{{$x}}{{end}}', want: '"output"' },
    { src: '{{with $x := "output"}}{{printf "%q" $x}}{{end}}', want: '"output"' },
    { src: '{{with $x := "output"}}{{$x | printf "%q"}}{{end}}', want: '"output"' },
    { src: 'a{{/* a comment */}}b', want: 'ab' },
    { src: 'a {{- /* trimmed comment */ -}} b', want: 'ab' },
    { src: '{{`a\\nb`}}', want: 'a\\nb' },
    { src: '{{"tab\\there\\u00e9\\x41\\101"}}', want: 'tab\there\u00e9AA' },
  ]);
});

describe('trim markers', () => {
  table([
    { src: '{{23 -}} < {{- 45}}', want: '23<45' },
    { src: 'a \n\t {{- "x" -}} \r\n b', want: 'axb' },
    { src: '{{-3}}', want: '-3' },
    { src: 'a {{- 3}} {{3 -}} b', want: 'a3 3b' },
    { src: 'line1\n{{- if true }}\nline2\n{{- end }}\n', want: 'line1\nline2\n' },
    // Only ASCII whitespace is trimmed.
    { src: 'a\u00a0{{- "x" }}', want: 'a\u00a0x' },
  ]);
});

describe('literals', () => {
  table([
    { src: "{{'a'}} {{printf \"%c\" 'a'}} {{'\\n'}}", want: '97 a 10' },
    { src: '{{0x1F}} {{0o17}} {{0b101}} {{1_000}} {{017}} {{-5}} {{+3}}', want: '31 15 5 1000 15 -5 3' },
    { src: '{{1.5}} {{1.5e3}} {{.5}} {{0x1p-2}} {{1e-7}} {{123456789.5}}', want: '1.5 1500 0.5 0.25 1e-07 1.234567895e+08' },
    { src: '{{true}} {{false}}', want: 'true false' },
    { src: '{{printf "%T %T %T" 1 1.5 "s"}}', want: 'int float64 string' },
  ]);
});

describe('pipelines, variables and fields', () => {
  table([
    { src: '{{.a.b.c}}', data: { a: { b: { c: 'deep' } } }, want: 'deep' },
    { src: '{{$x := .a}}{{$x.b}}', data: { a: { b: 'via var' } }, want: 'via var' },
    { src: '{{(index .m "k").f}}', data: { m: { k: { f: 'chain' } } }, want: 'chain' },
    { src: '{{with .a}}{{$.top}}{{.b}}{{end}}', data: { top: 'T', a: { b: 'B' } }, want: 'TB' },
    { src: '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', want: '2' },
    { src: '{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', want: '21' },
    { src: '{{$s := ""}}{{range .l}}{{$s = print $s .}}{{end}}{{$s}}', data: { l: ['a', 'b', 'c'] }, want: 'abc' },
    { src: '{{ (len "abc") | printf "%d!" }}', want: '3!' },
    { src: '{{ . }}', data: 'root', want: 'root' },
    { src: '{{ $ }}', data: 7, want: '7' },
    { src: '{{ .a }}|{{ print .a }}', data: { a: null }, want: '<no value>|<nil>' },
    {
      src: '{{ . }}',
      data: { b: [1, 'two', 2.5], a: { z: true, y: null }, c: [] },
      want: 'map[a:map[y:<nil> z:true] b:[1 two 2.5] c:[]]',
    },
    { src: '{{ .f }} {{ .g }} {{ .h }}', data: { f: 0.1 + 0.2, g: 1e21, h: -0.000001 }, want: '0.30000000000000004 1e+21 -1e-06' },
    {
      src: '{{define "T"}}{{.}}{{end}}{{template "T" (print "in" "ner")}}',
      want: 'inner',
    },
  ]);
});

describe('if / with / range', () => {
  table([
    { src: '{{if .a}}yes{{else}}no{{end}}', data: { a: '' }, want: 'no' },
    { src: '{{if .a}}yes{{else}}no{{end}}', data: { a: [0] }, want: 'yes' },
    { src: '{{if .a}}yes{{else}}no{{end}}', data: { a: {} }, want: 'no' },
    { src: '{{if 0}}a{{else if 0.0}}b{{else if "x"}}c{{else}}d{{end}}', want: 'c' },
    { src: '{{with .missing}}x{{else with .b}}{{.}}{{else}}none{{end}}', data: { b: 'B' }, want: 'B' },
    { src: '{{with .missing}}x{{else}}none{{end}}', want: 'none' },
    { src: '{{range .}}[{{.}}]{{end}}', data: ['a', 'b'], want: '[a][b]' },
    { src: '{{range $i, $v := .}}{{$i}}={{$v}};{{end}}', data: ['a', 'b'], want: '0=a;1=b;' },
    { src: '{{range $k, $v := .}}{{$k}}={{$v}};{{end}}', data: { b: 2, a: 1, C: 3 }, want: 'C=3;a=1;b=2;' },
    { src: '{{range $v := .}}{{$v}}{{end}}', data: { b: 2, a: 1 }, want: '12' },
    { src: '{{range .e}}x{{else}}empty{{end}}', data: { e: [] }, want: 'empty' },
    { src: '{{range .missing}}x{{else}}nothing{{end}}', want: 'nothing' },
    { src: '{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}|{{range 0}}x{{else}}none{{end}}', want: '012|01|none' },
    {
      src: '{{range .}}{{if eq . 3}}{{break}}{{end}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}',
      data: [0, 1, 2, 3, 4],
      want: '02',
    },
    { src: '{{$i := 0}}{{range $i = .}}{{end}}{{$i}}', data: ['x', 'y'], want: 'y' },
    { src: '{{$k := ""}}{{$v := ""}}{{range $k, $v = .}}{{end}}{{$k}}{{$v}}', data: { a: 1, b: 2 }, want: 'b2' },
    { src: '{{range $i, $e := .}}{{range $e}}{{$i}}{{.}}{{end}}{{end}}', data: [['a'], ['b', 'c']], want: '0a1b1c' },
  ]);
});

describe('define / template / block', () => {
  table([
    {
      src: '{{define "T1"}}ONE{{end}}{{define "T2"}}TWO {{template "T1"}}{{end}}{{define "T3"}}{{template "T1"}} {{template "T2"}}{{end}}{{template "T3"}}',
      want: 'ONE TWO ONE',
    },
    { src: '{{block "list" .}}{{range .}}{{println "-" .}}{{end}}{{end}}', data: ['a', 'b'], want: '- a\n- b\n' },
    { src: '{{define "x"}}[{{.}}|{{$}}]{{end}}{{template "x" .a}}{{template "x"}}', data: { a: 1 }, want: '[1|1][<no value>|<no value>]' },
    { src: '{{define "x"}}{{end}}{{define "x"}}second{{end}}{{template "x"}}', want: 'second' },
  ]);
});

describe('builtin functions', () => {
  table([
    { src: '{{and 1 0 "x"}} {{and 1 2}} {{or 0 "" "y"}} {{or 0 ""}}|', want: '0 2 y |' },
    { src: '{{or 1 (fail "not evaluated")}} {{and 0 (fail "not evaluated")}}', want: '1 0' },
    { src: '{{and 1 .x.y.z}}', want: '<no value>' },
    { src: '{{"v" | and 1}} {{"" | or 0}}|', want: 'v |' },
    { src: '{{not 0}} {{not "x"}} {{not .missing}}', want: 'true false true' },
    { src: '{{len "héllo"}} {{len .l}} {{len .m}}', data: { l: [1, 2], m: { a: 1 } }, want: '6 2 1' },
    { src: '{{index .l 1}} {{index .m "a" "b"}} {{index .m "zz"}} {{index "abc" 1}}', data: { l: ['x', 'y'], m: { a: { b: 'ab' } } }, want: 'y ab <no value> 98' },
    { src: '{{print 1 2 "a" 3 "b" "c"}}', want: '1 2a3bc' },
    { src: '{{println 1 "a" 2}}', want: '1 a 2\n' },
    { src: `{{html "<a href='x'>&\\"</a>"}}`, want: '&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;' },
    { src: '{{js "a\'b\\"c<d>&=\\n"}}', want: "a\\'b\\\"c\\u003Cd\\u003E\\u0026\\u003D\\u000A" },
    { src: '{{urlquery "a b&c=d/é"}}', want: 'a+b%26c%3Dd%2F%C3%A9' },
    { src: '{{html .missing}}', want: '&lt;no value&gt;' },
    { src: '{{eq 2 1 2 3}} {{eq "a" "a"}} {{eq .missing "x"}} {{eq .missing .nothing}}', want: 'true true false true' },
    { src: '{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}} {{lt 1.5 2.5}}', want: 'true true true true false true' },
    // Different integer kinds compare: Sprig's add returns int64, the constant is an int.
    { src: '{{eq (add 1 1) 2}} {{lt (len "ab") (add 1 2)}}', want: 'true true' },
    { src: '{{call .f 6 7}}', data: { f: (a: unknown, b: unknown) => Number(a) * Number(b) }, want: '42' },
  ]);
});

describe('printf verbs', () => {
  table([
    { src: '{{printf "%d|%5d|%-5d|%05d|%+d|% d" 42 42 42 42 42 42}}', want: '42|   42|42   |00042|+42| 42' },
    { src: '{{printf "%x|%X|%#x|%o|%#o|%O|%b" 255 255 255 8 8 8 5}}', want: 'ff|FF|0xff|10|010|0o10|101' },
    { src: '{{printf "%c|%q|%U|%d" 65 65 128512 -7}}', want: "A|'A'|U+1F600|-7" },
    { src: '{{printf "%s|%10s|%-6s|%.2s|%q|%x|% x" "str" "right" "left" "str" "a\\"b" "hi" "hi"}}', want: 'str|     right|left  |st|"a\\"b"|6869|68 69' },
    { src: '{{printf "%f|%.2f|%8.3f|%e|%E|%g|%G" 3.14159 3.14159 3.14159 1234.5678 1234.5678 0.00001234 1e-10}}', want: '3.141590|3.14|   3.142|1.234568e+03|1.234568E+03|1.234e-05|1E-10' },
    { src: '{{printf "%.0f %.0f %.2f %.1f %6.2f %06.2f %+.1e" 2.5 3.5 0.125 0.05 -1.5 -1.5 12345.5}}', want: '2 4 0.12 0.1  -1.50 -01.50 +1.2e+04' },
    { src: '{{printf "%.3g|%g|%g|%v" 1234.5678 100000.5 1e21 2.5}}', want: '1.23e+03|100000.5|1e+21|2.5' },
    { src: '{{printf "%t|%v|%v|%%|%T|%T|%T" true .l .m .l .m nil}}', data: { l: [1, 'a'], m: { k: 'v' } }, want: 'true|[1 a]|map[k:v]|%|[]interface {}|map[string]interface {}|<nil>' },
    { src: '{{printf "%d" "x"}}|{{printf "%d %d" 1}}|{{printf "%d" 1 2}}|{{printf "%"}}|{{printf "%s" nil}}', want: '%!d(string=x)|1 %!d(MISSING)|1%!(EXTRA int=2)|%!(NOVERB)|%!s(<nil>)' },
    { src: '{{printf "%[2]d %[1]d|%[2]*[1]d" 1 5}}', want: '5 1|    1' },
    { src: '{{printf "%*d|%-*d|%.*f" 5 42 4 7 2 3.14159}}', want: '   42|7   |3.14' },
    { src: '{{printf "%d|%s|%q" .l .l .s}}', data: { l: [1, 'a'], s: ['x', 'y'] }, want: '[1 %!d(string=a)]|[%!s(int=1) a]|["x" "y"]' },
    { src: '{{printf "%5v|%-5t|%d" "ab" false 1.5}}', want: '   ab|false|%!d(float64=1.5)' },
    { src: '{{printf "%q %+q %#q" "é\\n" "é" "x"}}', want: '"é\\n" "\\u00e9" `x`' },
  ]);
});

describe('missingkey', () => {
  it('prints <no value> for a missing key under default and zero', () => {
    expect(render('[{{.Values.nope}}]', { Values: {} })).toBe('[<no value>]');
    expect(render('[{{.Values.nope}}]', { Values: {} }, { missingKey: 'zero' })).toBe('[<no value>]');
  });

  it('yields no value through a missing key under default, but fails under zero (ACR) and error', () => {
    expect(render('[{{.Values.missing.deeper}}]', { Values: {} })).toBe('[<no value>]');
    expect(renderError('{{.Values.missing.deeper}}', { Values: {} }, { missingKey: 'zero', name: 'acb.yaml' }).message).toBe(
      'template: acb.yaml:1:9: executing "acb.yaml" at <.Values.missing.deep...>: nil pointer evaluating interface {}.deeper',
    );
    expect(renderError('{{.Nope.x}}', {}, { missingKey: 'zero' }).message).toBe(
      'template: t:1:7: executing "t" at <.Nope.x>: nil pointer evaluating interface {}.x',
    );
    expect(renderError('{{.Values.missing}}', { Values: {} }, { missingKey: 'error' }).message).toBe(
      'template: t:1:9: executing "t" at <.Values.missing>: map has no entry for key "missing"',
    );
  });

  it('fails through a null value in every mode, as Go does for a nil interface', () => {
    expect(renderError('{{.a.b}}', { a: null }).message).toContain('nil pointer evaluating interface {}.b');
  });

  it('passes a missing key to a function as nil under default, but as a typed nil under zero', () => {
    expect(render('{{ .x | default "d" }}', {})).toBe('d');
    expect(render('{{ .x | default "d" }}', {}, { missingKey: 'zero' })).toBe('d');
    expect(renderError('{{ upper .x }}', {}).message).toContain('invalid value; expected string');
    expect(renderError('{{ upper .x }}', {}, { missingKey: 'zero' }).message).toContain('wrong type for value; expected string; got interface {}');
  });

  it('reports nil data under missingkey=error', () => {
    expect(renderError('{{.x}}', null, { missingKey: 'error' }).message).toContain('nil data; no entry for key "x"');
  });
});

describe('execution errors', () => {
  const cases: ReadonlyArray<{ src: string; data?: unknown; want: string }> = [
    { src: '{{template "nope"}}', want: 'template: t:1:11: executing "t" at <{{template "nope"}}>: template "nope" not defined' },
    { src: '{{ upper 3 }}', want: 'template: t:1:9: executing "t" at <3>: expected string; found 3' },
    { src: '{{ repeat "3" "x" }}', want: 'template: t:1:10: executing "t" at <"3">: expected integer; found "3"' },
    { src: '{{ .n | upper }}', data: { n: 5 }, want: 'template: t:1:8: executing "t" at <upper>: wrong type for value; expected string; got int' },
    { src: '{{ upper "a" "b" }}', want: 'template: t:1:3: executing "t" at <upper>: wrong number of args for upper: want 1 got 2' },
    { src: '{{ required "tag is required" .tag }}', want: 'template: t:1:3: executing "t" at <required "tag is req...>: error calling required: tag is required' },
    { src: '{{ fail "boom" }}', want: 'template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom' },
    { src: '{{ .x 1 }}', data: { x: 1 }, want: 'template: t:1:3: executing "t" at <.x>: x is not a method but has arguments' },
    { src: '{{ nil }}', want: 'template: t:1:3: executing "t" at <nil>: nil is not a command' },
    { src: '{{ index .l 5 }}', data: { l: [1] }, want: 'template: t:1:3: executing "t" at <index .l 5>: error calling index: index out of range: 5' },
    { src: '{{ eq "a" 1 }}', want: 'template: t:1:3: executing "t" at <eq "a" 1>: error calling eq: incompatible types for comparison' },
    { src: '{{ lt true false }}', want: 'template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison' },
    { src: '{{ lt 1 1.5 }}', want: 'template: t:1:3: executing "t" at <lt 1 1.5>: error calling lt: incompatible types for comparison' },
    { src: '{{ len 3 }}', want: 'template: t:1:3: executing "t" at <len 3>: error calling len: len of type int' },
    { src: '{{range .}}{{end}}', data: { x: 1.5 }, want: '' },
    { src: '{{range .x}}{{end}}', data: { x: 1.5 }, want: 'template: t:1:8: executing "t" at <.x>: range can\'t iterate over 1.5' },
    { src: '{{range $i, $v := 3}}{{end}}', want: 'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable' },
    { src: '{{ .s.x }}', data: { s: 'str' }, want: 'template: t:1:5: executing "t" at <.s.x>: can\'t evaluate field x in type interface {}' },
    { src: '{{ $x := "s" }}{{ $x.y }}', want: 'template: t:1:20: executing "t" at <$x.y>: can\'t evaluate field y in type string' },
    { src: 'line1\nline2 {{ .a.b }}', data: { a: null }, want: 'template: t:2:11: executing "t" at <.a.b>: nil pointer evaluating interface {}.b' },
    { src: '{{define "d"}}{{.x.y}}{{end}}{{template "d" .}}', data: { x: null }, want: 'template: t:1:18: executing "d" at <.x.y>: nil pointer evaluating interface {}.y' },
    { src: '{{ .f }}', data: { f: () => 1 }, want: 'template: t:1:3: executing "t" at <{{.f}}>: can\'t print {{.f}} of type func(...interface {}) interface {}' },
  ];
  it.each(cases)('$src fails with Go\'s message', ({ src, data, want }) => {
    if (want === '') {
      expect(render(src, data ?? {})).toBe('');
      return;
    }
    expect(renderError(src, data ?? {}).message).toBe(want);
  });

  it('carries phase, name, line and Go column on the error', () => {
    const e = renderError('\n  {{ .a.b }}', { a: null }, { name: 'acb.yaml' });
    expect(e).toBeInstanceOf(TemplateError);
    expect({ phase: e.phase, templateName: e.templateName, line: e.line, column: e.column }).toEqual({ phase: 'execute', templateName: 'acb.yaml', line: 2, column: 7 });
  });

  it('stops runaway template recursion', () => {
    expect(renderError('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}').message).toContain('exceeded maximum template depth');
  });
});

describe('parse errors', () => {
  const cases: ReadonlyArray<{ src: string; want: string }> = [
    { src: 'a\nb\n{{ .x } }}', want: 'template: t:3: unexpected "}" in operand' },
    { src: '{{ foo }}', want: 'template: t:1: function "foo" not defined' },
    { src: '{{ $x }}', want: 'template: t:1: undefined variable "$x"' },
    { src: '{{if true}}{{$y := 1}}{{end}}{{$y}}', want: 'template: t:1: undefined variable "$y"' },
    { src: '{{ }}', want: 'template: t:1: missing value for command' },
    { src: '{{if}}{{end}}', want: 'template: t:1: missing value for if' },
    { src: '{{end}}', want: 'template: t:1: unexpected {{end}}' },
    { src: '{{else}}', want: 'template: t:1: unexpected {{else}}' },
    { src: '{{if true}}x', want: 'template: t:1: unexpected EOF' },
    { src: '{{ "abc }}', want: 'template: t:1: unterminated quoted string' },
    { src: '{{ `abc }}', want: 'template: t:1: unterminated raw quoted string' },
    { src: "{{ 'ab }}", want: 'template: t:1: unterminated character constant' },
    { src: '{{ .x ', want: 'template: t:1: unclosed action' },
    { src: '{{ (.x }}', want: 'template: t:1: unclosed left paren' },
    { src: '{{ .x) }}', want: 'template: t:1: unexpected right paren' },
    { src: '{{ 3x }}', want: 'template: t:1: bad number syntax: "3x"' },
    { src: '{{ @ }}', want: 'template: t:1: unexpected "@" in command' },
    { src: '{{ $x=1 }}', want: "template: t:1: bad character U+003D '='" },
    { src: '{{ € }}', want: "template: t:1: unrecognized character in action: U+20AC '€'" },
    { src: '{{ ä€ }}', want: "template: t:1: bad character U+20AC '€'" },
    { src: '{{ 3 | 4 }}', want: 'template: t:1: non executable command in pipeline stage 2' },
    { src: '{{ "x".y }}', want: 'template: t:1: unexpected . after term "\\"x\\""' },
    { src: '{{break}}', want: 'template: t:1: {{break}} outside {{range}}' },
    { src: '{{/* x */ 1}}', want: 'template: t:1: comment ends before closing delimiter' },
    { src: '{{/* x ', want: 'template: t:1: unclosed comment' },
    { src: '{{define "a"}}x{{end}}{{define "a"}}y{{end}}', want: 'template: t:1: template: multiple definition of template "a"' },
    { src: '{{template .x}}', want: 'template: t:1: unexpected ".x" in template clause' },
    { src: '{{range $a, $b, $c := .}}{{end}}', want: 'template: t:1: too many declarations in range' },
    { src: '{{with $a, $b := .}}{{end}}', want: 'template: t:1: too many declarations in with' },
    { src: '{{if .x}}{{else}}{{else}}{{end}}', want: 'template: t:1: expected end; found {{else}}' },
    { src: '{{ "\\q" }}', want: 'template: t:1: invalid syntax' },
    { src: '{{ 99999999999999999999 }}', want: 'template: t:1: integer overflow: "99999999999999999999"' },
  ];
  it.each(cases)('$src fails with Go\'s message', ({ src, want }) => {
    expect(() => parseTemplate(src, { name: 't' })).toThrow(want);
    try {
      parseTemplate(src, { name: 't' });
    } catch (e) {
      expect((e as TemplateError).message).toBe(want);
      expect((e as TemplateError).phase).toBe('parse');
    }
  });

  it('reports the line and the column of the offending token', () => {
    try {
      parseTemplate('a\nb\n{{ .x } }}', { name: 'acb.yaml' });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ phase: 'parse', templateName: 'acb.yaml', line: 3, column: 6 });
    }
  });
});

describe('API', () => {
  it('parses once and executes with different data and options', () => {
    const t = parseTemplate('{{.a}}-{{shout .a}}', { name: 'x', funcs: { shout: (s) => `${String(s)}!` } });
    expect(t.execute({ a: 1 })).toBe('1-1!');
    expect(t.execute({ a: 'b' }, { funcs: { shout: (s) => `${String(s)}?` } })).toBe('b-b?');
  });

  it('lets caller functions replace builtins and Sprig functions', () => {
    expect(executeTemplate('{{ upper "a" }} {{ len "abc" }}', {}, { funcs: { upper: () => 'U', len: () => 'L' } })).toBe('U L');
  });

  it('treats an empty source as an empty output', () => {
    expect(executeTemplate('', {})).toBe('');
    expect(executeTemplate('{{define "x"}}y{{end}}', {})).toBe('');
  });
});
