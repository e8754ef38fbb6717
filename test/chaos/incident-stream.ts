import { Kafka, logLevel, Producer } from 'kafkajs';

/** One incident the runner produced: its own clinician, and when the broker took it. */
export interface ProducedIncident {
  /** `CH-<n>` for the stream, `CP-<n>` for a fault's probe. */
  clinician: string;
  kind: 'stream' | 'probe';
  producedAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The source system: native incidents on incidents.reported.v1, each naming its own clinician, at a steady
 * rate. A send the broker does not take (it is restarting) is retried until it is, as a source system's
 * integration engine would; a retried send may land twice, which intake must absorb.
 */
export class IncidentStream {
  readonly produced: ProducedIncident[] = [];
  private producer?: Producer;
  private streamed = 0;
  private probes = 0;
  private paused = false;
  private stopped = false;
  private running?: Promise<void>;

  constructor(
    private readonly brokers: string,
    private readonly topic: string,
  ) {}

  async connect(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'harbor-chaos-source', brokers: [this.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 5000,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
    });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  get streamedCount(): number {
    return this.streamed;
  }

  /** Produces at `ratePerSecond` until stop(); at least `minimum` incidents in all. */
  start(ratePerSecond: number): void {
    this.running = (async () => {
      const interval = 1000 / ratePerSecond;
      let next = Date.now();
      while (!this.stopped) {
        if (this.paused) {
          await sleep(100);
          next = Date.now();
          continue;
        }
        next += interval;
        await this.send(`CH-${this.streamed}`, 'stream');
        this.streamed++;
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
      }
    })();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Stops the stream once at least `minimum` incidents were produced. */
  async stopAfter(minimum: number): Promise<void> {
    while (this.streamed < minimum) await sleep(200);
    this.stopped = true;
    await this.running;
  }

  /** One incident for its own clinician, produced now: the fault's probe of whether the pipeline moves. */
  async probe(): Promise<string> {
    const clinician = `CP-${this.probes++}`;
    await this.send(clinician, 'probe');
    return clinician;
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async send(clinician: string, kind: ProducedIncident['kind']): Promise<void> {
    const at = new Date().toISOString();
    const value = JSON.stringify({
      source: 'chaos', sourceEventId: `chaos-${clinician}`, occurredAt: at, reportedAt: at, category: 'medication-error', harmLevel: 'severe',
      facility: 'chaos-general', involvedClinicians: [{ identifier: { system: 'urn:harbor:chaos', value: clinician } }],
    });
    for (;;) {
      try {
        await this.producer!.send({ topic: this.topic, acks: -1, messages: [{ key: `chaos|${clinician}`, value }] });
        this.produced.push({ clinician, kind, producedAt: Date.now() });
        return;
      } catch {
        await sleep(250);
      }
    }
  }
}
