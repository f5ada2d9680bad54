/**
 * A Go text/template engine with the Sprig v2.22 text functions, for ACR task files: they are
 * rendered exactly as acb renders them before YAML parsing (see docs/taskfile-templates.md).
 * @module
 */
export { executeTemplate, parseTemplate, type ParsedTemplate, type TemplateOptions } from './template.js';
export { TemplateError } from './template-error.js';
