/**
 * The Linux image aliases acb predefines (`$acr`, `$az`, `$bash`, `$curl`, `$cssc`, and the same
 * names as a `cmd` first word). They name public images Slipway's agents cannot pull when they are
 * offline; they are kept so task files resolve exactly as on ACR, and a task file can override any
 * of them in its `alias.values`. This is the only file that spells out these hosts
 * (docs/taskfile.md refers to it).
 */
export const IMAGE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  acr: 'mcr.microsoft.com/acr/acr-cli:0.19',
  az: 'mcr.microsoft.com/acr/azure-cli:2ff604c',
  bash: 'mcr.microsoft.com/acr/bash:2ff604c',
  curl: 'mcr.microsoft.com/acr/curl:2ff604c',
  cssc: 'mcr.microsoft.com/acr/cssc:2ff604c',
});
