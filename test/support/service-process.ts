import { ChildProcess, execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceName } from './harbor-harness';
import { waitFor } from './infrastructure';

const ROOT = resolve(__dirname, '..', '..');
/** The tests' own compiled tree: `npm run build`'s dist/ stays what the developer built. */
const BUILD_DIR = join(ROOT, '.cache', 'test-dist');

let build: Promise<void> | undefined;

/**
 * Compiles the services once per test file (incrementally: a few seconds when little changed) so tests can run
 * them as real processes, the way `npm start` and the container do. Type errors are `npm run typecheck`'s job.
 */
export function buildServices(): Promise<void> {
  build ??= promisify(execFile)(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', BUILD_DIR, '--noCheck', '--incremental', '--tsBuildInfoFile', join(BUILD_DIR, '.tsbuildinfo')],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  ).then(() => undefined);
  return build;
}

export interface ReadinessBody {
  status: string;
  checks: Record<string, string>;
}

/** One service as its own OS process, with its output kept for assertions. */
export class ServiceProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  private constructor(
    readonly service: ServiceName | 'console',
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['-r', join(ROOT, 'scripts', 'register-paths.js'), join(BUILD_DIR, 'apps', service, 'src', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HARBOR_DIST_DIR: BUILD_DIR, ...env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      const lines = chunk.toString().split('\n').filter(Boolean);
      this.output.push(...lines);
      if (process.env.HARBOR_TEST_LOGS === '1') for (const line of lines) process.stdout.write(`[${service}:${this.child.pid}] ${line}\n`);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
  }

  /** Starts the compiled service (see buildServices) on `port`, with `env` as its whole environment. */
  static start(service: ServiceName | 'console', port: number, env: Record<string, string>): ServiceProcess {
    return new ServiceProcess(service, port, env);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process exits, by itself or by a signal. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  containing(needle: string): string[] {
    return this.output.filter((line) => line.includes(needle));
  }

  /** The readiness probe's answer, or undefined while the port is closed. */
  async readiness(): Promise<{ status: number; body: ReadinessBody } | undefined> {
    try {
      const response = await fetch(`${this.url}/health/ready`);
      return { status: response.status, body: (await response.json()) as ReadinessBody };
    } catch {
      return undefined;
    }
  }

  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => (await this.readiness())?.status === 200, `${this.service} to be ready`, timeoutMs);
  }

  /** kill -9: no shutdown hooks, no leaving the consumer group, nothing flushed. */
  async crash(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}
