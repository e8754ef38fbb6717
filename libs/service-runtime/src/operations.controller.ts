import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PublicRoute } from '@harbor/auth';
import { ServiceMetrics } from '@harbor/observability';

/** Probes for Kubernetes and the Prometheus scrape; nothing here can identify anyone. */
@Controller()
export class OperationsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly metrics: ServiceMetrics,
  ) {}

  @Get('health/live')
  @PublicRoute('liveness probe')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @PublicRoute('readiness probe')
  async ready() {
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      throw new ServiceUnavailableException('database unavailable');
    }
  }

  @Get('metrics')
  @PublicRoute('Prometheus scrape: operational counters only')
  @Header('content-type', 'text/plain; version=0.0.4')
  async prometheus() {
    return this.metrics.registry.metrics();
  }
}
