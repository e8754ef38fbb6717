import { consumerCrashKind } from './kafka-problems';

/** What to do after a consumer crash kafkajs does not restart from. */
export type CrashVerdict = { restart: true; inMs: number; kind: 'outage' | 'no-coordinator' } | { restart: false };

/**
 * kafkajs gives up on a consumer whenever an error is marked non-retriable, and two of those are a broker
 * outage in disguise: a connection reset during the SASL handshake (a broker restarting), and a group coordinator
 * no broker could name because none answered. Giving up on those turned a broker restart into a process restart
 * (and, in Kubernetes, a crash-loop backoff). This policy restarts the consumer after them, with backoff:
 * - a connection failure, and no coordinator while the broker does not answer either: for as long as it lasts
 *   (kafkajs does the same for its retriable errors);
 * - no coordinator from a broker that answers: for `coordinatorGraceMs` after the first such crash since the group
 *   was last joined. kafkajs has already waited for a coordinator being elected (its retries), so this is mostly a
 *   denied group ACL, which must end the process; the grace covers a broker that came back just before the probe.
 * Anything else is not restarted.
 */
export class ConsumerRestartPolicy {
  private crashesInARow = 0;
  private noCoordinatorSince?: number;

  constructor(
    private readonly coordinatorGraceMs = 10_000,
    private readonly maxDelayMs = 5_000,
  ) {}

  /** The group was joined: the next crash starts afresh. */
  joined(): void {
    this.crashesInARow = 0;
    this.noCoordinatorSince = undefined;
  }

  /** Whether a crash of this error needs to know if the broker answers (see afterCrash). */
  static asksWhetherBrokerAnswers(error: unknown): boolean {
    return consumerCrashKind(error) === 'no-coordinator';
  }

  /** `brokerAnswers`: whether the cluster answered a metadata request just after the crash (no coordinator only). */
  afterCrash(error: unknown, now: number, brokerAnswers = true): CrashVerdict {
    const kind = consumerCrashKind(error);
    if (kind === 'other') return { restart: false };
    if (kind === 'no-coordinator' && brokerAnswers) {
      this.noCoordinatorSince ??= now;
      if (now - this.noCoordinatorSince >= this.coordinatorGraceMs) return { restart: false };
    }
    const inMs = Math.min(this.maxDelayMs, 500 * 2 ** this.crashesInARow);
    this.crashesInARow++;
    return { restart: true, inMs, kind: kind === 'no-coordinator' && !brokerAnswers ? 'outage' : kind };
  }
}
