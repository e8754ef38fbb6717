import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength,
  ValidateIf, ValidateNested,
} from 'class-validator';
import { IdentifierV1 } from '@harbor/contracts';

export class UpsertClinicianDto {
  /** Harbor's id for the clinician; omitted on first import, when one is assigned. */
  @IsOptional()
  @IsUUID()
  id?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => IdentifierV1)
  identifiers: IdentifierV1[];

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  profession: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  facility?: string;

  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 form, e.g. +15551234567' })
  phone?: string;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsBoolean()
  optedOut?: boolean;

  /** Languages the clinician prefers for a support conversation (ISO 639 codes, e.g. "en", "es"). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(/^[a-z]{2,3}$/, { each: true, message: 'each language must be a lower-case ISO 639 code, e.g. "en"' })
  languages?: string[];
}

/**
 * A row of a bulk import: as the single upsert, except that `profession` may be null when the source says
 * nothing about it (a FHIR Practitioner with neither role nor qualification). The clinician is then kept with
 * profession unknown (docs/matching.md, "Bulk import"); an empty profession is still refused.
 */
export class ImportedClinicianDto extends UpsertClinicianDto {
  @ValidateIf((_object, value) => value !== null)
  declare profession: string;
}
