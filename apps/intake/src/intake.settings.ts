import { createHmac } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import { byteSize, settingsModule } from '@harbor/service-runtime';
import { AdverseEventOptions } from './fhir/adverse-event.mapper';
import { IntakeEnv } from './intake.env';
import { SourceRegistry } from './source-auth/source-registry';
import { TriggerPolicy } from './triggers/outreach-policy';

export function triggerPolicyFrom(env: IntakeEnv): TriggerPolicy {
  return {
    minHarmLevel: env.INTAKE_MIN_HARM_LEVEL,
    outreachCategories: env.INTAKE_OUTREACH_CATEGORIES,
    lawsuitKinds: env.INTAKE_LAWSUIT_KINDS,
    servedProfessions: env.INTAKE_SERVED_PROFESSIONS,
  };
}

export function adverseEventOptionsFrom(env: IntakeEnv): AdverseEventOptions {
  return {
    referenceSystem: env.INTAKE_FHIR_REFERENCE_SYSTEM,
    includeRecorders: env.INTAKE_INCLUDE_RECORDERS,
    defaultSource: env.INTAKE_FHIR_DEFAULT_SOURCE,
    defaultFacility: env.INTAKE_FHIR_DEFAULT_FACILITY,
    defaultHarmLevel: env.INTAKE_FHIR_DEFAULT_HARM_LEVEL,
  };
}

/** Who is offered support for which triggers, and how long a clinician is not asked again. */
export class OutreachSettings {
  constructor(
    readonly policy: TriggerPolicy,
    readonly cooldownHours: number,
  ) {}
}

/** How a FHIR AdverseEvent becomes a trigger (reference system, defaults for what a source leaves out). */
export class FhirMapping {
  constructor(readonly options: AdverseEventOptions) {}
}

/** How long intake keeps what identifies people: a trigger's clinicians, and an open triage item. */
export class IntakeRetention {
  readonly triggerDays: number;

  constructor(
    triggerDays: number,
    cooldownHours: number,
    readonly triageDays: number,
  ) {
    // The cooldown reads the clinicians of recent triggers: they are kept at least that long.
    this.triggerDays = Math.max(triggerDays, Math.ceil(cooldownHours / 24));
  }
}

/** The largest body intake's own routes take. */
export class IntakeLimits {
  constructor(readonly bodyBytes: number) {}
}

/** How far a signed request's timestamp may be from the server's clock. */
export class SignedRequestSettings {
  constructor(readonly toleranceSeconds: number) {}
}

/** The public self-referral page: rate limit, form key, where its referrals go and what it tells the person. */
export class SelfReferralSettings {
  constructor(
    readonly rateLimit: number,
    readonly rateWindowSeconds: number,
    readonly clientIpHeader: string | undefined,
    /** The anti-forgery token's key (INTAKE_FORM_SECRET; in development, unset: derived from DATABASE_URL). */
    readonly formSecret: string,
    readonly staffIdSystem: string,
    readonly facility: string,
    readonly urgentLine: string,
    /** INTAKE_PROGRAM_NAME: the pages' titles name the program, as its posters do. */
    readonly programName: string,
    /** Cookies marked Secure (production: served over HTTPS only). */
    readonly secureCookies: boolean,
  ) {}

  static from(env: IntakeEnv): SelfReferralSettings {
    return new SelfReferralSettings(
      env.INTAKE_REFER_RATE_LIMIT,
      env.INTAKE_REFER_RATE_WINDOW_SECONDS,
      env.INTAKE_REFER_CLIENT_IP_HEADER?.toLowerCase(),
      // Unset (development only; production requires it): derived from what every replica shares, so a form served by one replica posts to another.
      env.INTAKE_FORM_SECRET ?? createHmac('sha256', 'harbor-self-referral-form-key').update(env.DATABASE_URL).digest('base64url'),
      env.INTAKE_STAFF_ID_SYSTEM,
      env.INTAKE_REFER_FACILITY,
      env.INTAKE_URGENT_LINE,
      env.INTAKE_PROGRAM_NAME.trim(),
      env.HARBOR_ENV === 'production',
    );
  }
}

/** What the printable poster and badge card say: the program's name, where the QR code leads, the urgent line. */
export class OutreachMaterialSettings {
  constructor(
    readonly programName: string,
    /** `<INTAKE_PUBLIC_BASE_URL>/refer`: the self-referral page. */
    readonly referUrl: string,
    readonly urgentLine: string,
    readonly posterPaper: 'letter' | 'a4',
  ) {}

  static from(env: IntakeEnv): OutreachMaterialSettings {
    return new OutreachMaterialSettings(env.INTAKE_PROGRAM_NAME.trim(), `${env.INTAKE_PUBLIC_BASE_URL.replace(/\/+$/, '')}/refer`, env.INTAKE_URGENT_LINE, env.INTAKE_POSTER_PAPER);
  }
}

/**
 * Turns intake's settings into one typed object per feature, so a feature holds only what it uses and no
 * feature reads INTAKE_* names.
 */
@Module({})
export class IntakeSettingsModule {
  static forRoot(env: IntakeEnv): DynamicModule {
    return settingsModule(IntakeSettingsModule, [
      new OutreachSettings(triggerPolicyFrom(env), env.INTAKE_COOLDOWN_HOURS),
      new FhirMapping(adverseEventOptionsFrom(env)),
      new IntakeLimits(byteSize(env.INTAKE_BODY_LIMIT)),
      new SignedRequestSettings(env.INTAKE_SIGNATURE_TOLERANCE_SECONDS),
      new SourceRegistry(env.INTAKE_SOURCE_SYSTEMS),
      new IntakeRetention(env.INTAKE_TRIGGER_RETENTION_DAYS, env.INTAKE_COOLDOWN_HOURS, env.INTAKE_TRIAGE_RETENTION_DAYS),
      SelfReferralSettings.from(env),
      OutreachMaterialSettings.from(env),
    ]);
  }
}
