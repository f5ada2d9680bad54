import { redactUrl } from '../sources/index.js';
import { platformView } from '../tasks/run-view.js';
import type { NameValue, Task, TaskDependency, TaskStep } from '../tasks/task-model.js';
import type { ApiBaseImageDependency, ApiTask, ApiTaskArgument, ApiTaskCredentials, ApiTaskStep } from './contract/tasks.js';

function argumentsView(plain: readonly NameValue[], secretNames: readonly string[]): ApiTaskArgument[] {
  return [...plain.map((a) => ({ name: a.name, value: a.value, isSecret: false })), ...secretNames.map((name) => ({ name, value: null, isSecret: true }))];
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function stepView(step: TaskStep, deps: readonly ApiBaseImageDependency[]): ApiTaskStep {
  switch (step.type) {
    case 'Docker':
      return {
        type: 'Docker',
        contextPath: step.contextPath === null ? null : redactUrl(step.contextPath),
        dockerFilePath: step.dockerFilePath,
        imageNames: [...step.imageNames],
        isPushEnabled: step.isPushEnabled,
        noCache: step.noCache,
        target: step.target,
        arguments: argumentsView(step.arguments, step.secretArgumentNames),
        baseImageDependencies: deps,
      };
    case 'FileTask':
      return {
        type: 'FileTask',
        contextPath: redactUrl(step.contextPath),
        taskFilePath: step.taskFilePath,
        valuesFilePath: step.valuesFilePath,
        values: argumentsView(step.values, step.secretValueNames),
        baseImageDependencies: deps,
      };
    case 'EncodedTask':
      return {
        type: 'EncodedTask',
        contextPath: null,
        encodedTaskContent: base64(step.taskFile),
        encodedValuesContent: step.valuesFile === null ? null : base64(step.valuesFile),
        values: argumentsView(step.values, step.secretValueNames),
        baseImageDependencies: deps,
      };
  }
}

export function credentialsView(task: Task): ApiTaskCredentials {
  return { customRegistries: Object.fromEntries(task.credentials.map((c) => [c.loginServer, { userName: c.username, identity: c.identity }])) };
}

function identityView(identity: string | null): ApiTask['identity'] {
  if (identity === null) return null;
  return identity === 'system' ? { type: 'SystemAssigned' } : { type: 'UserAssigned', userAssignedIdentities: { [identity]: {} } };
}

/**
 * A task as the API and `-o json` show it: ACR's Task field names (az-acr-surface §2.2), with no
 * secret: secret arguments and values show `value: null`, the git access token, registry
 * passwords and the webhook secret never appear, and a context URL's credentials show as `***`.
 */
export function toTaskView(task: Task, dependencies: readonly TaskDependency[] = []): ApiTask {
  const deps = dependencies.map((d) => ({ type: d.type === 'Runtime' ? ('RunTime' as const) : ('BuildTime' as const), registry: d.registry, repository: d.repository, tag: d.tag, digest: d.digest }));
  const source = task.triggers.source;
  const base = task.triggers.baseImage;
  return {
    name: task.name,
    status: task.status,
    platform: platformView(task.platform),
    agentConfiguration: { cpu: task.agentCpu },
    agentPoolName: task.agentPoolName,
    timeout: task.timeoutSeconds,
    step: stepView(task.step, deps),
    trigger: {
      sourceTriggers:
        source === null
          ? []
          : [
              {
                name: source.name,
                sourceRepository: { sourceControlType: 'Git', repositoryUrl: redactUrl(source.repositoryUrl), branch: source.branch },
                sourceTriggerEvents: [...source.events],
                status: source.status,
                allowForks: source.allowForks,
                pollIntervalSeconds: source.pollIntervalSeconds,
              },
            ],
      baseImageTrigger: base === null ? null : { name: base.name, baseImageTriggerType: base.type, status: base.status },
      timerTriggers: task.triggers.timers.map((t) => ({ name: t.name, schedule: t.schedule, status: t.status })),
    },
    credentials: credentialsView(task),
    identity: identityView(task.identity),
    creationDate: task.createdAt,
    lastUpdatedTime: task.updatedAt,
    provisioningState: 'Succeeded',
  };
}
