import { ConsoleSessions1764000180000 } from './1764000180000-console-sessions';

/** The console schema's migrations, in order (the console has no events, so no messaging tables). */
export const CONSOLE_MIGRATIONS = [ConsoleSessions1764000180000];
