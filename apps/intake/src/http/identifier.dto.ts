import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IdentifierV1, PROFESSION_GROUPS, ProfessionGroup } from '@harbor/contracts';

/** `{ "identifier": { "system": …, "value": … } }`, the shape every route that names one clinician takes. */
export class ClinicianIdentifierDto {
  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierV1)
  identifier: IdentifierV1;
}

export class AssignTriageDto extends ClinicianIdentifierDto {
  @IsOptional()
  @IsIn(PROFESSION_GROUPS)
  profession?: ProfessionGroup;
}
