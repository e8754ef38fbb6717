import { Injectable } from '@nestjs/common';
import { CaseFactStore } from '../facts/case-fact-store';
import { supporterKey } from '../facts/case-key';
import { PseudonymKey } from '../reporting.settings';

export interface SupporterRecognition {
  supporterId: string;
  colleaguesReached: number;
  casesAccepted: number;
}

/**
 * The director names the supporters (from the roster); each id is hashed with the configured key and the facts
 * carrying that key are counted. No mapping from keys back to ids is stored anywhere in reporting.
 */
@Injectable()
export class RecogniseSupporters {
  constructor(
    private readonly facts: CaseFactStore,
    private readonly key: PseudonymKey,
  ) {}

  async execute(supporterIds: string[], year: number | null): Promise<SupporterRecognition[]> {
    const ids = [...new Set(supporterIds)];
    const keys = ids.map((id) => supporterKey(this.key.secret, id));
    const counts = await this.facts.countsBySupporter(keys, year);
    return ids.map((supporterId, i) => ({
      supporterId,
      colleaguesReached: counts.get(keys[i])?.reached ?? 0,
      casesAccepted: counts.get(keys[i])?.accepted ?? 0,
    }));
  }
}
