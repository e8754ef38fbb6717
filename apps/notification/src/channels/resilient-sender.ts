import CircuitBreaker from 'opossum';
import { Inject, Injectable } from '@nestjs/common';
import { ChannelKind } from '@harbor/contracts';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { ChannelFailedError, PageReceipt } from './page-channel';

export interface BreakerSettings {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeout: number;
}

/**
 * One circuit breaker per provider. Only failures that say something about the provider (5xx, 429,
 * timeouts, network errors) count; a rejected request (4xx, no address, not configured) does not. While a
 * breaker is open, sends fail at once with `circuit-open`, which moves the page to the next channel.
 */
export class ProviderBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<PageReceipt>], PageReceipt>>();

  constructor(private readonly settings: BreakerSettings) {}

  async call(provider: ChannelKind, send: () => Promise<PageReceipt>): Promise<PageReceipt> {
    if (provider === 'console') return send();
    try {
      return await this.breaker(provider).fire(send);
    } catch (error) {
      if (error instanceof ChannelFailedError) throw error;
      if ((error as { code?: string }).code === 'EOPENBREAKER') throw new ChannelFailedError(provider, 'circuit-open', false);
      throw new ChannelFailedError(provider, `error-${(error as Error).name}`.slice(0, 60));
    }
  }

  isOpen(provider: ChannelKind): boolean {
    return this.breakers.get(provider)?.opened ?? false;
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  private breaker(provider: string) {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker((send: () => Promise<PageReceipt>) => send(), {
        timeout: false, // each channel enforces NOTIFY_PROVIDER_TIMEOUT_MS itself
        errorThresholdPercentage: this.settings.errorThresholdPercentage,
        volumeThreshold: this.settings.volumeThreshold,
        resetTimeout: this.settings.resetTimeout,
        rollingCountTimeout: 10_000,
        errorFilter: (error: unknown) => error instanceof ChannelFailedError && !error.retryable,
        name: provider,
      });
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }
}

@Injectable()
export class ResilientSender extends ProviderBreakers {
  constructor(@Inject(SERVICE_ENV) env: NotificationEnv) {
    super({ errorThresholdPercentage: env.NOTIFY_BREAKER_ERROR_PERCENT, volumeThreshold: env.NOTIFY_BREAKER_VOLUME, resetTimeout: env.NOTIFY_BREAKER_RESET_MS });
  }
}
