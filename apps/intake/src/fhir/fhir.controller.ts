import { Body, Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { BodyLimitGuard, FHIR_XML_TYPES, FhirBodyGuard, isMediaType } from '../http/request-guards';
import { FhirMapping } from '../intake.settings';
import { RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { SourceRegistry } from '../source-auth/source-registry';
import { SubmitTrigger } from '../source-auth/submit-trigger.usecase';
import { FhirVersion, mapAdverseEvent } from './adverse-event.mapper';
import { FhirValidationError } from './fhir-values';
import { fhirXmlToJson } from './fhir-xml';
import { ACCEPTED_OUTCOME } from './operation-outcome';

/**
 * FHIR REST "create" for AdverseEvent. Harbor keeps no copy of the resource (only the trigger it implies),
 * so it answers 202 with an OperationOutcome saying it was accepted (and nothing of what was decided, see
 * `ACCEPTED`), not 201 with a Location to read back.
 * Errors are OperationOutcomes too (`fhirProblemRenderer`, registered for /fhir/ in IntakeModule). FHIR XML
 * is converted to FHIR JSON first (`fhirXmlToJson`); answers are FHIR JSON whatever the request's format.
 */
@Controller('fhir')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, FhirBodyGuard)
export class FhirController {
  constructor(
    private readonly submitTrigger: SubmitTrigger,
    private readonly fhir: FhirMapping,
    private readonly sources: SourceRegistry,
  ) {}

  @Post('AdverseEvent')
  @HttpCode(202)
  @Header('content-type', 'application/fhir+json; charset=utf-8')
  @Roles(Role.SourceSystem)
  async create(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const contentType = request.headers['content-type'];
    const version = fhirVersionOf(contentType);
    let trigger;
    try {
      const resource = isMediaType(contentType, FHIR_XML_TYPES) ? fhirXmlToJson(typeof body === 'string' ? body : '', { version }) : body;
      trigger = mapAdverseEvent(resource, this.mappingOptionsFor(request), version);
    } catch (error) {
      if (error instanceof FhirValidationError) throw invalidResource(error);
      throw error;
    }
    await this.submitTrigger.execute(request.principal, trigger);
    return ACCEPTED_OUTCOME;
  }

  /** With registered source systems, a resource without meta.source is the caller's own. */
  private mappingOptionsFor(request: AuthenticatedRequest) {
    const options = this.fhir.options;
    const caller = request.principal?.subject;
    return caller ? { ...options, defaultSource: this.sources.defaultSourceFor(caller, options.defaultSource) } : options;
  }
}

/** A document that is not well-formed XML is a 400 like malformed JSON; a resource FHIR does not allow is a 422. */
function invalidResource(error: FhirValidationError): InvalidRequestException {
  const unreadable = error.problems.every((problem) => problem.field === 'xml');
  return unreadable
    ? new InvalidRequestException(error.problems, 400, 'The request body is not a readable FHIR XML document')
    : new InvalidRequestException(error.problems);
}

/** `application/fhir+json; fhirVersion=4.0` pins the version; otherwise it is read from the resource. */
function fhirVersionOf(contentType: string | undefined): FhirVersion | undefined {
  const version = /fhirVersion=([\d.]+)/i.exec(contentType ?? '')?.[1];
  if (version?.startsWith('4.')) return 'R4';
  if (version?.startsWith('5.')) return 'R5';
  return undefined;
}
