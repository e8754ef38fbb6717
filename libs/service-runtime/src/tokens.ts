/** Injection tokens for what the runtime provides to an app's feature modules. */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const LOGGER = Symbol('LOGGER');
/** The `ProblemRenderer`s a service gives its own paths (none: problem+json everywhere). */
export const PROBLEM_RENDERERS = Symbol('PROBLEM_RENDERERS');
