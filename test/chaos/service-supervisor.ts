import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';

export type ChaosService = 'intake' | 'matching' | 'notification' | 'reporting';
export const CHAOS_SERVICES: readonly ChaosService[] = ['intake', 'matching', 'notification', 'reporting'];

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  /** Set when the runner itself killed it (a fault), so the exit is not an unplanned one. */
  killedOnPurpose: boolean;
}

/**
 * The four services as separate OS processes from the compiled dist/ tree, the way `npm start` runs them,
 * restarted at once when they exit (as Kubernetes would): by the runner's own kill -9, or on their own (a
 * crashed consumer exits the process). Output goes to one log file per service.
 */
export class ServiceSupervisor {
  /** Exits the runner did not cause, per service: each is restarted, and reported. */
  readonly unplannedExits = new Map<ChaosService, number>();
  private readonly running = new Map<ChaosService, Running>();
  private readonly logs = new Map<ChaosService, WriteStream>();
  private stopping = false;

  constructor(
    private readonly distDir: string,
    private readonly logDir: string,
    private readonly ports: Record<ChaosService, { http: number; metrics: number }>,
    private readonly env: (service: ChaosService) => Record<string, string>,
  ) {}

  url(service: ChaosService): string {
    return `http://127.0.0.1:${this.ports[service].http}`;
  }

  start(service: ChaosService): void {
    let log = this.logs.get(service);
    if (!log) {
      log = createWriteStream(join(this.logDir, `${service}.log`), { flags: 'a' });
      this.logs.set(service, log);
    }
    const child = spawn(process.execPath, ['-r', join(this.distDir, '..', 'scripts', 'register-paths.js'), join(this.distDir, 'apps', service, 'src', 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HARBOR_DIST_DIR: this.distDir,
        ...this.env(service),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(this.ports[service].http),
        METRICS_PORT: String(this.ports[service].metrics),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    log.write(`--- started pid ${child.pid} at ${new Date().toISOString()}\n`);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const entry: Running = { child, killedOnPurpose: false, exited: undefined as unknown as Promise<void> };
    entry.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        log.write(`--- pid ${child.pid} exited (${signal ?? code}) at ${new Date().toISOString()}\n`);
        if (!entry.killedOnPurpose && !this.stopping) {
          this.unplannedExits.set(service, (this.unplannedExits.get(service) ?? 0) + 1);
          if (this.running.get(service) === entry) setTimeout(() => !this.stopping && this.start(service), 500);
        }
        resolve();
      }),
    );
    this.running.set(service, entry);
  }

  /** kill -9 and wait until the process is gone: no shutdown hooks, nothing flushed, the group member left dead. */
  async crash(service: ChaosService): Promise<void> {
    const entry = this.running.get(service);
    if (!entry) return;
    entry.killedOnPurpose = true;
    entry.child.kill('SIGKILL');
    await entry.exited;
  }

  /** Whether the HTTP port answers at all (the readiness route, whatever its status). */
  async portOpen(service: ChaosService): Promise<boolean> {
    return fetch(`${this.url(service)}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false);
  }

  async ready(service: ChaosService): Promise<boolean> {
    return fetch(`${this.url(service)}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.running.values()].map(async (entry) => {
        if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
        entry.killedOnPurpose = true;
        entry.child.kill('SIGTERM');
        const timer = setTimeout(() => entry.child.kill('SIGKILL'), 20_000);
        await entry.exited;
        clearTimeout(timer);
      }),
    );
    await Promise.all([...this.logs.values()].map((log) => new Promise((resolve) => log.end(resolve))));
  }
}
