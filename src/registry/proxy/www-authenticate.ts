/** One challenge of a `WWW-Authenticate` header (RFC 9110 section 11.6.1), scheme lower-cased. */
export interface AuthChallenge {
  readonly scheme: string;
  /** auth-params with lower-cased names and unquoted values (`realm`, `service`, `scope`, `error`). */
  readonly params: Readonly<Record<string, string>>;
}

// At the current position: an auth-param (`name=value` or `name="quoted"`), or a scheme token.
const PARAM = /\s*,?\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*/y;
const SCHEME = /\s*,?\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?=\s|,|$)\s*/y;

function unquote(value: string): string {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/**
 * Parses every challenge of a `WWW-Authenticate` value, e.g. the Docker token flow's
 * `Bearer realm="https://auth.example.invalid/token",service="registry",scope="repository:library/x:pull"`.
 * Unparseable trailing text is ignored; an empty or garbled header gives no challenges.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const out: Array<{ scheme: string; params: Record<string, string> }> = [];
  let at = 0;
  while (at < header.length) {
    PARAM.lastIndex = at;
    const param = PARAM.exec(header);
    const current = out[out.length - 1];
    if (param && current) {
      current.params[(param[1] as string).toLowerCase()] = unquote(param[2] as string);
      at = PARAM.lastIndex;
      continue;
    }
    SCHEME.lastIndex = at;
    const scheme = SCHEME.exec(header);
    if (!scheme) break;
    out.push({ scheme: (scheme[1] as string).toLowerCase(), params: {} });
    at = SCHEME.lastIndex;
  }
  return out;
}

/** The Bearer challenge of a header, when it has one with a realm; else the Basic one, if any. */
export function preferredChallenge(header: string | undefined): AuthChallenge | undefined {
  const challenges = parseChallenges(header ?? '');
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
}
