/** What replaces a secret in logs and error messages. */
export const REDACTED = '***';

/** The forms a secret value may take in build output: as is, base64 (both alphabets) and URL-encoded. */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  return [secret, base64, base64.replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+')];
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
