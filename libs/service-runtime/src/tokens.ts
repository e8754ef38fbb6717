/** Injection tokens for what the runtime provides to an app's feature modules. */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const LOGGER = Symbol('LOGGER');
