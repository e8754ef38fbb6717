import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PublicRoute } from '@harbor/auth';

/**
 * Probes for Kubernetes; nothing here can identify anyone. Prometheus metrics are not on this port at all
 * (MetricsServer, METRICS_PORT).
 */
@Controller()
export class OperationsController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

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
}
