/** Injection tokens for what the runtime provides to an app's feature modules. */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const LOGGER = Symbol('LOGGER');
/** The `ProblemRenderer`s a service gives its own paths (none: problem+json everywhere). */
export const PROBLEM_RENDERERS = Symbol('PROBLEM_RENDERERS');
/** Route patterns a service reports under a label of its own (RouteLabels), in metrics and access logs. */
export const ROUTE_LABELS = Symbol('ROUTE_LABELS');
/** Paths whose JSON bodies may hold more values than DEFAULT_MAX_JSON_VALUES (bulk imports), with their limit. */
export const JSON_VALUE_LIMITS = Symbol('JSON_VALUE_LIMITS');
