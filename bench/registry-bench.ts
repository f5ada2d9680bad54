/**
 * Registry throughput benchmark: Slipway vs. the CNCF distribution registry (Debian's
 * `docker-registry`), both started by this script on 127.0.0.1 and driven by the same
 * client code, plus the machine's own fsynced write rate as the physical limit.
 *
 *   node --import tsx bench/registry-bench.ts [options]      (npm run bench:registry)
 *
 * Options:
 *   --only distribution|slipway   run just one registry (plus the fsync baseline)
 *   --reps N                      passes over all workloads, medians reported (default 3)
 *   --manifest-seconds S          duration of each manifest GET run (default 5)
 *   --budget-seconds S            start another pass only if it should end within S seconds
 *                                 of the start (default 225, keeps a run under ~4 minutes)
 *   --doc PATH | --no-doc         where to write the Markdown report; by default
 *                                 docs/benchmarks.md, but only for a full run against a
 *                                 real Slipway (never for --only or the harness test below)
 *
 * Environment:
 *   SLIPWAY_BENCH_CMD   shell command that starts Slipway instead of `bin/slipway serve`;
 *                       `--data-dir DIR --listen 127.0.0.1:PORT` are appended, and the
 *                       same values are exported as SLIPWAY_BENCH_DATA_DIR and
 *                       SLIPWAY_BENCH_LISTEN. SLIPWAY_ADMIN_PASSWORD is set to a random
 *                       value and requests carry `Authorization: Basic admin:<password>`
 *                       (a Bearer token challenge is also followed, so any registry that
 *                       implements the OCI distribution spec can sit in this slot).
 *   SLIPWAY_BENCH_PEER_AS_SLIPWAY=1
 *                       HARNESS TEST ONLY: start a second distribution instance in the
 *                       Slipway slot, to exercise the two-registry code path before a
 *                       Slipway server exists. Its numbers say nothing about Slipway.
 *
 * Only node built-ins are used. All traffic goes to 127.0.0.1.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open, mkdir, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, median, percentile, sleep } from "./bench-support.js";

// Enough libuv threads that fsync-baseline writes at concurrency 8 really run 8-wide.
// (Effective only if nothing used the thread pool yet; scripts/bench-registry.sh sets it too.)
process.env.UV_THREADPOOL_SIZE ??= "16";

const MiB = 1024 * 1024;
const REQUEST_IDLE_TIMEOUT_MS = 30_000;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DISTRIBUTION_BIN = "/usr/bin/docker-registry";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
const MANIFEST_ACCEPT = [
  OCI_MANIFEST,
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

// ---------------------------------------------------------------------------------------
// Command line

type SystemId = "distribution" | "slipway";

interface Options {
  only: SystemId | undefined;
  reps: number;
  manifestSeconds: number;
  budgetSeconds: number;
  doc: string | null | undefined; // undefined = default rule, null = none
}

function parseArgs(argv: string[]): Options {
  const o: Options = { only: undefined, reps: 3, manifestSeconds: 5, budgetSeconds: 225, doc: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case "--only": {
        const v = val();
        if (v !== "distribution" && v !== "slipway") throw new Error("--only takes distribution or slipway");
        o.only = v;
        break;
      }
      case "--reps":
        o.reps = Math.max(1, Number.parseInt(val(), 10) || 0);
        break;
      case "--manifest-seconds":
        o.manifestSeconds = Math.max(0.5, Number(val()) || 0);
        break;
      case "--budget-seconds":
        o.budgetSeconds = Math.max(0, Number(val()) || 0);
        break;
      case "--doc":
        o.doc = path.resolve(val());
        break;
      case "--no-doc":
        o.doc = null;
        break;
      case "-h":
      case "--help":
        process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0] + "*/\n");
        process.exit(0);
      default:
        throw new Error(`unknown argument: ${a}`);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Small helpers

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

const sha256 = (b: Buffer | string): string => "sha256:" + createHash("sha256").update(b).digest("hex");
/** Runs fn(0..n-1) with at most `conc` in flight. */
async function pool(n: number, conc: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, n) }, worker));
}

/** Flush dirty pages so one measurement does not pay for the previous one's writeback. */
function syncDisks(): void {
  try {
    execFileSync("sync", { stdio: "ignore" });
  } catch {
    /* best effort */
  }
}

// ---------------------------------------------------------------------------------------
// HTTP client (shared by both registries)

interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer; // empty in "hash" mode
  bytes: number;
  digest: string | undefined; // "hash" mode only
}

interface ReqOpts {
  headers?: Record<string, string>;
  body?: Buffer;
  mode?: "buffer" | "hash";
}

/** The bench talks to loopback only, whatever a server puts in Location or a token realm. */
function assertLoopback(url: URL): void {
  const h = url.hostname;
  if (url.protocol !== "http:" || !(h === "localhost" || h === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(h))) {
    throw new Error(`refusing to send a request to ${url.origin}: only http on 127.0.0.0/8 is used`);
  }
}

function rawRequest(agent: http.Agent, method: string, url: URL, opts: ReqOpts): Promise<Resp> {
  assertLoopback(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body) headers["content-length"] = String(opts.body.length);
    else if (method === "POST" || method === "PUT" || method === "PATCH") headers["content-length"] = "0";
    const req = http.request(url, { method, agent, headers }, (res) => {
      const status = res.statusCode ?? 0;
      const hashing = opts.mode === "hash" && status >= 200 && status < 300;
      const h = hashing ? createHash("sha256") : undefined;
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on("data", (c: Buffer) => {
        bytes += c.length;
        if (h) h.update(c);
        else if (bytes <= 1 * MiB || opts.mode !== "hash") chunks.push(c);
      });
      res.on("end", () =>
        resolve({
          status,
          headers: res.headers,
          body: Buffer.concat(chunks),
          bytes,
          digest: h ? "sha256:" + h.digest("hex") : undefined,
        }),
      );
      res.on("error", reject);
    });
    // A server that stops responding fails the run instead of hanging it.
    req.setTimeout(REQUEST_IDLE_TIMEOUT_MS, () => {
      req.destroy(new Error(`${method} ${url.pathname}: no response activity for ${REQUEST_IDLE_TIMEOUT_MS / 1000} s`));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Credentials: HTTP Basic sent preemptively; a Bearer challenge is answered with a token. */
class Auth {
  private readonly basic: string | undefined;
  private readonly tokens = new Map<string, string>(); // scope -> token
  constructor(user?: string, password?: string) {
    this.basic = user !== undefined ? "Basic " + Buffer.from(`${user}:${password ?? ""}`).toString("base64") : undefined;
  }
  header(scope: string): string | undefined {
    const t = this.tokens.get(scope);
    return t ? `Bearer ${t}` : this.basic;
  }
  /** Returns true when a retry may now succeed. */
  async answer(challenge: string | undefined, scope: string, agent: http.Agent): Promise<boolean> {
    if (!challenge || !/^bearer\s/i.test(challenge)) return false;
    const params: Record<string, string> = {};
    for (const m of challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
    if (!params.realm) return false;
    const u = new URL(params.realm);
    if (params.service) u.searchParams.set("service", params.service);
    u.searchParams.set("scope", params.scope ?? scope);
    const headers: Record<string, string> = {};
    if (this.basic) headers.authorization = this.basic;
    const r = await rawRequest(agent, "GET", u, { headers });
    if (r.status !== 200) throw new Error(`token endpoint ${u.origin}${u.pathname} answered ${r.status}`);
    const j = JSON.parse(r.body.toString("utf8")) as { token?: string; access_token?: string };
    const tok = j.token ?? j.access_token;
    if (!tok) return false;
    this.tokens.set(scope, tok);
    return true;
  }
}

class RegistryClient {
  constructor(
    readonly base: URL,
    readonly auth: Auth,
  ) {}

  private scopeOf(u: URL): string {
    const m = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(u.pathname);
    return m ? `repository:${m[1]}:pull,push` : "registry:catalog:*";
  }

  async request(agent: http.Agent, method: string, target: string | URL, opts: ReqOpts = {}): Promise<Resp> {
    let url = typeof target === "string" ? new URL(target, this.base) : target;
    const scope = this.scopeOf(url);
    for (let attempt = 0, redirects = 0; ; ) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const sameOrigin = url.origin === this.base.origin;
      const authz = sameOrigin ? this.auth.header(scope) : undefined;
      if (authz) headers.authorization = authz;
      const r = await rawRequest(agent, method, url, { ...opts, headers });
      if (r.status === 401 && attempt++ === 0 && (await this.auth.answer(r.headers["www-authenticate"], scope, agent))) continue;
      if ([301, 302, 303, 307, 308].includes(r.status) && r.headers.location && (method === "GET" || method === "HEAD") && redirects++ < 5) {
        url = new URL(r.headers.location, url);
        continue;
      }
      return r;
    }
  }

  /** Monolithic upload: POST /blobs/uploads/ then PUT <Location>?digest= with the body. */
  async pushBlob(agent: http.Agent, repo: string, data: Buffer, digest: string): Promise<void> {
    const post = await this.request(agent, "POST", `/v2/${repo}/blobs/uploads/`);
    if (post.status !== 202 || !post.headers.location) throw httpError("POST blob upload", post);
    const u = new URL(post.headers.location, this.base);
    u.searchParams.set("digest", digest);
    const put = await this.request(agent, "PUT", u, {
      headers: { "content-type": "application/octet-stream" },
      body: data,
    });
    if (put.status !== 201) throw httpError("PUT blob upload", put);
  }

  async pullBlob(agent: http.Agent, repo: string, digest: string, size: number): Promise<void> {
    const r = await this.request(agent, "GET", `/v2/${repo}/blobs/${digest}`, { mode: "hash" });
    if (r.status !== 200) throw httpError("GET blob", r);
    if (r.bytes !== size || r.digest !== digest) {
      throw new Error(`GET blob ${digest}: got ${r.bytes} bytes with digest ${r.digest}, expected ${size} bytes`);
    }
  }

  async putManifest(agent: http.Agent, repo: string, ref: string, body: Buffer, mediaType: string): Promise<void> {
    const r = await this.request(agent, "PUT", `/v2/${repo}/manifests/${ref}`, {
      headers: { "content-type": mediaType },
      body,
    });
    if (r.status !== 201) throw httpError("PUT manifest", r);
  }
}

function httpError(what: string, r: Resp): Error {
  return new Error(`${what}: HTTP ${r.status} ${r.body.subarray(0, 300).toString("utf8").trim()}`);
}

// ---------------------------------------------------------------------------------------
// Servers

interface Server {
  id: SystemId;
  label: string; // shown in tables
  client: RegistryClient;
  proc: ChildProcess;
  logPath: string;
  exited: boolean;
}

const children: Server[] = [];
let tmpRoot = "";

function tailFile(p: string, n = 20): string {
  try {
    return readFileSync(p, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "(no log)";
  }
}

function startProcess(id: SystemId, label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, base: URL, auth: Auth, logPath: string): Server {
  const fd = openSync(logPath, "a");
  // detached: own process group, so the whole tree (e.g. a shell wrapper) can be killed.
  const proc = spawn(cmd, args, { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const s: Server = { id, label, client: new RegistryClient(base, auth), proc, logPath, exited: false };
  proc.on("exit", () => {
    s.exited = true;
  });
  proc.on("error", () => {
    s.exited = true;
  });
  children.push(s);
  return s;
}

async function waitReady(s: Server, deadlineMs = 30_000): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const end = Date.now() + deadlineMs;
  let last = "";
  try {
    for (;;) {
      if (s.exited) throw new Error(`${s.label} exited during startup (exit code ${s.proc.exitCode}). Log:\n${tailFile(s.logPath)}`);
      try {
        const r = await rawRequest(agent, "GET", new URL("/v2/", s.client.base), {});
        if (r.status === 200 || r.status === 401) break;
        last = `HTTP ${r.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > end) throw new Error(`${s.label} did not answer GET /v2/ with 200 or 401 within ${deadlineMs / 1000}s (last: ${last}). Log:\n${tailFile(s.logPath)}`);
      await sleep(100);
    }
    // Check that our credentials are accepted.
    const r = await s.client.request(agent, "GET", "/v2/");
    if (r.status !== 200) throw new Error(`${s.label}: GET /v2/ with credentials answered ${r.status}; authentication failed`);
  } finally {
    agent.destroy();
  }
}

async function startDistribution(id: SystemId, label: string, dir: string): Promise<Server> {
  const port = await freePort();
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const cfg = path.join(dir, "config.yml");
  writeFileSync(
    cfg,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  const s = startProcess(id, label, DISTRIBUTION_BIN, ["serve", cfg], { ...process.env }, new URL(`http://127.0.0.1:${port}/`), new Auth(), path.join(dir, "server.log"));
  await waitReady(s);
  return s;
}

async function startSlipway(dir: string): Promise<Server> {
  const port = await freePort();
  const dataDir = path.join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const listen = `127.0.0.1:${port}`;
  const password = randomBytes(18).toString("base64url");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLIPWAY_ADMIN_PASSWORD: password,
    // Like the peer (log level error): no per-request access log lines during the runs.
    SLIPWAY_LOG_LEVEL: "warn",
    SLIPWAY_BENCH_DATA_DIR: dataDir,
    SLIPWAY_BENCH_LISTEN: listen,
  };
  const flags = ["--data-dir", dataDir, "--listen", listen];
  const custom = process.env.SLIPWAY_BENCH_CMD;
  let cmd: string;
  let args: string[];
  if (custom) {
    cmd = "bash";
    args = ["-c", `${custom} "$@"`, "slipway-bench", ...flags];
  } else {
    cmd = path.join(REPO_ROOT, "bin", "slipway");
    if (!existsSync(cmd)) throw new Error(`${cmd} not found: build Slipway, set SLIPWAY_BENCH_CMD, or run with --only distribution`);
    args = ["serve", ...flags];
  }
  const s = startProcess("slipway", "slipway", cmd, args, env, new URL(`http://${listen}/`), new Auth("admin", password), path.join(dir, "server.log"));
  await waitReady(s);
  return s;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(async (s) => {
      if (s.exited || s.proc.pid === undefined) return;
      try {
        process.kill(-s.proc.pid, "SIGTERM");
      } catch {
        return;
      }
      const end = Date.now() + 5000;
      while (!s.exited && Date.now() < end) await sleep(50);
      if (!s.exited) {
        try {
          process.kill(-s.proc.pid, "SIGKILL");
        } catch {
          /* gone */
        }
        const end2 = Date.now() + 2000;
        while (!s.exited && Date.now() < end2) await sleep(50);
      }
    }),
  );
}

function killAllSync(): void {
  for (const s of children) {
    if (!s.exited && s.proc.pid !== undefined) {
      try {
        process.kill(-s.proc.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
}

function removeTmp(): void {
  if (tmpRoot) {
    try {
      rmSync(tmpRoot, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
    tmpRoot = "";
  }
}

// ---------------------------------------------------------------------------------------
// Workloads

interface BlobWorkload {
  key: string; // e.g. "1m-c1"
  size: number;
  count: number;
  conc: number;
}

const BLOB_WORKLOADS: BlobWorkload[] = [
  { key: "1m-c1", size: 1 * MiB, count: 200, conc: 1 },
  { key: "1m-c8", size: 1 * MiB, count: 200, conc: 8 },
  { key: "64m-c1", size: 64 * MiB, count: 16, conc: 1 },
  { key: "64m-c8", size: 64 * MiB, count: 16, conc: 8 },
];

/** Reused buffers per blob size (allocating fresh 64 MiB buffers costs more than filling them). */
const bufferPools = new Map<number, Buffer[]>();

/** Fills `count` buffers of `size` with fresh random bytes; optionally computes digests. */
function freshBlobs(size: number, count: number, withDigests: boolean): { bufs: Buffer[]; digests: string[] } {
  let pool = bufferPools.get(size);
  if (!pool) bufferPools.set(size, (pool = []));
  while (pool.length < count) pool.push(Buffer.allocUnsafe(size));
  const bufs = pool.slice(0, count);
  for (const b of bufs) randomFillSync(b);
  return { bufs, digests: withDigests ? bufs.map((b) => sha256(b)) : [] };
}

const mibps = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000);

async function blobPushPull(s: Server, w: BlobWorkload, rep: number): Promise<{ push: number; pull: number }> {
  const { bufs, digests } = freshBlobs(w.size, w.count, true);
  const repo = `bench/blob-${w.key}-r${rep}`;
  const total = w.size * w.count;
  syncDisks();
  let agent = new http.Agent({ keepAlive: true, maxSockets: w.conc });
  let t0 = performance.now();
  try {
    await pool(w.count, w.conc, (i) => s.client.pushBlob(agent, repo, bufs[i]!, digests[i]!));
  } finally {
    agent.destroy();
  }
  const push = mibps(total, performance.now() - t0);
  agent = new http.Agent({ keepAlive: true, maxSockets: w.conc });
  t0 = performance.now();
  try {
    await pool(w.count, w.conc, (i) => s.client.pullBlob(agent, repo, digests[i]!, w.size));
  } finally {
    agent.destroy();
  }
  const pull = mibps(total, performance.now() - t0);
  return { push, pull };
}

async function fsyncWrite(w: BlobWorkload, rep: number): Promise<number> {
  const { bufs } = freshBlobs(w.size, w.count, false);
  const dir = path.join(tmpRoot, "fsync", `${w.key}-r${rep}`);
  await mkdir(dir, { recursive: true });
  syncDisks();
  const t0 = performance.now();
  await pool(w.count, w.conc, async (i) => {
    const fh = await open(path.join(dir, `f${i}`), "w");
    try {
      const b = bufs[i]!;
      for (let off = 0; off < b.length; ) {
        const { bytesWritten } = await fh.write(b, off, b.length - off);
        off += bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
  const rate = mibps(w.size * w.count, performance.now() - t0);
  await rm(dir, { recursive: true, force: true });
  return rate;
}

/** Minimal ustar archive holding one regular file. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
  h.write("00000000000\0", 136);
  h.write("        ", 148);
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([h, content, pad, Buffer.alloc(1024)]);
}

async function pushSmallImage(s: Server, repo: string, tag: string): Promise<{ body: Buffer; digest: string }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const layer = tarOneFile("hello.txt", Buffer.from(`hello from the slipway bench ${randomBytes(8).toString("hex")}\n`));
    const layerDigest = sha256(layer);
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: { Cmd: ["/bin/sh"] },
        rootfs: { type: "layers", diff_ids: [layerDigest] },
        history: [{ created_by: "slipway registry-bench" }],
      }),
    );
    const configDigest = sha256(config);
    await s.client.pushBlob(agent, repo, layer, layerDigest);
    await s.client.pushBlob(agent, repo, config, configDigest);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
        layers: [{ mediaType: OCI_LAYER, digest: layerDigest, size: layer.length }],
      }),
    );
    await s.client.putManifest(agent, repo, tag, manifest, OCI_MANIFEST);
    return { body: manifest, digest: sha256(manifest) };
  } finally {
    agent.destroy();
  }
}

const MANIFEST_CONC = 16;

async function manifestGets(s: Server, repo: string, tag: string, expect: string, seconds: number): Promise<{ rps: number; p50: number; p99: number; n: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MANIFEST_CONC });
  const get = async (): Promise<void> => {
    const r = await s.client.request(agent, "GET", `/v2/${repo}/manifests/${tag}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (r.status !== 200) throw httpError("GET manifest", r);
    if (sha256(r.body) !== expect) throw new Error("GET manifest: body does not match the pushed manifest");
  };
  try {
    // Warm-up (not measured): open the keep-alive connections.
    await pool(MANIFEST_CONC * 8, MANIFEST_CONC, get);
    const lat: number[] = [];
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: MANIFEST_CONC }, async () => {
        while (performance.now() < end) {
          const a = performance.now();
          await get();
          lat.push(performance.now() - a);
        }
      }),
    );
    const elapsed = performance.now() - t0;
    lat.sort((a, b) => a - b);
    return { rps: lat.length / (elapsed / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length };
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------
// Results

type Col = SystemId | "fsync";

interface Row {
  id: string;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  fsyncOf?: string; // blob workload key whose fsync baseline applies (push rows)
  samples: Partial<Record<Col, number[]>>;
}

function addSample(rows: Map<string, Row>, id: string, col: Col, v: number): void {
  const r = rows.get(id);
  if (!r) throw new Error(`no row ${id}`);
  (r.samples[col] ??= []).push(v);
}

const fmt = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

interface Summary {
  row: Row;
  distribution: number | undefined;
  slipway: number | undefined;
  fsync: number | undefined;
  slipwayVsDistribution: number | undefined;
  slipwayVsFsync: number | undefined;
  distributionVsFsync: number | undefined;
}

function summarize(rows: Map<string, Row>): Summary[] {
  const med = (r: Row, c: Col): number | undefined => (r.samples[c]?.length ? median(r.samples[c]!) : undefined);
  return [...rows.values()].map((row) => {
    const d = med(row, "distribution");
    const s = med(row, "slipway");
    const fsyncRow = row.fsyncOf ? rows.get(`fsync-${row.fsyncOf}`) : undefined;
    const f = row.id.startsWith("fsync-") ? med(row, "fsync") : fsyncRow ? med(fsyncRow, "fsync") : undefined;
    const isBaseline = row.id.startsWith("fsync-");
    return {
      row,
      distribution: d,
      slipway: s,
      fsync: f,
      slipwayVsDistribution: ratio(s, d),
      slipwayVsFsync: isBaseline ? undefined : ratio(s, f),
      distributionVsFsync: isBaseline ? undefined : ratio(d, f),
    };
  });
}

function table(sums: Summary[], slipwayLabel: string): string[][] {
  const head = ["workload", "unit", "distribution", slipwayLabel, `${slipwayLabel}/dist`, "fsync write", `${slipwayLabel}/fsync`, "dist/fsync"];
  const body = sums
    .filter((s) => !s.row.id.startsWith("fsync-"))
    .map((s) => [
      s.row.label,
      s.row.unit,
      fmt(s.distribution, s.row.unit === "ms" ? 2 : 1),
      fmt(s.slipway, s.row.unit === "ms" ? 2 : 1),
      fmt(s.slipwayVsDistribution, 2),
      s.row.fsyncOf ? fmt(s.fsync) : "",
      s.row.fsyncOf ? fmt(s.slipwayVsFsync, 2) : "",
      s.row.fsyncOf ? fmt(s.distributionVsFsync, 2) : "",
    ]);
  return [head, ...body];
}

function renderText(t: string[][]): string {
  const w = t[0]!.map((_, i) => Math.max(...t.map((r) => (r[i] ?? "").length)));
  return t.map((r, ri) => r.map((c, i) => (i <= 1 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ") + (ri === 0 ? "\n" + w.map((n) => "-".repeat(n)).join("  ") : "")).join("\n");
}

function renderMarkdown(t: string[][]): string {
  const lines = t.map((r) => `| ${r.join(" | ")} |`);
  lines.splice(1, 0, `|${t[0]!.map((_, i) => (i <= 1 ? " --- " : " ---: ")).join("|")}|`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------
// Main

function machineInfo(): Record<string, string | number> {
  let distVersion = "unknown";
  try {
    distVersion = execFileSync(DISTRIBUTION_BIN, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    /* keep unknown */
  }
  let commit = "uncommitted";
  try {
    commit = execFileSync("git", ["-C", REPO_ROOT, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    /* no commits yet */
  }
  let fsType = "unknown";
  try {
    fsType = execFileSync("df", ["--output=fstype,source", os.tmpdir()], { encoding: "utf8" }).trim().split("\n").pop()!.trim().replace(/\s+/, " on ");
  } catch {
    /* keep unknown */
  }
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    distribution: distVersion,
    tmpFilesystem: `${os.tmpdir()} (${fsType})`,
    slipwayCommit: commit,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const peerHack = process.env.SLIPWAY_BENCH_PEER_AS_SLIPWAY === "1";
  const systems: SystemId[] = opts.only ? [opts.only] : ["distribution", "slipway"];
  const slipwayLabel = peerHack ? "peer-as-slipway" : "slipway";
  const started = new Date();
  const t0 = performance.now();

  if (!existsSync(DISTRIBUTION_BIN) && systems.includes("distribution")) {
    throw new Error(`${DISTRIBUTION_BIN} not found (apt-get install docker-registry, or run scripts/ensure-deps.sh)`);
  }

  tmpRoot = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-"));
  const servers = new Map<SystemId, Server>();
  for (const id of systems) {
    const dir = path.join(tmpRoot, id);
    mkdirSync(dir, { recursive: true });
    if (id === "distribution") servers.set(id, await startDistribution("distribution", "distribution", dir));
    else if (peerHack) servers.set(id, await startDistribution("slipway", slipwayLabel, dir));
    else servers.set(id, await startSlipway(dir));
    log(`${servers.get(id)!.label} ready at ${servers.get(id)!.client.base.origin}`);
  }

  const rows = new Map<string, Row>();
  const addRow = (r: Omit<Row, "samples">): void => void rows.set(r.id, { ...r, samples: {} });
  for (const w of BLOB_WORKLOADS) {
    const sz = `${w.size / MiB} MiB x ${w.count}`;
    addRow({ id: `push-${w.key}`, label: `blob push ${sz}, c=${w.conc}`, unit: "MiB/s", higherIsBetter: true, fsyncOf: w.key });
    addRow({ id: `pull-${w.key}`, label: `blob pull ${sz}, c=${w.conc}`, unit: "MiB/s", higherIsBetter: true });
    addRow({ id: `fsync-${w.key}`, label: `fsync write ${sz}, c=${w.conc}`, unit: "MiB/s", higherIsBetter: true });
  }
  addRow({ id: "manifest-rps", label: `manifest GET, c=${MANIFEST_CONC}`, unit: "req/s", higherIsBetter: true });
  addRow({ id: "manifest-p99", label: `manifest GET p99, c=${MANIFEST_CONC}`, unit: "ms", higherIsBetter: false });

  // The small image for the manifest workload.
  const images = new Map<SystemId, { digest: string }>();
  for (const id of systems) images.set(id, await pushSmallImage(servers.get(id)!, "bench/manifest", "v1"));

  // One pass = every workload once. Within a pass the registries (and the fsync baseline)
  // take turns in an order that rotates from pass to pass, so drift over the run affects
  // all of them alike. A further pass only starts if it fits in the time budget (estimated
  // from the slowest pass so far); at least one pass always runs.
  const slots: Col[] = [...systems, "fsync"];
  let passes = 0;
  let slowestPassS = 0;
  for (let rep = 0; rep < opts.reps; rep++) {
    const elapsed = (performance.now() - t0) / 1000;
    if (rep > 0 && elapsed + slowestPassS > opts.budgetSeconds) {
      log(`stopping after ${rep} of ${opts.reps} passes: another pass (~${slowestPassS.toFixed(0)} s) would exceed the ${opts.budgetSeconds} s budget`);
      break;
    }
    const passStart = performance.now();
    const tag = `pass ${rep + 1}/${opts.reps}`;
    for (const w of BLOB_WORKLOADS) {
      const order = slots.map((_, i) => slots[(i + rep) % slots.length]!);
      for (const col of order) {
        if (col === "fsync") {
          const v = await fsyncWrite(w, rep);
          addSample(rows, `fsync-${w.key}`, "fsync", v);
          log(`${tag} ${w.key} fsync write: ${v.toFixed(1)} MiB/s`);
        } else {
          const s = servers.get(col)!;
          const { push, pull } = await blobPushPull(s, w, rep);
          addSample(rows, `push-${w.key}`, col, push);
          addSample(rows, `pull-${w.key}`, col, pull);
          log(`${tag} ${w.key} ${s.label}: push ${push.toFixed(1)} MiB/s, pull ${pull.toFixed(1)} MiB/s`);
        }
      }
    }
    const order = systems.map((_, i) => systems[(i + rep) % systems.length]!);
    for (const id of order) {
      const s = servers.get(id)!;
      const r = await manifestGets(s, "bench/manifest", "v1", images.get(id)!.digest, opts.manifestSeconds);
      addSample(rows, "manifest-rps", id, r.rps);
      addSample(rows, "manifest-p99", id, r.p99);
      log(`${tag} manifest ${s.label}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (${r.n} requests)`);
    }
    passes++;
    slowestPassS = Math.max(slowestPassS, (performance.now() - passStart) / 1000);
  }
  bufferPools.clear();

  await stopAll();
  const elapsedS = (performance.now() - t0) / 1000;

  // Report.
  const sums = summarize(rows);
  const t = table(sums, slipwayLabel);
  const baseline = sums.filter((s) => s.row.id.startsWith("fsync-")).map((s) => [s.row.label, fmt(s.fsync)]);
  const machine = machineInfo();
  process.stdout.write(`\nRegistry benchmark, ${started.toISOString()}, medians of ${passes} passes (${elapsedS.toFixed(0)} s)\n\n`);
  process.stdout.write(renderText(t) + "\n\n");
  process.stdout.write("fsync write baseline (MiB/s): " + baseline.map(([l, v]) => `${l!.replace("fsync write ", "")}: ${v}`).join("; ") + "\n");
  if (peerHack) process.stdout.write("NOTE: SLIPWAY_BENCH_PEER_AS_SLIPWAY=1: the slipway column is a second distribution instance (harness test only).\n");

  const docPath = opts.doc === undefined ? (!opts.only && !peerHack ? path.join(REPO_ROOT, "docs", "benchmarks.md") : null) : opts.doc;
  if (docPath) {
    mkdirSync(path.dirname(docPath), { recursive: true });
    // Keep the sections other benchmarks own (e.g. "## Build benchmark" from bench/build-bench.ts).
    const previous = existsSync(docPath) ? readFileSync(docPath, "utf8") : "";
    const foreign = previous.indexOf("\n## Build benchmark");
    const kept = foreign >= 0 ? previous.slice(foreign) : "";
    writeFileSync(docPath, markdownReport(started, machine, opts, passes, sums, t, baseline, elapsedS, peerHack, systems).trimEnd() + "\n" + kept);
    log(`wrote ${docPath}`);
  }

  const json = {
    bench: "registry",
    date: started.toISOString(),
    durationSeconds: Math.round(elapsedS),
    passes,
    manifestSeconds: opts.manifestSeconds,
    slipwayIsPeer: peerHack,
    machine,
    results: Object.fromEntries(
      sums.map((s) => [
        s.row.id,
        {
          unit: s.row.unit,
          distribution: s.distribution,
          slipway: s.slipway,
          fsync: s.fsync,
          slipwayVsDistribution: s.slipwayVsDistribution,
          slipwayVsFsync: s.slipwayVsFsync,
          samples: s.row.samples,
        },
      ]),
    ),
  };
  process.stdout.write(JSON.stringify(json) + "\n");
}

function markdownReport(
  started: Date,
  machine: Record<string, string | number>,
  opts: Options,
  passes: number,
  sums: Summary[],
  t: string[][],
  baseline: string[][],
  elapsedS: number,
  peerHack: boolean,
  systems: SystemId[],
): string {
  const pushRatios = sums.filter((s) => s.row.fsyncOf && s.row.id.startsWith("push-"));
  return `# Registry benchmarks

Generated by \`npm run bench:registry\` (\`bench/registry-bench.ts\`) on ${started.toISOString().slice(0, 10)}
(${started.toISOString()}, run took ${elapsedS.toFixed(0)} s). Re-run it to refresh this file.
${systems.length < 2 ? `\n> Only ${systems.join(", ")} was measured in this run (\`--only\`).\n` : ""}${peerHack ? "\n> **Harness test:** the Slipway column is a second distribution instance (SLIPWAY_BENCH_PEER_AS_SLIPWAY=1).\n> These numbers say nothing about Slipway.\n" : ""}
## Machine

| | |
| --- | --- |
| CPUs (nproc) | ${machine.nproc} (${machine.cpu}) |
| Memory | ${machine.memoryGiB} GiB |
| Kernel | ${machine.kernel} |
| Node.js | ${machine.node} |
| Peer registry | ${machine.distribution} |
| Temp filesystem | ${machine.tmpFilesystem} |
| Slipway commit | ${machine.slipwayCommit} |

## Method

- Both registries run side by side on 127.0.0.1 in the same run, with storage in the same
  temporary directory: the CNCF distribution registry (Debian's \`docker-registry serve\`,
  filesystem storage, no auth, delete enabled, log level error) and Slipway
  (\`bin/slipway serve --data-dir DIR --listen 127.0.0.1:PORT\`, HTTP Basic auth sent
  preemptively on every request). The client and both servers share the same ${machine.nproc} cores.
- One client (Node's \`http\`, keep-alive agents with max sockets = concurrency) drives both.
- Blob push: monolithic upload (\`POST /v2/<repo>/blobs/uploads/\`, then \`PUT <Location>?digest=\`
  with the whole body). Blob pull: \`GET /v2/<repo>/blobs/<digest>\`, the body is consumed and
  its sha256 verified. Workloads: 200 x 1 MiB and 16 x 64 MiB, each at concurrency 1 and 8.
  Blobs are fresh random bytes for every registry and every run (nothing can be deduplicated),
  generated and hashed before the clock starts. Throughput = bytes / wall time, in MiB/s.
- Manifest GET: a small OCI image (config + one layer, \`${OCI_MANIFEST}\`) is pushed under a
  tag, then \`GET /v2/<repo>/manifests/<tag>\` with an \`Accept\` header is issued for
  ${opts.manifestSeconds} s at concurrency ${MANIFEST_CONC} after a short unmeasured warm-up; every body is checked
  against the pushed manifest's digest. Reported: requests/s and p99 latency.
- Physical limit: the same volumes written as files (write, fsync, close) in the same
  filesystem at the same concurrency ("fsync write"). \`sync\` runs before every measurement.
- The whole set of workloads is run in ${passes} pass${passes === 1 ? "" : "es"} (${opts.reps} planned; a pass is skipped if it
  would push the run past ${opts.budgetSeconds} s). Within a pass the registries and the fsync baseline
  take turns, in an order that rotates from pass to pass. Tables show the median over the passes.

## Results

${renderMarkdown(t)}

Ratios: \`slipway/dist\` is Slipway divided by distribution (above 1 is better for Slipway,
except for p99 latency where below 1 is better); \`/fsync\` columns divide push throughput by
the fsynced write rate of the same volume.

fsync write baseline (MiB/s): ${baseline.map(([l, v]) => `${l!.replace("fsync write ", "")}: ${v}`).join("; ")}.

Slipway push as a fraction of the fsync write rate: ${pushRatios.map((s) => `${s.row.label.replace("blob push ", "")}: ${fmt(s.slipwayVsFsync, 2)}`).join("; ")}.

## Raw samples (MiB/s, req/s or ms; one per pass)

${sums.map((s) => `- ${s.row.label} (${s.row.unit}): ${Object.entries(s.row.samples).map(([k, v]) => `${k} ${v!.map((x) => x.toFixed(1)).join(", ")}`).join("; ")}`).join("\n")}
`;
}

let finishing: Promise<never> | undefined;
/** Stops the servers, removes the temp dir and exits; later calls wait for the first. */
function shutdown(code: number): Promise<never> {
  finishing ??= (async (): Promise<never> => {
    await stopAll().catch(() => undefined);
    removeTmp();
    process.exit(code);
  })();
  return finishing;
}

process.on("SIGINT", () => void shutdown(130));
process.on("SIGTERM", () => void shutdown(143));
process.on("exit", () => {
  killAllSync();
  removeTmp();
});

main().then(
  () => shutdown(0),
  (err: unknown) => {
    if (finishing) return finishing; // interrupted: errors from killed servers are expected
    process.stderr.write(`registry-bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return shutdown(1);
  },
);
