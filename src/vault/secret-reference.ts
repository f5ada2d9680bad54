/**
 * Where a task's secret lives, from the text a task names it with: a `secrets:` entry's
 * `keyvault`, a `--git-access-token`, or a credential password.
 *
 * - `vault://V/N[/VERSION]` and `https://<any host>/vaults/V/secrets/N[/VERSION]`: secret N of
 *   Slipway vault V (the host is not checked: a task file names the server by any of its names).
 * - `vault://NAME` (no slash): the run's `--set-secret NAME=…` value (quick runs, as before).
 * - anything else (an Azure Key Vault URL, a plain value): not a reference.
 */

export type SecretReference =
  | { readonly kind: 'vault'; readonly vault: string; readonly secret: string; readonly version: string | null }
  | { readonly kind: 'run-value'; readonly name: string };

const NAME = '[a-zA-Z0-9-]{1,127}';
const VERSION = '[a-zA-Z0-9]{1,64}';
const VAULT_SCHEME = new RegExp(`^vault://(${NAME})/(${NAME})(?:/(${VERSION}))?$`);
const RUN_VALUE = /^vault:\/\/([A-Za-z0-9][A-Za-z0-9._-]*)$/;
const VAULT_PATH = new RegExp(`^/vaults/(${NAME})/secrets/(${NAME})(?:/(${VERSION}))?$`, 'i');

export function parseSecretReference(text: string): SecretReference | undefined {
  const value = text.trim();
  const scheme = VAULT_SCHEME.exec(value);
  if (scheme) return { kind: 'vault', vault: scheme[1]!, secret: scheme[2]!, version: scheme[3] ?? null };
  const runValue = RUN_VALUE.exec(value);
  if (runValue) return { kind: 'run-value', name: runValue[1]! };
  if (!/^https:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value.replace(/\/+$/, ''));
  } catch {
    return undefined;
  }
  const path = VAULT_PATH.exec(url.pathname);
  if (!path || url.search !== '' || url.username !== '') return undefined;
  return { kind: 'vault', vault: path[1]!, secret: path[2]!, version: path[3] ?? null };
}

/** Whether a stored credential (git token, registry password) is a vault reference rather than the value. */
export function isVaultReference(text: string | null | undefined): text is string {
  return typeof text === 'string' && parseSecretReference(text)?.kind === 'vault';
}

/** How a reference is shown in messages: `vault://V/N[/VERSION]`. */
export function showReference(ref: { readonly vault: string; readonly secret: string; readonly version: string | null }): string {
  return `vault://${ref.vault}/${ref.secret}${ref.version === null ? '' : `/${ref.version}`}`;
}
