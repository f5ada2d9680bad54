import type { Scalar } from 'yaml';

/** A YAML scalar as gopkg.in/yaml.v2 resolves it (YAML 1.1 booleans, `~`, hex/octal ints). */
export interface ResolvedScalar {
  readonly tag: '!!str' | '!!int' | '!!float' | '!!bool' | '!!null';
  /** The scalar's text (yaml.v2 stores this into string fields whatever the resolved type). */
  readonly text: string;
  readonly value: string | number | boolean | null;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const INT = /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[1-9][0-9_]*|0)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const STR_TAG = 'tag:yaml.org,2002:str';

function parseInt1_1(text: string): number {
  const clean = text.replace(/_/g, '');
  const negative = clean.startsWith('-');
  const body = clean.replace(/^[-+]/, '');
  let n: number;
  if (body.startsWith('0b')) n = parseInt(body.slice(2), 2);
  else if (body.startsWith('0x')) n = parseInt(body.slice(2), 16);
  else if (body.startsWith('0o')) n = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return negative ? -n : n;
}

/** Resolves a scalar parsed with the failsafe schema (value = source text) the way yaml.v2 does. */
export function resolveScalar(node: Scalar): ResolvedScalar {
  const text = String(node.value ?? '');
  if (node.type !== 'PLAIN' || node.tag === STR_TAG) return { tag: '!!str', text, value: text };
  if (NULLS.has(text)) return { tag: '!!null', text, value: null };
  if (TRUES.has(text)) return { tag: '!!bool', text, value: true };
  if (FALSES.has(text)) return { tag: '!!bool', text, value: false };
  if (INT.test(text)) return { tag: '!!int', text, value: parseInt1_1(text) };
  if (FLOAT.test(text) && /[0-9]/.test(text)) return { tag: '!!float', text, value: Number(text.replace(/_/g, '')) };
  if (SPECIAL_FLOAT.test(text)) return { tag: '!!float', text, value: text.includes('nan') || text.includes('NaN') || text.includes('NAN') ? NaN : text.startsWith('-') ? -Infinity : Infinity };
  return { tag: '!!str', text, value: text };
}

/** yaml.v2's value display in unmarshal errors: the text in back-quotes, cut to 7 characters + `...` past 10. */
export function shownValue(text: string): string {
  return text.length > 10 ? ` \`${text.slice(0, 7)}...\`` : ` \`${text}\``;
}
