import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested,
} from 'class-validator';
import { PROFESSION_GROUPS, ProfessionGroup } from '../vocabulary/case-status';
import { HARM_LEVELS, HarmLevel, INCIDENT_CATEGORIES, IncidentCategory } from '../vocabulary/triggers';
import { IdentifierV1 } from './common';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';
import { RecordShape, keepShape } from '../definition/record-shape';

export class InvolvedClinicianV1 {
  // @ValidateNested alone lets a missing value or an array through; @IsObject makes the field required.
  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierV1)
  identifier: IdentifierV1;

  /** The clinician's part in the event as the source system names it (e.g. "prescriber"); optional. */
  @IsOptional()
  @IsString()
  @MaxLength(60)
  role?: string;

  /**
   * The clinician's profession group when the source knows it (optional, added after v1 shipped). Intake
   * applies the program's "who is served" policy when it is given; matching applies it from the directory.
   */
  @IsOptional()
  @IsIn(PROFESSION_GROUPS)
  profession?: ProfessionGroup;
}

/** The named clinicians as the contracts read them: identifier, role and profession, never a name. */
export const CLINICIANS_SHAPE: RecordShape = [{ identifier: { system: 'text', value: 'text' }, role: 'text', profession: 'text' }];

/**
 * The native incident JSON a hospital's incident-reporting system (or its integration engine) publishes.
 * Free text (narratives, patient details) may be present in what a source sends; it is not part of this
 * contract and is stripped on arrival, never stored or forwarded.
 */
export class IncidentReportedV1 {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  source: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  sourceEventId: string;

  @IsRfc3339()
  occurredAt: string;

  @IsRfc3339()
  reportedAt: string;

  @IsIn(INCIDENT_CATEGORIES)
  category: IncidentCategory;

  @IsIn(HARM_LEVELS)
  harmLevel: HarmLevel;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  facility: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => InvolvedClinicianV1)
  involvedClinicians: InvolvedClinicianV1[];
}

/** Every field of IncidentReportedV1 and nothing else (narratives and patient details stay out of the DLQ). */
const INCIDENT_SHAPE: RecordShape = {
  source: 'text', sourceEventId: 'text', occurredAt: 'text', reportedAt: 'text', category: 'text', harmLevel: 'text',
  facility: 'text', department: 'text', involvedClinicians: CLINICIANS_SHAPE,
};

export const IncidentReported = defineEvent({
  type: 'org.harbor.incident.reported',
  version: 1,
  topic: 'incidents.reported.v1',
  payload: IncidentReportedV1,
  key: (incident) => `${incident.source}|${incident.sourceEventId}`,
  unknownFields: 'strip',
  deadLetterView: (record) => keepShape(record, INCIDENT_SHAPE),
});
