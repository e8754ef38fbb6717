import { Controller, Get, INestApplication, Injectable } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PublicRoute } from '@harbor/auth';

/**
 * What @nestjs/swagger's CLI plugin learned from a service's DTOs and controllers, generated into
 * apps/<service>/src/openapi-metadata.ts by `npm run openapi:metadata` (the build itself stays plain tsc).
 */
export type OpenApiMetadataLoader = () => Promise<{ default: () => Promise<Record<string, unknown>> }>;

/** The service's OpenAPI document, built once from the running app's routes and DTOs. */
@Injectable()
export class ApiDocument {
  private document?: OpenAPIObject;

  async build(app: INestApplication, service: string, version: string, metadata?: OpenApiMetadataLoader): Promise<void> {
    if (metadata) await SwaggerModule.loadPluginMetadata((await metadata()).default);
    const config = new DocumentBuilder()
      .setTitle(`Harbor ${service}`)
      .setDescription(`The ${service} service's HTTP API. Roles per route: docs/security.md; errors are RFC 9457 problem+json.`)
      .setVersion(version)
      .addBearerAuth()
      .build();
    this.document = SwaggerModule.createDocument(app, config);
  }

  get current(): OpenAPIObject | undefined {
    return this.document;
  }
}

/** GET /openapi.json: how to call the API, for integrators; it describes routes and bodies and holds no data. */
@Controller()
export class ApiDocumentController {
  constructor(private readonly document: ApiDocument) {}

  @Get('openapi.json')
  @PublicRoute('describes the API, holds no data')
  describe() {
    return this.document.current ?? {};
  }
}
