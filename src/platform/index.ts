export { Platform, type PlatformEvent, type PlatformOptions } from './platform';
export { Compiler, WatError, type Diagnostic, type CompileResult } from './compiler';
export { ArgumentError } from './args';
export { DeployError, MAX_MODULE_BYTES } from './rules';
export * from './types';
