import type { Position } from './diagnostics.js';
import type { DecodedObject } from './yaml-reader.js';

// Typed reads of a DecodedObject. The reader already checked types against the field table, so
// these only pick the value or its zero value (what yaml.v2 leaves in an unset Go field).

export function str(o: DecodedObject, key: string): string {
  const v = o.values[key];
  return typeof v === 'string' ? v : '';
}

export function int(o: DecodedObject, key: string): number {
  const v = o.values[key];
  return typeof v === 'number' ? v : 0;
}

export function bool(o: DecodedObject, key: string): boolean {
  return o.values[key] === true;
}

export function strings(o: DecodedObject, key: string): string[] {
  const v = o.values[key];
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x ?? ''))) : [];
}

export function ints(o: DecodedObject, key: string): number[] {
  const v = o.values[key];
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

/** A list of objects; items that failed to decode are dropped (their error is already reported). */
export function objects(o: DecodedObject, key: string): DecodedObject[] {
  const v = o.values[key];
  return Array.isArray(v) ? v.filter((x): x is DecodedObject => x !== undefined && x !== null && typeof x === 'object' && 'values' in x) : [];
}

export function stringMap(o: DecodedObject, key: string): Record<string, string> | undefined {
  const v = o.values[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : undefined;
}

export function has(o: DecodedObject, key: string): boolean {
  return Object.hasOwn(o.values, key);
}

/** Where a key's value is, else where the object starts. */
export function keyPos(o: DecodedObject, key: string): Position {
  return o.keyAt[key] ?? o.at;
}

export function itemPos(o: DecodedObject, key: string, index: number): Position {
  return o.itemAt[key]?.[index] ?? keyPos(o, key);
}
