import CircuitBreaker from 'opossum';
import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ChannelKind } from '@harbor/contracts';
import { ServiceMetrics } from '@harbor/observability';
import { ProviderBreakerSettings } from '../notification.settings';
import { ChannelFailedError, PageReceipt, ProviderUnavailableError } from './page-channel';

export interface BreakerSettings {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeout: number;
  /** How long a page waits while another send is the half-open trial (the trial ends within the provider timeout). */
  trialWaitMs: number;
}

/** Shortest wait handed out, so a breaker about to turn half-open never makes the dispatcher spin. */
const MIN_WAIT_MS = 50;

type Breaker = CircuitBreaker<[() => Promise<PageReceipt>], PageReceipt>;

/**
 * One circuit breaker per provider. Only failures that say something about the provider (5xx, 429,
 * timeouts, network errors) count; a rejected request (4xx, no address, not configured) does not.
 * An open breaker means "this provider is down for now", never "this supporter is unreachable": a send
 * it rejects fails with ProviderUnavailableError, which tells the dispatcher how long to wait. While
 * the single half-open trial is in flight, other sends wait for its outcome too instead of failing.
 */
export class ProviderBreakers {
  private readonly breakers = new Map<ChannelKind, Breaker>();
  private readonly openedAt = new Map<ChannelKind, number>();
  private readonly closeListeners: ((provider: ChannelKind) => void)[] = [];

  constructor(private readonly settings: BreakerSettings) {}

  async call(provider: ChannelKind, send: () => Promise<PageReceipt>): Promise<PageReceipt> {
    if (provider === 'console') return send();
    try {
      return await this.breaker(provider).fire(send);
    } catch (error) {
      if (error instanceof ChannelFailedError) throw error;
      if ((error as { code?: string }).code === 'EOPENBREAKER') throw this.unavailable(provider);
      throw new ChannelFailedError(provider, `error-${(error as Error).name}`.slice(0, 60));
    }
  }

  /**
   * 0 when a send to this provider may be made now (closed, or half-open with the trial slot free);
   * otherwise how long until it may be tried again (the half-open trial, or the trial's outcome).
   */
  unavailableForMs(provider: ChannelKind, now = Date.now()): number {
    const breaker = this.breakers.get(provider);
    if (!breaker || breaker.closed) return 0;
    if (breaker.halfOpen) return breaker.pendingClose ? 0 : Math.max(MIN_WAIT_MS, this.settings.trialWaitMs);
    const trialAt = (this.openedAt.get(provider) ?? now) + this.settings.resetTimeout;
    return Math.max(MIN_WAIT_MS, trialAt - now);
  }

  isOpen(provider: ChannelKind): boolean {
    return this.breakers.get(provider)?.opened ?? false;
  }

  /** Called when a provider's breaker closes again (its trial succeeded), so waiting pages can go at once. */
  onClose(listener: (provider: ChannelKind) => void): void {
    this.closeListeners.push(listener);
  }

  /** 1 while a provider's breaker is open or half-open, 0 when closed; for the circuit gauge. */
  circuitStates(): { provider: ChannelKind; open: number }[] {
    return [...this.breakers.entries()].map(([provider, breaker]) => ({ provider, open: breaker.closed ? 0 : 1 }));
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  private unavailable(provider: ChannelKind): ProviderUnavailableError {
    const breaker = this.breakers.get(provider);
    return new ProviderUnavailableError(provider, breaker?.halfOpen ? 'circuit-half-open' : 'circuit-open', this.unavailableForMs(provider));
  }

  private breaker(provider: ChannelKind): Breaker {
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
      breaker.on('open', () => this.openedAt.set(provider, Date.now()));
      breaker.on('close', () => this.closeListeners.forEach((listener) => listener(provider)));
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }
}

@Injectable()
export class ResilientSender extends ProviderBreakers {
  constructor(settings: ProviderBreakerSettings, metrics: ServiceMetrics) {
    super(settings.breakers);
    const states = () => this.circuitStates();
    new Gauge({
      name: 'harbor_notification_provider_circuit_open',
      help: 'Per provider (channel kind): 1 while its circuit breaker is open or half-open in this process, else 0.',
      labelNames: ['provider'],
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const { provider, open } of states()) this.set({ provider }, open);
      },
    });
  }
}
