import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';
import { ServiceEnv } from '@harbor/config';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER, SERVICE_ENV } from './tokens';

/**
 * Prometheus text on `METRICS_PORT` (on METRICS_HOST, else HTTP_HOST's interface), a listener of its own: the API port has no /metrics route,
 * so publishing the API (an ingress, a source system's network) never publishes the metrics. It answers
 * `GET /metrics` and nothing else, without authentication: the port is for the scraper's network only.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(SERVICE_ENV) private readonly env: ServiceEnv,
    private readonly metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where the scraper reaches this process, once listening (the actual port when METRICS_PORT is 0). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the metrics server is not listening');
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.url?.split('?')[0] !== '/metrics') return response.writeHead(404).end();
      if (request.method !== 'GET' && request.method !== 'HEAD') return response.writeHead(405, { allow: 'GET, HEAD' }).end();
      this.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
        () => response.writeHead(500).end(),
      );
    });
    const { metricsHost: host, METRICS_PORT: port } = this.env;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`METRICS_PORT ${port} on ${host}: ${error.message}`)));
      server.listen(port, host, () => resolve());
    });
    // The API server keeps a running service alive; this listener must not keep alive a process whose app
    // failed to start after it opened (Nest runs no shutdown hook then), nor a test runner.
    server.unref();
    this.server = server;
    this.logger.info({ url: this.url }, 'metrics listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
