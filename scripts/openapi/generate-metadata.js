// Writes apps/<service>/src/openapi-metadata.ts: what @nestjs/swagger's CLI plugin learns from the DTOs and
// controllers (property types, optionality, class-validator rules, doc comments), as a file each service loads
// with SwaggerModule.loadPluginMetadata. The build stays plain `tsc`; re-run this after changing a DTO or a
// controller (`npm run openapi:metadata`); test/architecture/openapi.test.ts fails while it is stale.
const path = require('node:path');
const ts = require('typescript');
const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');

const REPOSITORY = path.join(__dirname, '..', '..');
const SERVICES = ['intake', 'matching', 'notification', 'reporting'];
const FILENAME = 'openapi-metadata.ts';

function programFor(service) {
  const configPath = path.join(REPOSITORY, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPOSITORY);
  const sourceDir = path.join(REPOSITORY, 'apps', service, 'src');
  const rootNames = parsed.fileNames.filter(
    (file) => file.startsWith(sourceDir + path.sep) && !file.endsWith('.spec.ts') && !path.basename(file).includes('openapi-metadata'),
  );
  return ts.createProgram({ rootNames, options: { ...parsed.options, noEmit: true } });
}

/** Writes the service's metadata beside its source (another filename: to compare with the checked-in one). */
function generate(service, filename = FILENAME) {
  const sourceDir = path.join(REPOSITORY, 'apps', service, 'src');
  new PluginMetadataGenerator().generate({
    visitors: [
      new ReadonlyVisitor({
        pathToSource: sourceDir,
        introspectComments: true,
        classValidatorShim: true,
        dtoFileNameSuffix: ['.dto.ts'],
        controllerFileNameSuffix: ['.controller.ts'],
      }),
    ],
    outputDir: sourceDir,
    filename,
    tsProgramRef: programFor(service),
    printDiagnostics: false,
  });
  return path.join(sourceDir, filename);
}

if (require.main === module) {
  for (const service of SERVICES) {
    const file = generate(service);
    console.log(`wrote ${path.relative(REPOSITORY, file)}`);
  }
}

module.exports = { generate, SERVICES, FILENAME };
