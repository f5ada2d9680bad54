/**
 * A decoder for BuildKit's progress payload: the base64 `aux` of each
 * `{"id":"moby.buildkit.trace"}` line of `POST /build?version=2` is one `StatusResponse`
 * protobuf (moby/buildkit api/services/control/control.proto). Only the fields Slipway shows
 * are decoded; unknown fields are skipped, so newer engines stay readable.
 */

export interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}

export interface Vertex {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  started?: Timestamp;
  completed?: Timestamp;
  error: string;
}

export interface VertexStatus {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  timestamp?: Timestamp;
  started?: Timestamp;
  completed?: Timestamp;
}

export interface VertexLog {
  vertex: string;
  timestamp?: Timestamp;
  /** 1 stdout, 2 stderr. */
  stream: number;
  msg: Buffer;
}

export interface VertexWarning {
  vertex: string;
  level: number;
  short: string;
}

export interface StatusResponse {
  vertexes: Vertex[];
  statuses: VertexStatus[];
  logs: VertexLog[];
  warnings: VertexWarning[];
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** One field of a protobuf message: its number and either a varint or a byte slice. */
interface Field {
  readonly num: number;
  readonly varint: bigint;
  readonly bytes: Buffer;
}

/** Reads a base-128 varint at `pos`; returns the value and the next position. */
export function readVarint(buf: Buffer, pos: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const byte = buf[i] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
    if (shift > 63n) throw new Error('protobuf varint longer than 10 bytes');
  }
  throw new Error('protobuf varint truncated');
}

function fixedSkip(buf: Buffer, pos: number, size: number): number {
  if (pos + size > buf.length) throw new Error('protobuf fixed field truncated');
  return pos + size;
}

/** Splits a message into its fields, in wire order; groups (wire types 3/4) are rejected. */
export function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const key = readVarint(buf, pos);
    pos = key.next;
    const num = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (wire === WIRE_VARINT) {
      const v = readVarint(buf, pos);
      fields.push({ num, varint: v.value, bytes: Buffer.alloc(0) });
      pos = v.next;
    } else if (wire === WIRE_LEN) {
      const len = readVarint(buf, pos);
      const end = len.next + Number(len.value);
      if (end > buf.length) throw new Error('protobuf length-delimited field truncated');
      fields.push({ num, varint: 0n, bytes: buf.subarray(len.next, end) });
      pos = end;
    } else if (wire === WIRE_I64) {
      pos = fixedSkip(buf, pos, 8);
    } else if (wire === WIRE_I32) {
      pos = fixedSkip(buf, pos, 4);
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
}

/** int64 as a JS number; BuildKit's byte counts fit comfortably below 2^53. */
function int64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeTimestamp(buf: Buffer): Timestamp {
  let seconds = 0;
  let nanos = 0;
  for (const f of readFields(buf)) {
    if (f.num === 1) seconds = int64(f.varint);
    else if (f.num === 2) nanos = int64(f.varint);
  }
  return { seconds, nanos };
}

function decodeVertex(buf: Buffer): Vertex {
  const v: Vertex = { digest: '', inputs: [], name: '', cached: false, error: '' };
  for (const f of readFields(buf)) {
    if (f.num === 1) v.digest = f.bytes.toString('utf8');
    else if (f.num === 2) v.inputs.push(f.bytes.toString('utf8'));
    else if (f.num === 3) v.name = f.bytes.toString('utf8');
    else if (f.num === 4) v.cached = f.varint !== 0n;
    else if (f.num === 5) v.started = decodeTimestamp(f.bytes);
    else if (f.num === 6) v.completed = decodeTimestamp(f.bytes);
    else if (f.num === 7) v.error = f.bytes.toString('utf8');
  }
  return v;
}

function decodeStatus(buf: Buffer): VertexStatus {
  const s: VertexStatus = { id: '', vertex: '', name: '', current: 0, total: 0 };
  for (const f of readFields(buf)) {
    if (f.num === 1) s.id = f.bytes.toString('utf8');
    else if (f.num === 2) s.vertex = f.bytes.toString('utf8');
    else if (f.num === 3) s.name = f.bytes.toString('utf8');
    else if (f.num === 4) s.current = int64(f.varint);
    else if (f.num === 5) s.total = int64(f.varint);
    else if (f.num === 6) s.timestamp = decodeTimestamp(f.bytes);
    else if (f.num === 7) s.started = decodeTimestamp(f.bytes);
    else if (f.num === 8) s.completed = decodeTimestamp(f.bytes);
  }
  return s;
}

function decodeLog(buf: Buffer): VertexLog {
  const l: VertexLog = { vertex: '', stream: 0, msg: Buffer.alloc(0) };
  for (const f of readFields(buf)) {
    if (f.num === 1) l.vertex = f.bytes.toString('utf8');
    else if (f.num === 2) l.timestamp = decodeTimestamp(f.bytes);
    else if (f.num === 3) l.stream = int64(f.varint);
    else if (f.num === 4) l.msg = Buffer.from(f.bytes);
  }
  return l;
}

/** VertexWarning{ vertex=1, level=2, short=3, detail=4, url=5, info=6, ranges=7 }: the first three. */
function decodeWarning(buf: Buffer): VertexWarning {
  const w: VertexWarning = { vertex: '', level: 0, short: '' };
  for (const f of readFields(buf)) {
    if (f.num === 1) w.vertex = f.bytes.toString('utf8');
    else if (f.num === 2) w.level = int64(f.varint);
    else if (f.num === 3) w.short = f.bytes.toString('utf8');
  }
  return w;
}

/** Decodes one `StatusResponse`; throws on malformed wire data. */
export function decodeStatusResponse(buf: Buffer): StatusResponse {
  const out: StatusResponse = { vertexes: [], statuses: [], logs: [], warnings: [] };
  for (const f of readFields(buf)) {
    if (f.num === 1) out.vertexes.push(decodeVertex(f.bytes));
    else if (f.num === 2) out.statuses.push(decodeStatus(f.bytes));
    else if (f.num === 3) out.logs.push(decodeLog(f.bytes));
    else if (f.num === 4) out.warnings.push(decodeWarning(f.bytes));
  }
  return out;
}

/** Decodes the base64 `aux` string of a `moby.buildkit.trace` line. */
export function decodeTraceAux(aux: string): StatusResponse {
  return decodeStatusResponse(Buffer.from(aux, 'base64'));
}
