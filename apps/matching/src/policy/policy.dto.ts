import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEPARTMENT_RULES, DepartmentRule, LANGUAGE_RULES, LanguageRule, PROFESSION_RULES, ProfessionRule } from './policy';

/** A program's overrides of the environment defaults; fields left out keep the default. */
export class PutPolicyDto {
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'program may contain only letters, digits, ".", "_" and "-"' })
  program = 'default';

  /** Facilities this program serves; cases from them use this policy and this program's supporters. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  facilities?: string[];

  @IsOptional()
  @IsIn(DEPARTMENT_RULES)
  departmentRule?: DepartmentRule;

  @IsOptional()
  @IsIn(PROFESSION_RULES)
  professionRule?: ProfessionRule;

  @IsOptional()
  @IsIn(LANGUAGE_RULES)
  languageRule?: LanguageRule;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  ackTimeoutSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(604_800)
  overallDeadlineSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxOffers?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(31_536_000, { each: true })
  followUpSeconds?: number[];

  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, { message: 'fallbackResource may contain only letters, digits, ".", "_", ":" and "-"' })
  fallbackResource?: string;

  /** Hours a supporter is not offered cases after accepting one from a death or severe-harm event; 0 = no rest. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(720)
  restAfterSevereHours?: number;

  /** Cases a supporter may take per calendar month (UTC); 0 = no cap. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  monthlyCaseCap?: number;

  /** Clinicians of one unit named by one event from which the coordinator is offered a group debrief for the unit. */
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(50)
  groupDebriefMinClinicians?: number;
}
