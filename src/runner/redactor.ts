/** What replaces a secret in logs and error messages. */
export const REDACTED = '***';

/** Lines of a multi-line secret at least this long are redacted on their own too (a log line holds one line). */
const MIN_SECRET_LINE = 8;

/**
 * The forms a secret value may take in output: as is, base64 (both alphabets), URL-encoded,
 * and for a multi-line value (a key file, a certificate) each of its lines long enough not to
 * be common text, since logs are written and read one line at a time.
 */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  const lines = secret.includes('\n') ? secret.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= MIN_SECRET_LINE) : [];
  return [secret, base64, base64.replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), ...lines];
}

/**
 * A function that replaces every secret value (and its base64 and URL-encoded forms) in a text
 * with `***`. Longer forms go first so a secret inside its own encoding never leaves a tail.
 * Values shorter than 3 characters are still redacted: a 2-letter secret is weak, not public.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = [...new Set(secrets.filter((s) => s !== '').flatMap(forms))].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/** A redactor that learns secrets as a run goes (task secrets resolve after the log opened). */
export class SecretRedactor {
  private current: (text: string) => string;
  private readonly secrets: string[];

  constructor(secrets: readonly string[] = []) {
    this.secrets = [...secrets];
    this.current = createRedactor(this.secrets);
  }

  add(secrets: readonly string[]): void {
    this.secrets.push(...secrets);
    this.current = createRedactor(this.secrets);
  }

  readonly redact = (text: string): string => this.current(text);
}
