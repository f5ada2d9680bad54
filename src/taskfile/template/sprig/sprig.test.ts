import { describe, expect, it } from 'vitest';
import { render, renderError, type Case } from '../test-helpers.js';

const table = (cases: ReadonlyArray<Case>): void => {
  it.each(cases)('renders $src', ({ src, want, data, options }) => {
    expect(render(src, data ?? {}, options)).toBe(want);
  });
};

describe('Sprig string functions', () => {
  table([
    { src: '{{trim "  a b \\n"}}|{{trimAll "$" "$5.00$"}}|{{trimall "-" "-x-"}}', want: 'a b|5.00|x' },
    { src: '{{trimPrefix "-" "-hello"}}|{{trimSuffix ".yaml" "acb.yaml"}}|{{"x-" | trimSuffix "-"}}', want: 'hello|acb|x' },
    { src: '{{upper "abc"}} {{lower "ABC"}} {{title "hello world-foo_bar"}} {{untitle "Hello World"}}', want: 'ABC abc Hello World-Foo_bar hello world' },
    { src: '{{repeat 3 "ab"}}|{{"x" | repeat 2}}', want: 'ababab|xx' },
    { src: '{{substr 0 5 "hello world"}}|{{substr 6 -1 "hello world"}}|{{substr -1 5 "hello world"}}|{{substr 1 20 "abc"}}', want: 'hello|world|hello|bc' },
    { src: '{{nospace "a b\\tc\\n"}}|{{trunc 5 "hello world"}}|{{trunc 20 "abc"}}|{{abbrev 5 "hello world"}}|{{abbrev 3 "hello"}}', want: 'abc|hello|abc|he...|hello' },
    { src: '{{contains "ell" "hello"}} {{hasPrefix "he" "hello"}} {{hasSuffix "lo" "hello"}} {{"hello" | contains "x"}}', want: 'true true true false' },
    { src: '{{quote "a" 1 .missing}}|{{squote "a" 2}}|{{cat "a" 1 nil "b"}}', want: '"a" "1"|\'a\' \'2\'|a 1 b' },
    { src: '{{indent 2 "a\\nb"}}|{{nindent 4 "c"}}', want: '  a\n  b|\n    c' },
    { src: '{{"a b c" | replace " " "-"}}|{{replace "" "." "ab"}}', want: 'a-b-c|.a.b.' },
    { src: '{{len .l | plural "one file" "many files"}}|{{plural "one" "many" 1}}', data: { l: [1, 2] }, want: 'many files|one' },
    {
      src: '{{snakecase "FirstName"}} {{snakecase "HTTPServer"}} {{snakecase "NoHTTPS"}} {{snakecase "GO_PATH"}} {{snakecase "GO PATH"}} {{snakecase "GO-PATH"}}',
      want: 'first_name http_server no_https go_path go_path go_path',
    },
    { src: '{{camelcase "http_server"}} {{camelcase "_complex__case_"}} {{camelcase "some_words"}} {{kebabcase "FirstName"}}', want: 'HttpServer _Complex_Case_ SomeWords first-name' },
    { src: '{{swapcase "aBc"}} {{initials "Hello World"}}', want: 'AbC HW' },
    { src: '{{$a := split "$" "foo$bar$baz"}}{{$a._0}}-{{$a._2}}|{{splitn "/" 2 "a/b/c"}}', want: 'foo-baz|map[_0:a _1:b/c]' },
    { src: '{{splitList "," "a,b,,c"}}|{{join "," (list 1 "b" nil)}}|{{join "-" .s}}|{{join "+" "solo"}}', data: { s: ['x', 'y'] }, want: '[a b  c]|1,b|x-y|solo' },
    { src: '{{sortAlpha (list "b" "a" "C" 10 2)}}|{{toString 5 | printf "%q"}}|{{toStrings (list 1 "a")}}', want: '[10 2 C a b]|"5"|[1 a]' },
  ]);

  it('fails like Go on out-of-range substrings and negative repeats', () => {
    expect(renderError('{{substr 5 6 "abc"}}').message).toContain('error calling substr: runtime error: slice bounds out of range [5:3]');
    expect(renderError('{{repeat -1 "x"}}').message).toContain('error calling repeat: strings: negative Repeat count');
  });
});

describe('Sprig defaults, flow control and JSON', () => {
  table([
    { src: '{{default "foo" ""}} {{default "foo" "bar"}} {{default 5 0}} {{"" | default "x"}} {{.nope | default "d"}} {{default "e" (list)}}', want: 'foo bar 5 x d e' },
    { src: '{{empty ""}} {{empty (list)}} {{empty 0}} {{empty .nope}} {{empty "a"}} {{empty (dict)}} {{empty false}}', want: 'true true true true false true true' },
    { src: '{{coalesce 0 "" "z" "y"}}|{{coalesce 0 ""}}', want: 'z|<no value>' },
    { src: '{{ternary "a" "b" true}} {{false | ternary "a" "b"}}', want: 'a b' },
    { src: '{{toJson .}}', data: { b: [1, '<x>&'], a: null, c: 1.5, d: { z: true } }, want: '{"a":null,"b":[1,"\\u003cx\\u003e\\u0026"],"c":1.5,"d":{"z":true}}' },
    { src: '{{toPrettyJson .}}', data: { b: [1], a: {} }, want: '{\n  "a": {},\n  "b": [\n    1\n  ]\n}' },
    { src: '{{toJson .f}}|{{required "needed" "v"}}', data: { f: () => 1 }, want: '|v' },
    { src: '{{typeOf 1}} {{typeOf "s"}} {{typeOf (list)}} {{kindOf (dict)}} {{kindIs "slice" (list)}} {{typeIs "int" 2}} {{deepEqual (list 1) (list 1)}}', want: 'int string []interface {} map true true true' },
    { src: '{{$a := dict "x" (list 1)}}{{$b := deepCopy $a}}{{$_ := set $b "x" 2}}{{toJson $a}}{{toJson $b}}', want: '{"x":[1]}{"x":2}' },
  ]);

  it('fails with the message of required and fail', () => {
    expect(renderError('{{required "tag is required" .Values.tag}}', { Values: {} }, { missingKey: 'zero' }).message).toContain('error calling required: tag is required');
    expect(renderError('{{required "x" ""}}').message).toContain('error calling required: x');
    expect(renderError('{{fail "stop here"}}').message).toContain('error calling fail: stop here');
  });
});

describe('Sprig encoding and hashes', () => {
  table([
    { src: '{{b64enc "hello"}} {{b64enc 42}} [{{b64enc .nope}}] {{b64enc .m}}', data: { m: { a: 1 } }, want: 'aGVsbG8= NDI= [] bWFwW2E6MV0=' },
    { src: '{{b64dec "aGVsbG8="}}|{{b64dec "aGVsbG8"}}|{{b64dec "a!=="}}|{{b64dec "aGVs\\nbG8="}}', want: 'hello|illegal base64 data at input byte 4|illegal base64 data at input byte 1|hello' },
    { src: '{{b32enc "hello"}} {{b32dec "NBSWY3DP"}} {{b32enc "a"}} {{b32dec "ME======"}}', want: 'NBSWY3DP hello ME====== a' },
    {
      src: '{{sha256sum "hello"}} {{sha1sum "hello"}} {{adler32sum "hello"}}',
      want: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d 103547413',
    },
  ]);
});

describe('Sprig math', () => {
  table([
    { src: '{{add 1 2 "3"}} {{add1 9}} {{sub 5 7}} {{mul 2 3 4}} {{div 7 2}} {{div -7 2}} {{mod 7 3}} {{mod -7 3}}', want: '6 10 -2 24 3 -3 1 -1' },
    { src: '{{max 1 5 3}} {{min 4 2 8}} {{biggest 1 2}} {{add 1.9 1.9}} {{add "x" 1}} {{add true 1}}', want: '5 2 2 2 1 2' },
    { src: '{{floor 1.7}} {{ceil 1.2}} {{round 3.14159 2}} {{round 2.5 0}} {{round 1.2345 3 0.4}} {{floor "2.5"}}', want: '1 2 3.14 3 1.235 2' },
    { src: '{{atoi "42"}} {{atoi "x"}} {{int "12"}} {{int 3.9}} {{int64 "0x10"}} {{int64 "010"}} {{float64 "1.5"}} {{float64 "x"}}', want: '42 0 12 3 16 8 1.5 0' },
    { src: '{{until 3}} {{until -2}} {{untilStep 0 10 3}} {{untilStep 5 0 -2}}', want: '[0 1 2] [0 -1] [0 3 6 9] [5 3 1]' },
  ]);

  it('fails like Go on integer division by zero', () => {
    expect(renderError('{{div 1 0}}').message).toContain('error calling div: runtime error: integer divide by zero');
    expect(renderError('{{mod 1 0}}').message).toContain('error calling mod: runtime error: integer divide by zero');
  });
});

describe('Sprig lists', () => {
  table([
    { src: '{{list 1 "a" 2.5}} {{tuple}}', want: '[1 a 2.5] []' },
    { src: '{{first .l}} {{last .l}} {{rest .l}} {{initial .l}} [{{first .e}}] {{rest .e}}', data: { l: [1, 2, 3], e: [] }, want: '1 3 [2 3] [1 2] [<no value>] <no value>' },
    { src: '{{append .l 4}} {{push .l 5}} {{prepend .l 0}} {{.l}}', data: { l: [1, 2] }, want: '[1 2 4] [1 2 5] [0 1 2] [1 2]' },
    { src: '{{concat (list 1) (list 2 3) .l}} {{reverse (list 1 2 3)}} {{uniq (list 1 1 "a" "a" 2)}}', data: { l: ['x'] }, want: '[1 2 3 x] [3 2 1] [1 a 2]' },
    { src: '{{without (list 1 2 3 2) 2}} {{has 2 (list 1 2)}} {{has "x" nil}} {{compact (list 1 "" 0 nil "a")}}', want: '[1 3] true false [1 a]' },
    { src: '{{slice (list 1 2 3 4) 1 3}} {{slice (list 1 2 3) 1}} {{slice (list 1 2)}}', want: '[2 3] [2 3] [1 2]' },
  ]);

  it('fails with Sprig panics on non-lists', () => {
    expect(renderError('{{first "abc"}}').message).toContain('error calling first: Cannot find first on type string');
    expect(renderError('{{concat (list 1) 2}}').message).toContain('error calling concat: Cannot concat type int as list');
    // Sprig's slice replaces Go's builtin, as in ACR: strings are not sliceable.
    expect(renderError('{{slice "abc" 1}}').message).toContain('error calling slice: list should be type of slice or array but string');
    expect(renderError('{{first .nope}}').message).toContain('error calling first: runtime error: invalid memory address or nil pointer dereference');
  });
});

describe('Sprig dicts', () => {
  table([
    { src: '{{$d := dict "a" 1 "b" 2 "c"}}{{$d.a}} {{get $d "b"}} {{get $d "z" | printf "%q"}} {{$d.c | printf "%q"}}', want: '1 2 "" ""' },
    { src: '{{$d := dict "a" 1}}{{$_ := set $d "b" 2}}{{$_ := unset $d "a"}}{{toJson $d}} {{hasKey $d "b"}} {{hasKey $d "a"}}', want: '{"b":2} true false' },
    { src: '{{keys (dict "b" 1 "a" 2) | sortAlpha}} {{keys (dict "a" 1) (dict "b" 2)}} {{values (dict "a" 1)}}', want: '[a b] [a b] [1]' },
    { src: '{{pick (dict "a" 1 "b" 2 "c" 3) "a" "c" "z"}} {{omit (dict "a" 1 "b" 2) "a"}} {{pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3)}}', want: 'map[a:1 c:3] map[b:2] [1 3]' },
    {
      src: '{{$m := merge (dict "a" 1 "e" "" "n" (dict "x" 1)) (dict "a" 2 "b" 3 "e" "filled" "n" (dict "x" 9 "y" 2))}}{{toJson $m}}',
      want: '{"a":1,"b":3,"e":"filled","n":{"x":1,"y":2}}',
    },
    { src: '{{toJson (mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "n" (dict "y" 2)))}}', want: '{"a":2,"n":{"x":1,"y":2}}' },
  ]);

  it('passes a missing map under default but rejects the typed nil under zero, as Go does', () => {
    expect(render('{{hasKey .nope "x"}}')).toBe('false');
    expect(renderError('{{hasKey .nope "x"}}', {}, { missingKey: 'zero' }).message).toContain('wrong type for value; expected map[string]interface {}; got interface {}');
  });
});

describe('Sprig environment, dates, paths, random', () => {
  const env = { FOO: 'bar', EMPTY: '' };
  const t = new Date(Date.UTC(2024, 0, 15, 10, 30, 0, 120));
  table([
    { src: '{{env "FOO"}}|{{env "NOPE"}}|{{expandenv "x=$FOO ${FOO} $$ ${} $"}}', options: { env }, want: 'bar||x=bar bar   $' },
    { src: '{{dateInZone "2006-01-02T15:04:05Z07:00" .t "UTC"}}', data: { t }, want: '2024-01-15T10:30:00Z' },
    { src: '{{dateInZone "Mon Jan _2 3:04PM MST 2006 .000 .999 002" .t "UTC"}}', data: { t }, want: 'Mon Jan 15 10:30AM UTC 2024 .120 .12 015' },
    { src: '{{dateInZone "2006-01-02 15:04 -07:00" .t "Asia/Kolkata"}}|{{dateInZone "15:04 MST" .t "Not/AZone"}}', data: { t }, want: '2024-01-15 16:00 +05:30|10:30 UTC' },
    { src: '{{dateInZone "2006-01-02" 0 "UTC"}} {{unixEpoch .t}} {{date_in_zone "January 2" .t "UTC"}}', data: { t }, want: '1970-01-01 1705314600 January 15' },
    { src: '{{base "/a/b.txt"}} {{dir "/a/b.txt"}} {{ext "/a/b.tar.gz"}} {{clean "a//b/../c/"}} {{isAbs "/x"}} {{base ""}}', want: 'b.txt /a .gz a/c true .' },
    { src: '{{hello}}', want: 'Hello!' },
  ]);

  it('formats now and random values in the expected shapes', () => {
    expect(render('{{now | date "2006"}}')).toMatch(/^\d{4}$/);
    expect(render('{{uuidv4}}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(render('{{randAlphaNum 12}}|{{randAlpha 3}}|{{randNumeric 4}}|{{randAscii 2}}')).toMatch(/^[A-Za-z0-9]{12}\|[A-Za-z]{3}\|\d{4}\|[ -~]{2}$/);
  });
});

describe('Sprig regex functions', () => {
  table([
    { src: '{{regexMatch "^[a-z]+$" "abc"}} {{regexMatch "(?i)^ABC$" "abc"}} {{regexMatch "(" "x"}}', want: 'true true false' },
    { src: '{{regexFindAll "[0-9]+" "a1b22c333" -1}} {{regexFindAll "[0-9]+" "a1b22c333" 2}} {{regexFindAll "z" "abc" -1}} {{regexFind "b+" "abbbc"}}', want: '[1 22 333] [1 22] [] bbb' },
    // Go skips an empty match that directly follows a match.
    { src: '{{regexFindAll "a*" "baaac" -1 | len}}', want: '3' },
    { src: '{{regexReplaceAll "a(x*)b" "-ab-axxb-" "T"}} {{regexReplaceAll "a(x*)b" "-ab-axxb-" "$1"}} {{regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W"}} {{regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"}}', want: '-T-T- --xx- --- -W-xxW-' },
    { src: '{{regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "John Smith" "${last}, ${first} $$"}}', want: 'Smith, John $' },
    { src: '{{regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}"}} {{regexReplaceAll "x*" "abc" "-"}}', want: '-${1}-${1}- -a-b-c-' },
    { src: '{{regexSplit "a*" "abaabaccadaaae" 5}} {{regexSplit "," "a,b,c" -1}} {{regexSplit "," "a,b,c" 0}} {{regexSplit "[[:digit:]]+" "a1b22c" -1}}', want: '[ b b c cadaaae] [a b c] [] [a b c]' },
    { src: '{{regexMatch "\\\\Afoo\\\\z" "foo"}} {{regexMatch "\\\\Qa.b\\\\E" "axb"}}', want: 'true false' },
  ]);

  it('reports an invalid pattern like regexp.MustCompile', () => {
    expect(renderError('{{regexFindAll "(" "x" -1}}').message).toMatch(/error calling regexFindAll: regexp: Compile\(`\(`\): error parsing regexp: /);
  });
});
