import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PublicRoute } from '@harbor/auth';
import { ServiceMetrics } from '@harbor/observability';
import { isReady, ServiceHealth } from './service-health';

/** Probes for Kubernetes and the Prometheus scrape; nothing here can identify anyone. */
@Controller()
export class OperationsController {
  constructor(
    private readonly health: ServiceHealth,
    private readonly metrics: ServiceMetrics,
  ) {}

  @Get('health/live')
  @PublicRoute('liveness probe')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @PublicRoute('readiness probe')
  async ready(@Res({ passthrough: true }) response: Response) {
    const checks = await this.health.checks();
    const ready = isReady(checks);
    // 503 is the probe's answer, not an error: no problem document, nothing logged per poll.
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', checks };
  }

  @Get('metrics')
  @PublicRoute('Prometheus scrape: operational counters only')
  @Header('content-type', 'text/plain; version=0.0.4')
  async prometheus() {
    return this.metrics.registry.metrics();
  }
}
