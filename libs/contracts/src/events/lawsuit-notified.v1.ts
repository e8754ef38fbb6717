import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested,
} from 'class-validator';
import { LAWSUIT_KINDS } from '../vocabulary/triggers';
import { CLINICIANS_SHAPE, InvolvedClinicianV1 } from './incident-reported.v1';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';
import { RecordShape, keepShape } from '../definition/record-shape';

export type LawsuitKind = (typeof LAWSUIT_KINDS)[number];

/**
 * The native claim notice risk management publishes when a clinician is named in a lawsuit, a notice of
 * intent, a deposition or a licensing-board complaint. Claim details (plaintiff, allegations, patient) are
 * not part of this contract and are stripped on arrival, never stored or forwarded.
 */
export class LawsuitNotifiedV1 {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  source: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  noticeId: string;

  @IsRfc3339()
  receivedAt: string;

  @IsIn(LAWSUIT_KINDS)
  kind: LawsuitKind;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => InvolvedClinicianV1)
  namedClinicians: InvolvedClinicianV1[];

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  facility: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;
}

/** Every field of LawsuitNotifiedV1 and nothing else (plaintiff, allegations and patient stay out of the DLQ). */
const NOTICE_SHAPE: RecordShape = {
  source: 'text', noticeId: 'text', receivedAt: 'text', kind: 'text', namedClinicians: CLINICIANS_SHAPE, facility: 'text', department: 'text',
};

export const LawsuitNotified = defineEvent({
  type: 'org.harbor.lawsuit.notified',
  version: 1,
  topic: 'lawsuits.notified.v1',
  payload: LawsuitNotifiedV1,
  key: (notice) => `${notice.source}|${notice.noticeId}`,
  unknownFields: 'strip',
  deadLetterView: (record) => keepShape(record, NOTICE_SHAPE),
});
