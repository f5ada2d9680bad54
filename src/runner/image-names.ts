import { parseImageRef } from '../oci/index.js';

/** What a `-t` template may refer to. */
export interface NameContext {
  readonly runId: string;
  /** The run's start (or, when validating, creation) time. */
  readonly date: Date;
  /** Slipway's own registry, `host:port`, as the engine reaches it. */
  readonly registry: string;
  /**
   * Slipway's registry as users name it (the host of `server.publicUrl`), when that differs:
   * `{{.Run.Registry}}` renders to it and output images show it; the engine still uses `registry`.
   */
  readonly publicRegistry?: string;
}

/** A `-t` value resolved into the image to tag and push. */
export interface TargetImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  /** `registry/repository:tag`, the name the engine tags and pushes. */
  readonly reference: string;
  /** Whether the image goes into Slipway's own registry (pushed with the run's token). */
  readonly isOwn: boolean;
}

/** ACR's `{{.Run.Date}}`: UTC `yyyyMMdd-HHmmssz`, e.g. `20260301-120005z`. */
export function runDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}z`;
}

/** Replaces `{{.Run.ID}}`, `{{.Run.Date}}`, `{{.Run.Registry}}`, `$Registry`, `$RegistryName` and `$ID`. */
export function renderTemplate(template: string, ctx: NameContext): string {
  const registry = ctx.publicRegistry ?? ctx.registry;
  return template
    .replace(/\{\{\s*\.Run\.ID\s*\}\}/g, ctx.runId)
    .replace(/\{\{\s*\.Run\.Date\s*\}\}/g, runDate(ctx.date))
    .replace(/\{\{\s*\.Run\.Registry\s*\}\}/g, registry)
    .replace(/\$RegistryName\b/g, registry)
    .replace(/\$Registry\b/g, registry)
    .replace(/\$ID\b/g, ctx.runId);
}

/** The registry host of a reference (`host.tld/…`, `host:port/…`, `localhost/…`), else undefined. */
export function referenceHost(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) return undefined;
  const first = name.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/**
 * Renders a `-t` template and splits it into registry, repository and tag; a name without a
 * registry host, or with Slipway's public host, goes into Slipway's own registry. Undefined when the result is not a valid
 * `[host/]repo[:tag]` (digests cannot be tags).
 */
export function resolveImageName(template: string, ctx: NameContext): TargetImage | undefined {
  const rendered = renderTemplate(template, ctx);
  const host = referenceHost(rendered);
  const rest = host === undefined ? rendered : rendered.slice(host.length + 1);
  const ref = parseImageRef(rest);
  if (ref === undefined || ref.tag === undefined) return undefined;
  const isOwn = host === undefined || host === ctx.registry || host === ctx.publicRegistry;
  const registry = isOwn ? (ctx.publicRegistry ?? ctx.registry) : (host as string);
  const engineRegistry = isOwn ? ctx.registry : registry;
  return { registry, repository: ref.repo, tag: ref.tag, reference: `${engineRegistry}/${ref.repo}:${ref.tag}`, isOwn };
}
