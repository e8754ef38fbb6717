import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { HttpsInProduction, NotDevelopmentDefaultInProduction, ServiceEnv, toBoolean, IntSetting, toList } from '@harbor/config';
import { IsSourceSystemRegistry, parseSourceSystems, SourceSystemSetting } from './source-auth/source-system.setting';
import { HARM_LEVELS, HarmLevel, INCIDENT_CATEGORIES, IncidentCategory, LAWSUIT_KINDS, LawsuitKind, PROFESSION_GROUPS, ProfessionGroup } from '@harbor/contracts';

export class IntakeEnv extends ServiceEnv {
  override HTTP_PORT = 3001;
  override METRICS_PORT = 9101;

  /** Largest accepted request body on the HTTP routes; larger ones answer 413. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 256kb or 1mb' })
  INTAKE_BODY_LIMIT = '256kb';

  /** Incidents at or above this harm level lead to outreach; below it (e.g. near misses) they are recorded only. */
  @IsIn(HARM_LEVELS)
  INTAKE_MIN_HARM_LEVEL: HarmLevel = 'mild';

  /** Incident categories that lead to outreach (comma-separated); others are recorded only. Default: all. */
  @Transform(toList)
  @IsIn(INCIDENT_CATEGORIES, { each: true })
  INTAKE_OUTREACH_CATEGORIES: IncidentCategory[] = [...INCIDENT_CATEGORIES];

  /** Claim-notice kinds that lead to outreach (comma-separated). Default: all four, whatever the harm. */
  @Transform(toList)
  @IsIn(LAWSUIT_KINDS, { each: true })
  INTAKE_LAWSUIT_KINDS: LawsuitKind[] = [...LAWSUIT_KINDS];

  /**
   * Who the program serves: `all`, or a comma-separated list of profession groups (e.g. `physician`). Intake
   * applies it only when a trigger states the clinician's profession; matching applies it from the directory.
   */
  @Transform(toList)
  @IsIn(['all', ...PROFESSION_GROUPS], { each: true })
  INTAKE_SERVED_PROFESSIONS: (ProfessionGroup | 'all')[] = ['all'];

  /** Whether the person who recorded a FHIR AdverseEvent (`recorder`) is offered support too. */
  @Transform(toBoolean)
  @IsBoolean()
  INTAKE_INCLUDE_RECORDERS = false;

  /**
   * A clinician who was sent a support request less than this many hours ago is not paged again: the new
   * trigger is recorded and absorbed by the open case. 0 turns absorption off. Self-referrals are never absorbed.
   */
  @IntSetting(0, 24 * 365)
  INTAKE_COOLDOWN_HOURS = 72;

  /**
   * Days a trigger keeps the clinicians it named (identifiers and decisions) after it last changed; then they are
   * deleted and a late update of that trigger asks nobody. Never shorter than the cooldown, which reads them.
   */
  @IntSetting(1, 3650)
  INTAKE_TRIGGER_RETENTION_DAYS = 30;

  /** Days an open triage item waits for staff; then it is dismissed and what it said about the person erased. */
  @IntSetting(1, 3650)
  INTAKE_TRIAGE_RETENTION_DAYS = 30;

  /** Identifier system given to a bare FHIR `Practitioner/<id>` reference, so the clinician directory can resolve it. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  INTAKE_FHIR_REFERENCE_SYSTEM = 'urn:harbor:fhir:Practitioner';

  /** `source` of a FHIR AdverseEvent whose meta.source is empty (with its identifier or id, the dedupe key). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  INTAKE_FHIR_DEFAULT_SOURCE = 'fhir';

  /** Facility recorded for a FHIR AdverseEvent whose location carries no id. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  INTAKE_FHIR_DEFAULT_FACILITY = 'unspecified';

  /** Harm assumed for an actual FHIR AdverseEvent that states no seriousness, severity or outcome. */
  @IsIn(HARM_LEVELS)
  INTAKE_FHIR_DEFAULT_HARM_LEVEL: HarmLevel = 'mild';

  /**
   * The systems allowed to submit triggers over HTTP, as a JSON array of `{ id, sources?, hmacSecrets? }`
   * (mount it from a secret with INTAKE_SOURCE_SYSTEMS_FILE). Empty = open, for development only.
   */
  @Transform(parseSourceSystems)
  @IsArray({ message: 'must be a JSON array of source systems, e.g. [{"id":"rl-datix","hmacSecrets":["<32+ characters>"]}]' })
  @ValidateNested({ each: true })
  @IsSourceSystemRegistry()
  INTAKE_SOURCE_SYSTEMS: SourceSystemSetting[] = [];

  /** How far a signed request's X-Harbor-Timestamp may be from the server's clock; older requests are refused. */
  @IntSetting(30, 3600)
  INTAKE_SIGNATURE_TOLERANCE_SECONDS = 300;

  /**
   * The public self-referral page (`/refer`): at most this many form posts per client address per window
   * (INTAKE_REFER_RATE_WINDOW_SECONDS); more answer 429 with when to retry. Counted per replica.
   */
  @IntSetting(1, 10_000)
  INTAKE_REFER_RATE_LIMIT = 20;

  @IntSetting(1, 86_400)
  INTAKE_REFER_RATE_WINDOW_SECONDS = 600;

  /**
   * A request header that carries the client's address, set (overwritten) by the reverse proxy in front of
   * intake, e.g. `x-real-ip`. Empty: the connection's address, which behind a proxy is the proxy's.
   */
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/i, { message: 'must be a header name such as x-real-ip' })
  INTAKE_REFER_CLIENT_IP_HEADER?: string;

  /**
   * Key of the self-referral form's anti-forgery token (at least 32 characters; mount it with
   * INTAKE_FORM_SECRET_FILE), the same on every replica. Required in production. Unset in development: derived from
   * DATABASE_URL, which every replica shares. The same-origin checks and the SameSite=Strict cookie carry the
   * defence; the key binds each token to its cookie and its time.
   */
  @ValidateIf((env: IntakeEnv) => env.INTAKE_FORM_SECRET !== undefined || env.HARBOR_ENV === 'production')
  @MinLength(32, { message: 'must be at least 32 characters, and is required in production: the self-referral form\'s anti-forgery key (e.g. `openssl rand -base64 48`)' })
  @NotDevelopmentDefaultInProduction()
  INTAKE_FORM_SECRET?: string;

  /** Identifier system of the staff id a self-referral gives, as the clinician directory holds it. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  INTAKE_STAFF_ID_SYSTEM = 'urn:hospital:employee';

  /** Facility recorded for a referral from the public page (it picks the matching program). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  INTAKE_REFER_FACILITY = 'unspecified';

  /** The external line the page names for urgent need (a number to call, shown as given). */
  @IsString()
  @Matches(/^[0-9A-Za-z +().-]{3,40}$/, { message: 'must be a phone number such as 1-888-409-0141' })
  INTAKE_URGENT_LINE = '1-888-409-0141';

  /**
   * The program's name as posters and badge cards print it. The PDFs use the standard PDF fonts, which cover
   * Western European letters only, hence the character set.
   */
  @Matches(/^(?=.*[^\s\u00A0])[\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2018\u2019\u201C\u201D]{2,60}$/, {
    message: 'must be 2–60 characters of Western European text (the PDFs\' standard fonts), e.g. RISE Peer Support',
  })
  INTAKE_PROGRAM_NAME = 'Peer support';

  /**
   * Where staff reach intake's public pages: the QR code on posters and badge cards leads to `<this>/refer`.
   * https in production: the page takes a colleague's name and contact.
   */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an absolute http(s) URL such as https://harbor.hospital.example' })
  @Matches(/^[^?#]*$/, { message: 'must not carry a query or fragment' })
  @HttpsInProduction('posters send staff to the self-referral page, which takes names and contacts')
  INTAKE_PUBLIC_BASE_URL = 'http://127.0.0.1:3001';

  /** Paper of the printable poster (`GET /refer/poster.pdf`): `letter` or `a4`. */
  @IsIn(['letter', 'a4'])
  INTAKE_POSTER_PAPER: 'letter' | 'a4' = 'letter';
}
