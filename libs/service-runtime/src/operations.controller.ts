import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PublicRoute } from '@harbor/auth';
import { isReady, ServiceHealth } from './service-health';

/**
 * Probes for Kubernetes; nothing here can identify anyone. Prometheus metrics are not on this port at all
 * (MetricsServer, METRICS_PORT).
 */
@Controller()
export class OperationsController {
  constructor(private readonly health: ServiceHealth) {}

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
}
