import type { CommandSpec } from '../command.js';
import { serveCommand } from './serve/serve.js';
import { configCheckCommand, configPrintCommand } from './config/config.js';
import { gcCommand } from './gc/gc.js';
import { loginCommand } from './login/login.js';
import { logoutCommand } from './login/logout.js';
import { repositoryListCommand } from './repository/list.js';
import { repositoryShowTagsCommand } from './repository/show-tags.js';
import { repositoryShowManifestsCommand } from './repository/show-manifests.js';
import { repositoryDeleteCommand } from './repository/delete.js';
import { repositoryUntagCommand } from './repository/untag.js';
import { seedCommand } from './seed/seed.js';
import { buildCommand } from './build/build.js';
import { runCommand } from './run/run.js';
import { taskfilePlanCommand } from './taskfile/plan.js';
import { taskfileRenderCommand } from './taskfile/render.js';
import { taskfileValidateCommand } from './taskfile/validate.js';
import { taskCancelRunCommand, taskListRunsCommand, taskLogsCommand, taskShowRunCommand } from './task/task-runs.js';
import { taskExplainTriggerCommand } from './task/explain-trigger.js';
import { taskCreateCommand, taskDeleteCommand, taskListCommand, taskShowCommand, taskUpdateCommand } from './task/task-crud.js';
import { taskRunCommand } from './task/task-run.js';
import { webhookCreateCommand, webhookDeleteCommand, webhookGetConfigCommand, webhookListCommand, webhookListEventsCommand, webhookPingCommand, webhookShowCommand, webhookUpdateCommand } from './webhook/webhook.js';
import { auditListCommand } from './audit/audit-list.js';
import { taskTimerAddCommand, taskTimerListCommand, taskTimerRemoveCommand, taskTimerUpdateCommand } from './task/task-timer.js';
import { taskCredentialAddCommand, taskCredentialListCommand, taskCredentialRemoveCommand, taskCredentialUpdateCommand } from './task/task-credential.js';
import { VAULT_COMMANDS } from './vault/vault-commands.js';
import { vaultRotateKeyCommand } from './vault/rotate-key.js';
import { userCreateCommand, userDeleteCommand, userListCommand, userShowCommand, userUpdateCommand } from './access/user.js';
import { userTokenCreateCommand, userTokenDeleteCommand, userTokenListCommand } from './access/user-token.js';
import { scopeMapCreateCommand, scopeMapDeleteCommand, scopeMapListCommand, scopeMapShowCommand, scopeMapUpdateCommand } from './access/scope-map.js';
import { tokenCreateCommand, tokenCredentialGenerateCommand, tokenDeleteCommand, tokenListCommand, tokenShowCommand, tokenUpdateCommand } from './access/token.js';

/** Every command the CLI knows, in the order `slipway --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  serveCommand, configCheckCommand, configPrintCommand, gcCommand,
  loginCommand,
  logoutCommand,
  userCreateCommand, userListCommand, userShowCommand, userUpdateCommand, userDeleteCommand,
  userTokenCreateCommand, userTokenListCommand, userTokenDeleteCommand,
  scopeMapCreateCommand, scopeMapListCommand, scopeMapShowCommand, scopeMapUpdateCommand, scopeMapDeleteCommand,
  tokenCreateCommand, tokenListCommand, tokenShowCommand, tokenUpdateCommand, tokenDeleteCommand, tokenCredentialGenerateCommand,
  repositoryListCommand,
  repositoryShowTagsCommand,
  repositoryShowManifestsCommand,
  repositoryDeleteCommand,
  repositoryUntagCommand,
  seedCommand,
  buildCommand,
  runCommand,
  taskCreateCommand, taskShowCommand, taskListCommand, taskUpdateCommand, taskDeleteCommand, taskRunCommand,
  taskTimerAddCommand, taskTimerUpdateCommand, taskTimerRemoveCommand, taskTimerListCommand,
  taskCredentialAddCommand, taskCredentialUpdateCommand, taskCredentialRemoveCommand, taskCredentialListCommand,
  taskListRunsCommand,
  taskShowRunCommand,
  taskCancelRunCommand,
  taskLogsCommand,
  taskExplainTriggerCommand,
  webhookCreateCommand, webhookListCommand, webhookShowCommand, webhookUpdateCommand, webhookDeleteCommand, webhookPingCommand, webhookListEventsCommand, webhookGetConfigCommand,
  auditListCommand,
  taskfileValidateCommand,
  taskfileRenderCommand,
  taskfilePlanCommand,
  ...VAULT_COMMANDS, vaultRotateKeyCommand,
];
