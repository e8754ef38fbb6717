import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { REPO, KubernetesObject } from './manifests';

const SCHEMAS = join(REPO, 'deploy/schemas');
const KUBERNETES = 'kubernetes';
/** Vendored CustomResourceDefinitions: Strimzi's, and the Prometheus Operator's (PodMonitor, PrometheusRule). */
const CRD_FOLDERS = ['strimzi', 'prometheus-operator'];

/**
 * Strict validation of rendered manifests: a field the API does not define is an error, as it is on a server
 * with strict field validation (and silently dropped on a lenient one). Kubernetes kinds are checked against
 * the definitions generated from the official Kubernetes client, Strimzi kinds against Strimzi's own CRDs, and
 * Prometheus Operator kinds against CRDs generated from fabric8's model of its API; all vendored in deploy/schemas (see its README for source and version).
 */
export class ManifestSchemas {
  private readonly ajv = new Ajv({ allErrors: true, validateFormats: false, strictTypes: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const kubernetes = JSON.parse(readFileSync(join(SCHEMAS, 'kubernetes/definitions.json'), 'utf8')) as { kinds: Record<string, string>; definitions: object };
    this.ajv.addSchema({ $id: KUBERNETES, definitions: kubernetes.definitions });
    for (const [apiVersionAndKind, definition] of Object.entries(kubernetes.kinds)) {
      this.validators.set(apiVersionAndKind, this.ajv.compile({ $ref: `${KUBERNETES}#/definitions/${definition}` }));
    }
    for (const folder of CRD_FOLDERS) {
      for (const file of readdirSync(join(SCHEMAS, folder)).filter((name) => name.endsWith('.yaml'))) {
        const crd = parse(readFileSync(join(SCHEMAS, folder, file), 'utf8'));
        for (const version of crd.spec.versions.filter((candidate: { served: boolean }) => candidate.served)) {
          const schema = strictSchema(version.schema.openAPIV3Schema);
          // The API server validates a custom resource's metadata as ObjectMeta and its apiVersion and kind
          // itself, whatever the CRD says (fabric8's generator leaves the three out).
          schema.properties.metadata = { $ref: `${KUBERNETES}#/definitions/V1ObjectMeta` };
          schema.properties.apiVersion ??= { type: 'string' };
          schema.properties.kind ??= { type: 'string' };
          this.validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, this.ajv.compile(schema));
        }
      }
    }
  }

  /** `apiVersion/Kind` of every kind a manifest may use. */
  get kinds(): string[] {
    return [...this.validators.keys()];
  }

  /** Problems with one object, each naming the object and the field; empty when it is valid. */
  problems(object: KubernetesObject): string[] {
    const label = `${object?.kind ?? '?'} ${object?.metadata?.name ?? '?'}`;
    const validate = this.validators.get(`${object?.apiVersion}/${object?.kind}`);
    if (!validate) return [`${label}: no schema for apiVersion ${object?.apiVersion} kind ${object?.kind}`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map((error) => `${label}: ${describe(error)}`);
  }
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') return `${at}: unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  return `${at}: ${error.message}`;
}

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A CRD's structural OpenAPI schema as a strict JSON Schema: objects allow only the fields they name unless
 * the CRD preserves unknown fields there; Kubernetes' int-or-string and nullable become JSON Schema types.
 */
export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'description' || key === 'example' || key === 'nullable') continue;
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, property]) => [name, strictSchema(property)]));
    else if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = strictSchema(value);
    else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') out[key] = (value as Schema[]).map(strictSchema);
    else out[key] = value;
  }
  if (schema['x-kubernetes-int-or-string']) out.type = ['integer', 'string'];
  if (schema.nullable && out.type) out.type = [...[out.type].flat(), 'null'];
  if (out.type === 'object' && out.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}
