import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateNested,
} from 'class-validator';
import { REFERRAL_TYPES, ReferralType } from '@harbor/contracts';
import { ENCOUNTER_LIMITS, SAFE_TEXT } from './encounter-content';

const SAFE = { message: '$property must be one line of printable text without < or >' };

export class EncounterResourceDto {
  /** What the encounter records when the supporter offers this resource. */
  @IsIn(REFERRAL_TYPES)
  kind: ReferralType;

  @IsString()
  @MinLength(1)
  @MaxLength(ENCOUNTER_LIMITS.labelLength)
  @Matches(SAFE_TEXT, SAFE)
  label: string;

  /** A number the supporter can pass on, e.g. "+1 888 409 0141". */
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ().-]{2,29}$/, { message: 'phone must be digits, spaces, ( ) . - and an optional leading +' })
  phone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(ENCOUNTER_LIMITS.urlLength)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: true }, { message: 'url must be an https:// URL' })
  url?: string;
}

/** A program's conversation guide and resources; replaces what the program had. No free text is ever recorded from them. */
export class PutEncounterContentDto {
  /** Short prompts, in the order of the conversation. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ENCOUNTER_LIMITS.prompts)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(ENCOUNTER_LIMITS.promptLength, { each: true })
  @Matches(SAFE_TEXT, { each: true, ...SAFE })
  guide: string[];

  /** The resources to offer, one per kind. */
  @IsArray()
  @ArrayMaxSize(ENCOUNTER_LIMITS.resources)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @ArrayUnique((resource: EncounterResourceDto) => resource?.kind, { message: 'resources must name each kind once' })
  @Type(() => EncounterResourceDto)
  resources: EncounterResourceDto[];
}
