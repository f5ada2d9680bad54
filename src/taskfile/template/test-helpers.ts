/** Shared helpers for the template engine's tests. */
import { executeTemplate, type TemplateOptions } from './template.js';
import { TemplateError } from './template-error.js';

export function render(source: string, data: unknown = {}, options: TemplateOptions = {}): string {
  return executeTemplate(source, data, { name: 't', ...options });
}

/** The TemplateError a render throws (fails the test when it renders). */
export function renderError(source: string, data: unknown = {}, options: TemplateOptions = {}): TemplateError {
  try {
    const out = render(source, data, options);
    throw new Error(`expected an error, rendered ${JSON.stringify(out)}`);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
}

export interface Case {
  readonly src: string;
  readonly want: string;
  readonly data?: unknown;
  readonly options?: TemplateOptions;
}
