import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IdentifierV1, PROFESSION_GROUPS, ProfessionGroup } from '@harbor/contracts';

export const REFERRAL_KINDS = ['self', 'colleague', 'manager'] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

/**
 * A request for peer support for one clinician: by the clinician themself or by a colleague or manager.
 * There is deliberately no free-text field; unknown fields are refused (422) rather than silently kept.
 */
export class ReferralDto {
  @IsIn(REFERRAL_KINDS)
  referredBy: ReferralKind;

  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierV1)
  clinician: IdentifierV1;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  facility: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;

  @IsOptional()
  @IsIn(PROFESSION_GROUPS)
  profession?: ProfessionGroup;

  /** The referring system's own id: a retried POST with the same id is recorded once. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  referralId?: string;
}
