import { SourceSystemSetting } from './source-system.setting';

export interface RegisteredSourceSystem {
  id: string;
  sources: string[];
  hmacSecrets: string[];
}

export type SourceDecision = { allowed: true } | { allowed: false; problem: string };

/**
 * Who may submit triggers for which `source`. Empty (the development default) means open: any caller with
 * the source-system role may submit any source, and nobody can sign requests. Production requires entries.
 */
export class SourceRegistry {
  private readonly systems: Map<string, RegisteredSourceSystem>;

  constructor(settings: SourceSystemSetting[]) {
    this.systems = new Map(settings.map((setting) => [
      setting.id,
      { id: setting.id, sources: setting.sources ?? [setting.id], hmacSecrets: setting.hmacSecrets ?? [] },
    ]));
  }

  get isOpen(): boolean {
    return this.systems.size === 0;
  }

  find(id: string): RegisteredSourceSystem | undefined {
    return this.systems.get(id);
  }

  /** A caller acting as a source system must be registered (unless the registry is open). */
  admits(callerId: string): SourceDecision {
    if (this.isOpen || this.systems.has(callerId)) return { allowed: true };
    return { allowed: false, problem: `caller '${callerId}' is not a registered source system` };
  }

  /** Whether the caller may submit a trigger whose payload names `source`. */
  mayReportFor(callerId: string, source: string): SourceDecision {
    if (this.isOpen) return { allowed: true };
    const system = this.systems.get(callerId);
    if (!system) return this.admits(callerId);
    if (system.sources.includes(source)) return { allowed: true };
    return { allowed: false, problem: `source system '${callerId}' may not submit records for source '${source}'` };
  }

  /** The `source` of a FHIR resource without meta.source: the caller itself when callers are registered. */
  defaultSourceFor(callerId: string, configuredDefault: string): string {
    return this.isOpen ? configuredDefault : (this.systems.get(callerId)?.sources[0] ?? configuredDefault);
  }
}
