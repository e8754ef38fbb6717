import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Attr as XmlAttr, Document as XmlDocument, Element as XmlElement, Node as XmlNode } from '@xmldom/xmldom';
import { detectFhirVersion, FhirVersion } from './adverse-event.mapper';
import { FhirValidationError, Json, ProblemList } from './fhir-values';

/**
 * FHIR XML → FHIR JSON for AdverseEvent (R4 and R5), as a pure function: the resource that a FHIR XML
 * document says, in the JSON form that `mapAdverseEvent` reads. XML alone does not say which elements
 * repeat or which values are booleans and numbers, so the shape comes from the tables below, taken from
 * the published specifications: AdverseEvent, the datatypes it uses, and the resources a clinician is
 * found in when contained (Practitioner, PractitionerRole, Patient). Anything the tables do not know is
 * refused by name, never guessed at or dropped, so a document is either converted exactly or rejected.
 *
 * The XML is parsed by @xmldom/xmldom, which resolves namespaces and reports well-formedness faults
 * (unclosed or mismatched tags, a second root, text outside it, undefined entities, broken attributes);
 * each report is a rejection here, and characters XML does not allow are refused after parsing. Two
 * slips it forgives are kept as the sender evidently meant them: a bare `&` followed by a space, and
 * `]]>` in text. A DOCTYPE is refused before parsing, so no entity is ever declared, expanded or fetched.
 */

export const FHIR_NS = 'http://hl7.org/fhir';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Longest document read, in characters; intake's body limit is far below it. */
export const MAX_XML_LENGTH = 1_048_576;
/** Deepest nesting of FHIR elements (extensions and references can nest without end). */
const MAX_DEPTH = 32;
/** Most problems named in one answer. */
const MAX_PROBLEMS = 20;

export interface FhirXmlOptions {
  /** The FHIR version, when the request says it; otherwise read from the elements, as the mapper does. */
  version?: FhirVersion;
}

/**
 * Converts one FHIR XML AdverseEvent to FHIR JSON. Throws a FhirValidationError naming the field (or
 * `xml` for the document itself) when the XML is not well-formed, declares a DOCTYPE or entities, is not
 * in the FHIR namespace, is not an AdverseEvent, or holds anything the FHIR specification does not put there.
 */
export function fhirXmlToJson(xml: string, options: FhirXmlOptions = {}): unknown {
  const root = documentElementOf(xml);
  const names = childElements(root).map((child) => child.localName ?? '');
  const version = options.version ?? detectFhirVersion(Object.fromEntries(names.map((name) => [name, true])));
  const reader = new Reader(version);
  const resource = reader.resource(root, '', 'AdverseEvent', 0);
  reader.problems.throwIfAny();
  return resource;
}

// ---------------------------------------------------------------------------------------------------
// The document

function reject(field: string, message: string): never {
  throw new FhirValidationError([{ field, message }]);
}

function documentElementOf(xml: string): XmlElement {
  if (typeof xml !== 'string' || xml.trim() === '') reject('xml', 'must be a FHIR XML document');
  if (xml.length > MAX_XML_LENGTH) reject('xml', `must be at most ${MAX_XML_LENGTH} characters`);
  if (xml.startsWith('\uFEFF')) xml = xml.slice(1); // a byte order mark that survived decoding
  // Refused before parsing: no entity can be declared, so none is expanded (billion laughs) or fetched (XXE).
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) reject('xml', 'must not contain a DOCTYPE or entity declarations');

  let document: XmlDocument;
  let position: { lineNumber?: number; columnNumber?: number } | undefined;
  try {
    document = new DOMParser({
      onError: (level, message, context: { locator?: typeof position } | undefined) => {
        // Every report is a fault in the document, except a U+FFFD that the text itself carries.
        if (level === 'warning' && message.startsWith('Unicode replacement character')) return;
        position = context?.locator && { ...context.locator };
        throw new Error(level);
      },
      // XML 1.0 line ends only; xmldom's default also folds U+0085, U+2028 and U+2029 (XML 1.1).
      normalizeLineEndings: (source) => source.replace(/\r\n?/g, '\n'),
    }).parseFromString(xml, 'application/xml');
  } catch {
    // The parser's own words are not repeated: they may quote the document.
    const where = position?.lineNumber ? ` (line ${position.lineNumber}, column ${position.columnNumber})` : '';
    reject('xml', `is not well-formed XML${where}`);
  }
  for (let node = document.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 10) reject('xml', 'must not contain a DOCTYPE or entity declarations');
  }
  if (!onlyXmlCharacters(document)) reject('xml', 'is not well-formed XML: it holds characters that XML does not allow');
  const root = document.documentElement;
  if (!root) reject('xml', 'must be a FHIR XML document');
  if (root.namespaceURI !== FHIR_NS) reject('xml', `the root element must be a FHIR resource in the namespace ${FHIR_NS}`);
  if (root.localName !== 'AdverseEvent') reject('resourceType', `must be AdverseEvent (the root element is ${nameOf(root)})`);
  return root;
}

/**
 * xmldom lets control characters, U+FFFE/U+FFFF and lone surrogates through (literally or as &#0;-style
 * references); XML 1.0 forbids them, so every attribute value, text and comment is checked here.
 */
function onlyXmlCharacters(document: XmlDocument): boolean {
  const stack: XmlNode[] = [document];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === 1) {
      const attributes = (node as XmlElement).attributes;
      for (let index = 0; index < attributes.length; index++) if (!isXmlText(attributes.item(index)!.value)) return false;
    } else if (node.nodeValue !== null && !isXmlText(node.nodeValue)) {
      return false;
    }
    for (let child = node.firstChild; child; child = child.nextSibling) stack.push(child);
  }
  return true;
}

/** True when every character is an XML 1.0 Char: tab, newline, carriage return, U+0020–U+D7FF, U+E000–U+FFFD, paired surrogates. */
function isXmlText(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
    if (code === 0xfffe || code === 0xffff) return false;
    if (code >= 0xdc00 && code <= 0xdfff) return false; // a low surrogate without its high one
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      index++;
    }
  }
  return true;
}

function nameOf(element: XmlElement): string {
  return `<${element.nodeName.slice(0, 64)}>`;
}

function childElements(element: XmlElement): XmlElement[] {
  const children: XmlElement[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) children.push(node as XmlElement);
  return children;
}

function attributesOf(element: XmlElement): XmlAttr[] {
  const attributes: XmlAttr[] = [];
  for (let index = 0; index < element.attributes.length; index++) attributes.push(element.attributes.item(index)!);
  return attributes;
}

// ---------------------------------------------------------------------------------------------------
// The reader

type Group = { name: string; elements: XmlElement[] };
type Extra = Json | null;

class Reader {
  readonly problems = new ProblemList();
  private readonly types: TypeTable;

  constructor(private readonly version: FhirVersion) {
    this.types = version === 'R4' ? R4_TYPES : R5_TYPES;
  }

  /** Records a problem; a document with very many is refused at once rather than listed in full. */
  private problem(field: string, message: string): void {
    this.problems.add(field, message);
    if (this.problems.problems.length >= MAX_PROBLEMS) this.problems.throwIfAny();
  }

  /** A resource: the root, or the one element inside `contained`. */
  resource(element: XmlElement, path: string, type: string, depth: number): Json | undefined {
    const spec = this.types[type];
    const resource: Json = { resourceType: type };
    for (const attribute of attributesOf(element)) {
      if (isNamespaceDeclaration(attribute) || attribute.namespaceURI === XSI_NS) continue;
      this.problem(path || 'resource', `the attribute ${attribute.name} is not FHIR XML`);
    }
    const body = this.elements(element, spec, path, `${type} (${this.version})`, depth);
    return body ? { ...resource, ...body } : undefined;
  }

  /** The child elements of `parent`, each shaped by `spec`; undefined when one of them was refused. */
  private elements(parent: XmlElement, spec: Spec, path: string, label: string, depth: number): Json | undefined {
    if (depth > MAX_DEPTH) {
      this.problem(path, 'is nested too deeply');
      return undefined;
    }
    const before = this.problems.problems.length;
    const groups: Group[] = [];
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3 || node.nodeType === 4) {
        if ((node.nodeValue ?? '').trim() !== '') this.problem(path || 'resource', 'must not hold text: FHIR XML gives values in value attributes');
        continue;
      }
      if (node.nodeType !== 1) continue; // comments and processing instructions say nothing
      const child = node as XmlElement;
      const name = child.localName ?? '';
      const childPath = join(path, name);
      const isNarrative = Object.hasOwn(spec, name) && spec[name] === 'xhtml'; // the div is XHTML, checked by div()
      if (child.namespaceURI !== FHIR_NS && !isNarrative) {
        this.problem(childPath, `must be in the FHIR namespace ${FHIR_NS}`);
        continue;
      }
      if (!Object.hasOwn(spec, name)) {
        this.problem(childPath, this.unknownElementMessage(name, label));
        continue;
      }
      const group = groups.find((candidate) => candidate.name === name);
      if (group) group.elements.push(child);
      else groups.push({ name, elements: [child] });
    }

    const object: Json = {};
    for (const { name, elements } of groups) {
      const [type, many] = parseSpec(spec[name]);
      const childPath = join(path, name);
      if (!many && elements.length > 1) {
        this.problem(childPath, 'must appear at most once');
        continue;
      }
      const pathOf = (index: number) => (many ? `${childPath}[${index}]` : childPath);
      if (PRIMITIVES[type]) {
        const read = elements.map((element, index) => this.primitive(element, type, pathOf(index), depth + 1));
        const values = read.map((entry) => entry?.value ?? null);
        const extras = read.map((entry) => entry?.extra ?? null);
        if (many) {
          if (values.some((value) => value !== null)) object[name] = values;
          if (extras.some((extra) => extra !== null)) object[`_${name}`] = extras;
        } else {
          if (values[0] !== null) object[name] = values[0];
          if (extras[0] !== null) object[`_${name}`] = extras[0];
        }
        continue;
      }
      const converted = elements.map((element, index) => this.value(element, type, pathOf(index), depth + 1));
      if (converted.every((entry) => entry !== undefined)) object[name] = many ? converted : converted[0];
    }
    return this.problems.problems.length > before ? undefined : object;
  }

  private unknownElementMessage(name: string, label: string): string {
    if (label.startsWith('Extension') && UNCONVERTED_VALUE_TYPES.has(name.replace(/^value/, ''))) {
      return 'is an extension value type that is not converted from XML; send this resource as FHIR JSON';
    }
    return `is not an element of ${label}`;
  }

  /** A non-primitive element: a datatype, a backbone element, the narrative's div or a contained resource. */
  private value(element: XmlElement, type: string, path: string, depth: number): unknown {
    if (type === 'xhtml') return this.div(element, path);
    if (type === 'Resource') return this.contained(element, path, depth);

    const spec = this.types[type];
    const object: Json = {};
    const before = this.problems.problems.length;
    for (const attribute of attributesOf(element)) {
      if (isNamespaceDeclaration(attribute)) continue;
      if (!attribute.namespaceURI && attribute.localName === 'id') object.id = attribute.value;
      else if (!attribute.namespaceURI && attribute.localName === 'url' && type === 'Extension') object.url = attribute.value;
      else this.problem(path, `the attribute ${attribute.name} is not FHIR XML for ${type}`);
    }
    if (type === 'Extension' && !object.url) this.problem(`${path}.url`, 'is required');
    const body = this.elements(element, spec, path, type, depth);
    if (!body || this.problems.problems.length > before) return undefined;
    const result = { ...object, ...body };
    if (Object.keys(result).length === 0) {
      this.problem(path, 'must not be empty');
      return undefined;
    }
    return result;
  }

  /** A primitive: its value from the `value` attribute, and `_element` for an id or extensions. */
  private primitive(element: XmlElement, type: string, path: string, depth: number): { value: unknown; extra: Extra } | undefined {
    let raw: string | undefined;
    const extra: Json = {};
    for (const attribute of attributesOf(element)) {
      if (isNamespaceDeclaration(attribute)) continue;
      if (!attribute.namespaceURI && attribute.localName === 'value') raw = attribute.value;
      else if (!attribute.namespaceURI && attribute.localName === 'id') extra.id = attribute.value;
      else this.problem(path, `the attribute ${attribute.name} is not FHIR XML for a ${type}`);
    }
    const extensions = this.elements(element, PRIMITIVE_SPEC, path, `a ${type} (which holds only extensions)`, depth);
    if (!extensions) return undefined;
    if (extensions.extension) extra.extension = extensions.extension;
    if (raw === undefined && Object.keys(extra).length === 0) {
      this.problem(path, 'must have a value attribute or extensions');
      return undefined;
    }
    let value: unknown = null;
    if (raw !== undefined) {
      value = primitiveValue(raw, type);
      if (value === undefined) {
        this.problem(path, `must be a valid FHIR ${type}`);
        return undefined;
      }
    }
    return { value, extra: Object.keys(extra).length > 0 ? extra : null };
  }

  /** `contained` holds one resource, of a type the tables know, and no further contained resources. */
  private contained(element: XmlElement, path: string, depth: number): Json | undefined {
    const inner = childElements(element);
    let hasText = false;
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if ((node.nodeType === 3 || node.nodeType === 4) && (node.nodeValue ?? '').trim() !== '') hasText = true;
    }
    if (inner.length !== 1 || hasText || attributesOf(element).some((attribute) => !isNamespaceDeclaration(attribute))) {
      this.problem(path, 'must hold exactly one resource');
      return undefined;
    }
    const [resource] = inner;
    const type = resource.localName ?? '';
    if (resource.namespaceURI !== FHIR_NS) {
      this.problem(path, `must hold a resource in the FHIR namespace ${FHIR_NS}`);
      return undefined;
    }
    if (!CONTAINABLE.has(type)) {
      this.problem(path, `a contained ${nameOf(resource)} is not converted from XML (only ${[...CONTAINABLE].join(', ')}); send this resource as FHIR JSON`);
      return undefined;
    }
    if (childElements(resource).some((child) => child.localName === 'contained')) {
      this.problem(`${path}.contained`, 'a contained resource must not contain resources');
      return undefined;
    }
    return this.resource(resource, path, type, depth);
  }

  /** The narrative: an XHTML div in the default namespace, serialized as the JSON form keeps it. */
  private div(element: XmlElement, path: string): string | undefined {
    if (element.namespaceURI !== XHTML_NS || element.localName !== 'div' || element.prefix) {
      this.problem(path, `must be <div xmlns="${XHTML_NS}">`);
      return undefined;
    }
    const document = element.ownerDocument;
    const stack: XmlElement[] = [element];
    while (document && stack.length > 0) {
      const current = stack.pop()!;
      if (current.namespaceURI !== XHTML_NS || current.prefix) {
        this.problem(path, 'must hold only XHTML, without namespace prefixes');
        return undefined;
      }
      for (const attribute of attributesOf(current)) {
        const allowed = !attribute.namespaceURI || attribute.namespaceURI === XML_NS || (attribute.name === 'xmlns' && attribute.value === XHTML_NS);
        if (!allowed) {
          this.problem(path, 'must hold only XHTML, without namespace prefixes');
          return undefined;
        }
      }
      for (let node = current.firstChild; node; ) {
        const next = node.nextSibling;
        // CDATA becomes plain (escaped) text, which reads the same as XHTML and as HTML.
        if (node.nodeType === 4) current.replaceChild(document.createTextNode(node.nodeValue ?? ''), node);
        node = next;
      }
      stack.push(...childElements(current));
    }
    try {
      // The serializer declares the XHTML namespace on the div, also when the document declared it further up.
      return new XMLSerializer().serializeToString(element, { requireWellFormed: true });
    } catch {
      this.problem(path, 'must be well-formed XHTML');
      return undefined;
    }
  }
}

function isNamespaceDeclaration(attribute: XmlAttr): boolean {
  return attribute.namespaceURI === XMLNS_NS;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

// ---------------------------------------------------------------------------------------------------
// Primitive values

type PrimitiveKind = 'string' | 'boolean' | 'integer' | 'decimal';

const PRIMITIVES: Readonly<Record<string, PrimitiveKind>> = {
  base64Binary: 'string',
  boolean: 'boolean',
  canonical: 'string',
  code: 'string',
  date: 'string',
  dateTime: 'string',
  decimal: 'decimal',
  id: 'string',
  instant: 'string',
  integer: 'integer',
  integer64: 'string', // R5: a JSON string, as a 64-bit integer does not fit a JSON number
  markdown: 'string',
  oid: 'string',
  positiveInt: 'integer',
  string: 'string',
  time: 'string',
  unsignedInt: 'integer',
  uri: 'string',
  url: 'string',
  uuid: 'string',
};

const INTEGER_FORMS: Readonly<Record<string, { pattern: RegExp; min: number }>> = {
  integer: { pattern: /^-?(0|[1-9][0-9]*)$/, min: -2_147_483_648 },
  positiveInt: { pattern: /^\+?[1-9][0-9]*$/, min: 1 },
  unsignedInt: { pattern: /^(0|[1-9][0-9]*)$/, min: 0 },
};
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const INTEGER64 = /^(0|[-+]?[1-9][0-9]*)$/;

/** The JSON value of a `value` attribute, or undefined when it is not of its type. */
function primitiveValue(raw: string, type: string): unknown {
  if (raw === '') return undefined; // FHIR values are never empty
  switch (PRIMITIVES[type]) {
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'integer': {
      const form = INTEGER_FORMS[type];
      const number = Number(raw);
      return form.pattern.test(raw) && number >= form.min && number <= 2_147_483_647 ? number : undefined;
    }
    case 'decimal': {
      // JSON numbers carry no trailing zeros: "1.50" becomes 1.5, as in any FHIR JSON written by JavaScript.
      const number = Number(raw);
      return DECIMAL.test(raw) && Number.isFinite(number) ? number : undefined;
    }
    default:
      return type === 'integer64' && !INTEGER64.test(raw) ? undefined : raw;
  }
}

// ---------------------------------------------------------------------------------------------------
// The tables: element name → type, with `*` for an element that repeats (a JSON array). Choice elements
// ([x]) are listed by their typed names. Sources: FHIR R4 (4.0.1) and R5 (5.0.0) StructureDefinitions.

type Spec = Readonly<Record<string, string>>;
type TypeTable = Readonly<Record<string, Spec>>;

function parseSpec(entry: string): [type: string, many: boolean] {
  return entry.endsWith('*') ? [entry.slice(0, -1), true] : [entry, false];
}

/** Every element may carry extensions; `id` is an XML attribute, read separately. */
const element = (spec: Spec): Spec => ({ extension: 'Extension*', ...spec });
const backbone = (spec: Spec): Spec => ({ extension: 'Extension*', modifierExtension: 'Extension*', ...spec });
const domainResource = (spec: Spec): Spec => ({
  id: 'id',
  meta: 'Meta',
  implicitRules: 'uri',
  language: 'code',
  text: 'Narrative',
  contained: 'Resource*',
  extension: 'Extension*',
  modifierExtension: 'Extension*',
  ...spec,
});
const PRIMITIVE_SPEC: Spec = { extension: 'Extension*' };

const capitalized = (type: string) => type[0].toUpperCase() + type.slice(1);
const valueChoices = (types: string[]): Spec => Object.fromEntries(types.map((type) => [`value${capitalized(type)}`, type]));

const QUANTITY: Spec = element({ value: 'decimal', comparator: 'code', unit: 'string', system: 'uri', code: 'code' });

const SHARED_TYPES: TypeTable = {
  Narrative: element({ status: 'code', div: 'xhtml' }),
  Meta: element({ versionId: 'id', lastUpdated: 'instant', source: 'uri', profile: 'canonical*', security: 'Coding*', tag: 'Coding*' }),
  Identifier: element({ use: 'code', type: 'CodeableConcept', system: 'uri', value: 'string', period: 'Period', assigner: 'Reference' }),
  CodeableConcept: element({ coding: 'Coding*', text: 'string' }),
  Coding: element({ system: 'uri', version: 'string', code: 'code', display: 'string', userSelected: 'boolean' }),
  Reference: element({ reference: 'string', type: 'uri', identifier: 'Identifier', display: 'string' }),
  Period: element({ start: 'dateTime', end: 'dateTime' }),
  Quantity: QUANTITY,
  Age: QUANTITY,
  Count: QUANTITY,
  Distance: QUANTITY,
  Duration: QUANTITY,
  Range: element({ low: 'Quantity', high: 'Quantity' }),
  Ratio: element({ numerator: 'Quantity', denominator: 'Quantity' }),
  Money: element({ value: 'decimal', currency: 'code' }),
  Annotation: element({ authorReference: 'Reference', authorString: 'string', time: 'dateTime', text: 'markdown' }),
  HumanName: element({ use: 'code', text: 'string', family: 'string', given: 'string*', prefix: 'string*', suffix: 'string*', period: 'Period' }),
  ContactPoint: element({ system: 'code', value: 'string', use: 'code', rank: 'positiveInt', period: 'Period' }),
  Address: element({
    use: 'code',
    type: 'code',
    text: 'string',
    line: 'string*',
    city: 'string',
    district: 'string',
    state: 'string',
    postalCode: 'string',
    country: 'string',
    period: 'Period',
  }),
  Timing: backbone({ event: 'dateTime*', repeat: 'Timing.repeat', code: 'CodeableConcept' }),
  'Timing.repeat': element({
    boundsDuration: 'Duration',
    boundsRange: 'Range',
    boundsPeriod: 'Period',
    count: 'positiveInt',
    countMax: 'positiveInt',
    duration: 'decimal',
    durationMax: 'decimal',
    durationUnit: 'code',
    frequency: 'positiveInt',
    frequencyMax: 'positiveInt',
    period: 'decimal',
    periodMax: 'decimal',
    periodUnit: 'code',
    dayOfWeek: 'code*',
    timeOfDay: 'time*',
    when: 'code*',
    offset: 'unsignedInt',
  }),
  Patient: domainResource({
    identifier: 'Identifier*',
    active: 'boolean',
    name: 'HumanName*',
    telecom: 'ContactPoint*',
    gender: 'code',
    birthDate: 'date',
    deceasedBoolean: 'boolean',
    deceasedDateTime: 'dateTime',
    address: 'Address*',
    maritalStatus: 'CodeableConcept',
    multipleBirthBoolean: 'boolean',
    multipleBirthInteger: 'integer',
    photo: 'Attachment*',
    contact: 'Patient.contact*',
    communication: 'Patient.communication*',
    generalPractitioner: 'Reference*',
    managingOrganization: 'Reference',
    link: 'Patient.link*',
  }),
  'Patient.contact': backbone({
    relationship: 'CodeableConcept*',
    name: 'HumanName',
    telecom: 'ContactPoint*',
    address: 'Address',
    gender: 'code',
    organization: 'Reference',
    period: 'Period',
  }),
  'Patient.communication': backbone({ language: 'CodeableConcept', preferred: 'boolean' }),
  'Patient.link': backbone({ other: 'Reference', type: 'code' }),
};

const PRIMITIVE_TYPES = Object.keys(PRIMITIVES).filter((type) => type !== 'integer64');
const COMPLEX_VALUE_TYPES = ['Address', 'Age', 'Annotation', 'Attachment', 'CodeableConcept', 'Coding', 'ContactPoint', 'Count', 'Distance', 'Duration'];
const MORE_VALUE_TYPES = ['HumanName', 'Identifier', 'Money', 'Period', 'Quantity', 'Range', 'Ratio', 'Reference', 'Timing', 'Meta'];
/** Extension value types that FHIR allows and this reader refuses by name (no tables for them here). */
const UNCONVERTED_VALUE_TYPES = new Set([
  'SampledData',
  'Signature',
  'ContactDetail',
  'Contributor',
  'DataRequirement',
  'Expression',
  'ParameterDefinition',
  'RelatedArtifact',
  'TriggerDefinition',
  'UsageContext',
  'Dosage',
]);

const R4_TYPES: TypeTable = {
  ...SHARED_TYPES,
  Extension: element(valueChoices([...PRIMITIVE_TYPES, ...COMPLEX_VALUE_TYPES, ...MORE_VALUE_TYPES])),
  Attachment: element({
    contentType: 'code',
    language: 'code',
    data: 'base64Binary',
    url: 'url',
    size: 'unsignedInt',
    hash: 'base64Binary',
    title: 'string',
    creation: 'dateTime',
  }),
  AdverseEvent: domainResource({
    identifier: 'Identifier',
    actuality: 'code',
    category: 'CodeableConcept*',
    event: 'CodeableConcept',
    subject: 'Reference',
    encounter: 'Reference',
    date: 'dateTime',
    detected: 'dateTime',
    recordedDate: 'dateTime',
    resultingCondition: 'Reference*',
    location: 'Reference',
    seriousness: 'CodeableConcept',
    severity: 'CodeableConcept',
    outcome: 'CodeableConcept',
    recorder: 'Reference',
    contributor: 'Reference*',
    suspectEntity: 'AdverseEvent.suspectEntity*',
    subjectMedicalHistory: 'Reference*',
    referenceDocument: 'Reference*',
    study: 'Reference*',
  }),
  'AdverseEvent.suspectEntity': backbone({ instance: 'Reference', causality: 'AdverseEvent.suspectEntity.causality*' }),
  'AdverseEvent.suspectEntity.causality': backbone({ assessment: 'CodeableConcept', productRelatedness: 'string', author: 'Reference', method: 'CodeableConcept' }),
  Practitioner: domainResource({
    identifier: 'Identifier*',
    active: 'boolean',
    name: 'HumanName*',
    telecom: 'ContactPoint*',
    address: 'Address*',
    gender: 'code',
    birthDate: 'date',
    photo: 'Attachment*',
    qualification: 'Practitioner.qualification*',
    communication: 'CodeableConcept*',
  }),
  'Practitioner.qualification': backbone({ identifier: 'Identifier*', code: 'CodeableConcept', period: 'Period', issuer: 'Reference' }),
  PractitionerRole: domainResource({
    identifier: 'Identifier*',
    active: 'boolean',
    period: 'Period',
    practitioner: 'Reference',
    organization: 'Reference',
    code: 'CodeableConcept*',
    specialty: 'CodeableConcept*',
    location: 'Reference*',
    healthcareService: 'Reference*',
    telecom: 'ContactPoint*',
    availableTime: 'PractitionerRole.availableTime*',
    notAvailable: 'PractitionerRole.notAvailable*',
    availabilityExceptions: 'string',
    endpoint: 'Reference*',
  }),
  'PractitionerRole.availableTime': backbone({ daysOfWeek: 'code*', allDay: 'boolean', availableStartTime: 'time', availableEndTime: 'time' }),
  'PractitionerRole.notAvailable': backbone({ description: 'string', during: 'Period' }),
};

const R5_TYPES: TypeTable = {
  ...SHARED_TYPES,
  Extension: element(
    valueChoices([
      ...PRIMITIVE_TYPES,
      'integer64',
      ...COMPLEX_VALUE_TYPES,
      ...MORE_VALUE_TYPES,
      'CodeableReference',
      'RatioRange',
      'Availability',
      'ExtendedContactDetail',
    ]),
  ),
  Attachment: element({
    contentType: 'code',
    language: 'code',
    data: 'base64Binary',
    url: 'url',
    size: 'integer64',
    hash: 'base64Binary',
    title: 'string',
    creation: 'dateTime',
    height: 'positiveInt',
    width: 'positiveInt',
    frames: 'positiveInt',
    duration: 'decimal',
    pages: 'positiveInt',
  }),
  CodeableReference: element({ concept: 'CodeableConcept', reference: 'Reference' }),
  RatioRange: element({ lowNumerator: 'Quantity', highNumerator: 'Quantity', denominator: 'Quantity' }),
  Availability: element({ availableTime: 'Availability.availableTime*', notAvailableTime: 'Availability.notAvailableTime*' }),
  'Availability.availableTime': element({ daysOfWeek: 'code*', allDay: 'boolean', availableStartTime: 'time', availableEndTime: 'time' }),
  'Availability.notAvailableTime': element({ description: 'string', during: 'Period' }),
  ExtendedContactDetail: element({
    purpose: 'CodeableConcept',
    name: 'HumanName*',
    telecom: 'ContactPoint*',
    address: 'Address',
    organization: 'Reference',
    period: 'Period',
  }),
  AdverseEvent: domainResource({
    identifier: 'Identifier*',
    status: 'code',
    actuality: 'code',
    category: 'CodeableConcept*',
    code: 'CodeableConcept',
    subject: 'Reference',
    encounter: 'Reference',
    occurrenceDateTime: 'dateTime',
    occurrencePeriod: 'Period',
    occurrenceTiming: 'Timing',
    detected: 'dateTime',
    recordedDate: 'dateTime',
    resultingEffect: 'Reference*',
    location: 'Reference',
    seriousness: 'CodeableConcept',
    outcome: 'CodeableConcept*',
    recorder: 'Reference',
    participant: 'AdverseEvent.participant*',
    study: 'Reference*',
    expectedInResearchStudy: 'boolean',
    suspectEntity: 'AdverseEvent.suspectEntity*',
    contributingFactor: 'AdverseEvent.item*',
    preventiveAction: 'AdverseEvent.item*',
    mitigatingAction: 'AdverseEvent.item*',
    supportingInfo: 'AdverseEvent.item*',
    note: 'Annotation*',
    // From the R5 ballot, dropped before publication but still in HL7's research examples; the mapper reads both.
    serious: 'boolean',
    clinResSeverityOrGrade: 'CodeableConcept',
  }),
  'AdverseEvent.participant': backbone({ function: 'CodeableConcept', actor: 'Reference' }),
  'AdverseEvent.suspectEntity': backbone({
    instanceCodeableConcept: 'CodeableConcept',
    instanceReference: 'Reference',
    causality: 'AdverseEvent.suspectEntity.causality',
  }),
  'AdverseEvent.suspectEntity.causality': backbone({ assessmentMethod: 'CodeableConcept', entityRelatedness: 'CodeableConcept', author: 'Reference' }),
  /** contributingFactor, preventiveAction, mitigatingAction and supportingInfo: each one item[x]. */
  'AdverseEvent.item': backbone({ itemReference: 'Reference', itemCodeableConcept: 'CodeableConcept' }),
  Practitioner: domainResource({
    identifier: 'Identifier*',
    active: 'boolean',
    name: 'HumanName*',
    telecom: 'ContactPoint*',
    gender: 'code',
    birthDate: 'date',
    deceasedBoolean: 'boolean',
    deceasedDateTime: 'dateTime',
    address: 'Address*',
    photo: 'Attachment*',
    qualification: 'Practitioner.qualification*',
    communication: 'Practitioner.communication*',
  }),
  'Practitioner.qualification': backbone({ identifier: 'Identifier*', code: 'CodeableConcept', period: 'Period', issuer: 'Reference' }),
  'Practitioner.communication': backbone({ language: 'CodeableConcept', preferred: 'boolean' }),
  PractitionerRole: domainResource({
    identifier: 'Identifier*',
    active: 'boolean',
    period: 'Period',
    practitioner: 'Reference',
    organization: 'Reference',
    code: 'CodeableConcept*',
    specialty: 'CodeableConcept*',
    location: 'Reference*',
    healthcareService: 'Reference*',
    contact: 'ExtendedContactDetail*',
    characteristic: 'CodeableConcept*',
    communication: 'CodeableConcept*',
    availability: 'Availability*',
    endpoint: 'Reference*',
  }),
};

/** Resources converted when contained; a contained resource of another type is refused by name. */
const CONTAINABLE = new Set(['Practitioner', 'PractitionerRole', 'Patient']);
