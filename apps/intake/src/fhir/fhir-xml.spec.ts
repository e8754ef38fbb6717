import { HL7_ADVERSE_EVENT_EXAMPLES } from '../../../../test/intake/fixtures/hl7-adverse-events';
import { HL7_ADVERSE_EVENT_XML, XML_FEATURE_EXAMPLES } from '../../../../test/intake/fixtures/hl7-adverse-events.xml';
import { AdverseEventOptions, detectFhirVersion, mapAdverseEvent } from './adverse-event.mapper';
import { FhirValidationError } from './fhir-values';
import { fhirXmlToJson, MAX_XML_LENGTH } from './fhir-xml';

const options: AdverseEventOptions = {
  referenceSystem: 'urn:harbor:fhir:Practitioner',
  includeRecorders: true,
  defaultSource: 'fhir',
  defaultFacility: 'unspecified',
  defaultHarmLevel: 'mild',
  now: () => new Date('2026-01-01T00:00:00Z'),
};

const RESEARCH_EXAMPLE = 'R5 research serious adverse event (occurrencePeriod, serious flag, recorder Practitioner/example)';

/** The JSON fixture of the same name, as the published spec shapes it. */
function expectedJson(name: string): Record<string, unknown> {
  const resource = HL7_ADVERSE_EVENT_EXAMPLES.find((example) => example.name === name)!.resource;
  // The one place the JSON fixture departs from published R5: AdverseEvent.outcome is 0..* there, so FHIR
  // JSON has an array; the hand-written fixture kept the single object of HL7's ballot-era file.
  return name === RESEARCH_EXAMPLE ? { ...resource, outcome: [resource.outcome] } : resource;
}

/** The fields of the FhirValidationError that `run` throws. */
function rejected(run: () => unknown): { fields: string[]; messages: string[] } {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirValidationError) {
      return { fields: error.problems.map((problem) => problem.field), messages: error.problems.map((problem) => problem.message) };
    }
    throw error;
  }
  throw new Error('expected a FhirValidationError');
}

const ae = (inner: string, rootAttributes = 'xmlns="http://hl7.org/fhir"') =>
  `<AdverseEvent ${rootAttributes}><id value="x"/>${inner}<actuality value="actual"/><subject><reference value="Patient/p"/></subject></AdverseEvent>`;
const r5 = (inner: string) => ae(`<status value="completed"/>${inner}`);

describe('fhirXmlToJson: HL7 examples', () => {
  it('every JSON fixture has an XML twin', () => {
    expect(HL7_ADVERSE_EVENT_XML.map((example) => example.name)).toEqual(HL7_ADVERSE_EVENT_EXAMPLES.map((example) => example.name));
  });

  it.each(HL7_ADVERSE_EVENT_XML.map((example) => [example.name, example] as const))('%s converts to the JSON fixture', (name, example) => {
    const json = fhirXmlToJson(example.xml) as Record<string, unknown>;
    expect(json).toStrictEqual(expectedJson(name));
    expect(detectFhirVersion(json)).toBe(example.version);
    expect(fhirXmlToJson(example.xml, { version: example.version })).toStrictEqual(json);
  });

  it.each(HL7_ADVERSE_EVENT_XML.map((example) => [example.name, example] as const))('%s: intake reads the XML as it reads the JSON', (name, example) => {
    const fixture = HL7_ADVERSE_EVENT_EXAMPLES.find((candidate) => candidate.name === name)!.resource;
    expect(mapAdverseEvent(fhirXmlToJson(example.xml), options)).toEqual(mapAdverseEvent(fixture, options));
  });

  it.each(XML_FEATURE_EXAMPLES.map((example) => [example.name, example] as const))('%s', (_name, example) => {
    expect(fhirXmlToJson(example.xml, { version: example.version })).toStrictEqual(example.json);
    expect(fhirXmlToJson(example.xml)).toStrictEqual(example.json);
  });
});

describe('fhirXmlToJson: refused documents', () => {
  it('malformed XML is refused as xml, with a position and without quoting the document', () => {
    const cases = [
      '<AdverseEvent xmlns="http://hl7.org/fhir"><id value="x"/><subject>',
      '<AdverseEvent xmlns="http://hl7.org/fhir"><id value="x"></subject></AdverseEvent>',
      `${ae('')}<AdverseEvent xmlns="http://hl7.org/fhir"/>`,
      `${ae('')} trailing text`,
      ae('<identifier><value value="SECRET-1 &nbsp; SECRET-2"/></identifier>'),
      ae('<identifier><value value=SECRET-3/></identifier>'),
      ae('<identifier><value value="a" value="b"/></identifier>'),
      ae('<identifier><value value="<"/></identifier>'),
      '{"resourceType":"AdverseEvent"}',
    ];
    for (const xml of cases) {
      const { fields, messages } = rejected(() => fhirXmlToJson(xml));
      expect(fields).toEqual(['xml']);
      expect(messages[0]).toMatch(/^is not well-formed XML/);
      expect(messages[0]).not.toMatch(/SECRET/);
    }
    expect(rejected(() => fhirXmlToJson(cases[0])).messages[0]).toMatch(/\(line 1, column \d+\)$/);
  });

  it('characters XML does not allow are refused, written literally or as references', () => {
    for (const value of ['a&#0;b', 'a&#1;b', 'a\u0001b', '&#xD800;', '&#xFFFE;']) {
      expect(rejected(() => fhirXmlToJson(r5(`<code><text value="${value}"/></code>`)))).toEqual({
        fields: ['xml'],
        messages: ['is not well-formed XML: it holds characters that XML does not allow'],
      });
    }
    expect(fhirXmlToJson(r5('<code><text value="tab&#9;newline&#10;\u{1F489}"/></code>'))).toMatchObject({ code: { text: 'tab\tnewline\n\u{1F489}' } });
  });

  it('a byte order mark before the document is not a fault', () => {
    expect(fhirXmlToJson(`\uFEFF${r5('')}`)).toMatchObject({ resourceType: 'AdverseEvent', id: 'x' });
  });

  it('an empty document, a non-string and an oversized one are refused as xml', () => {
    expect(rejected(() => fhirXmlToJson('')).fields).toEqual(['xml']);
    expect(rejected(() => fhirXmlToJson('  \n ')).fields).toEqual(['xml']);
    expect(rejected(() => fhirXmlToJson(undefined as unknown as string)).fields).toEqual(['xml']);
    const oversized = ae(`<!--${'x'.repeat(MAX_XML_LENGTH)}-->`);
    expect(rejected(() => fhirXmlToJson(oversized)).messages).toEqual([`must be at most ${MAX_XML_LENGTH} characters`]);
  });

  it('a billion-laughs DOCTYPE is refused before any entity is expanded', () => {
    const levels = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level || ''};`.repeat(10)}">`).join('\n');
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE AdverseEvent [\n<!ENTITY lol "lol">\n${levels}\n]>\n${ae('<identifier><value value="&lol9;"/></identifier>')}`;
    const started = Date.now();
    expect(rejected(() => fhirXmlToJson(xml))).toEqual({ fields: ['xml'], messages: ['must not contain a DOCTYPE or entity declarations'] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('external entities (general and parameter) are refused and never read', () => {
    const general = `<!DOCTYPE AdverseEvent [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${ae('<identifier><value value="&xxe;"/></identifier>')}`;
    const parameter = `<!DOCTYPE AdverseEvent [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>${ae('')}`;
    const lowercase = `<!doctype AdverseEvent>${ae('')}`;
    const entityOnly = ae('<identifier><value value="&xxe;"/></identifier>');
    for (const xml of [general, parameter, lowercase]) {
      expect(rejected(() => fhirXmlToJson(xml))).toEqual({ fields: ['xml'], messages: ['must not contain a DOCTYPE or entity declarations'] });
    }
    const undeclared = rejected(() => fhirXmlToJson(entityOnly));
    expect(undeclared.fields).toEqual(['xml']);
    expect(undeclared.messages.join(' ')).not.toMatch(/root:/);
  });

  it('a root outside the FHIR namespace, or not a resource, or not an AdverseEvent, is refused', () => {
    expect(rejected(() => fhirXmlToJson(ae('', 'xmlns="urn:not-fhir"'))).fields).toEqual(['xml']);
    expect(rejected(() => fhirXmlToJson(ae('', ''))).fields).toEqual(['xml']);
    expect(rejected(() => fhirXmlToJson('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')).fields).toEqual(['xml']);
    expect(rejected(() => fhirXmlToJson('<f:AdverseEvent xmlns:f="urn:not-fhir"/>')).fields).toEqual(['xml']);
    expect(rejected(() => fhirXmlToJson('<Patient xmlns="http://hl7.org/fhir"><id value="p"/></Patient>'))).toEqual({
      fields: ['resourceType'],
      messages: ['must be AdverseEvent (the root element is <Patient>)'],
    });
    expect(rejected(() => fhirXmlToJson('<identifier xmlns="http://hl7.org/fhir"><value value="1"/></identifier>')).fields).toEqual(['resourceType']);
  });

  it('elements FHIR does not define are refused by name, never dropped', () => {
    expect(rejected(() => fhirXmlToJson(r5('<subjekt><reference value="Patient/x"/></subjekt>')))).toEqual({
      fields: ['subjekt'],
      messages: ['is not an element of AdverseEvent (R5)'],
    });
    expect(rejected(() => fhirXmlToJson(r5('<category><coding><cod value="x"/></coding></category>'))).fields).toEqual(['category[0].coding[0].cod']);
    // An R4 element in an R5 resource, and an R5 element when the request says R4.
    expect(rejected(() => fhirXmlToJson(r5('<event><text value="x"/></event>'))).fields).toEqual(['event']);
    expect(rejected(() => fhirXmlToJson(r5(''), { version: 'R4' })).fields).toEqual(['status']);
    // Every problem is named at once.
    expect(rejected(() => fhirXmlToJson(r5('<a value="1"/><b value="2"/>'))).fields).toEqual(['a', 'b']);
  });

  it('FHIR elements in another namespace, text content, stray attributes and repeated single elements are refused', () => {
    expect(rejected(() => fhirXmlToJson(r5('<code xmlns="urn:other"><text value="x"/></code>'))).fields).toEqual(['code']);
    expect(rejected(() => fhirXmlToJson(r5('<code>rash</code>')))).toEqual({
      fields: ['code'],
      messages: ['must not hold text: FHIR XML gives values in value attributes'],
    });
    expect(rejected(() => fhirXmlToJson(r5('<code><text value="x" lang="en"/></code>'))).fields).toEqual(['code.text']);
    expect(rejected(() => fhirXmlToJson(r5('<code value="x"/>'))).fields).toEqual(['code']);
    expect(rejected(() => fhirXmlToJson(r5('<recorder><reference value="a"/></recorder><recorder><reference value="b"/></recorder>')))).toEqual({
      fields: ['recorder'],
      messages: ['must appear at most once'],
    });
    expect(rejected(() => fhirXmlToJson(r5('<code/>')))).toEqual({ fields: ['code'], messages: ['must not be empty'] });
    expect(rejected(() => fhirXmlToJson(r5('<detected/>')))).toEqual({ fields: ['detected'], messages: ['must have a value attribute or extensions'] });
  });

  it('primitive values must be of their FHIR type', () => {
    expect(rejected(() => fhirXmlToJson(r5('<expectedInResearchStudy value="yes"/>')))).toEqual({
      fields: ['expectedInResearchStudy'],
      messages: ['must be a valid FHIR boolean'],
    });
    expect(rejected(() => fhirXmlToJson(r5('<detected value=""/>'))).fields).toEqual(['detected']);
    const timing = (repeat: string) => r5(`<occurrenceTiming><repeat>${repeat}</repeat></occurrenceTiming>`);
    expect(rejected(() => fhirXmlToJson(timing('<count value="0"/>'))).fields).toEqual(['occurrenceTiming.repeat.count']);
    expect(rejected(() => fhirXmlToJson(timing('<count value="1.5"/>'))).fields).toEqual(['occurrenceTiming.repeat.count']);
    expect(rejected(() => fhirXmlToJson(timing('<count value="99999999999"/>'))).fields).toEqual(['occurrenceTiming.repeat.count']);
    expect(rejected(() => fhirXmlToJson(timing('<duration value="1,5"/>'))).fields).toEqual(['occurrenceTiming.repeat.duration']);
    expect(fhirXmlToJson(timing('<duration value="-0.250"/><offset value="0"/>'))).toMatchObject({ occurrenceTiming: { repeat: { duration: -0.25, offset: 0 } } });
  });

  it('extensions need a url, and value types without a table here are refused by name', () => {
    expect(rejected(() => fhirXmlToJson(r5('<extension><valueString value="x"/></extension>'))).fields).toEqual(['extension[0].url']);
    expect(rejected(() => fhirXmlToJson(r5('<extension url="urn:x"><valueDosage><text value="x"/></valueDosage></extension>')))).toEqual({
      fields: ['extension[0].valueDosage'],
      messages: ['is an extension value type that is not converted from XML; send this resource as FHIR JSON'],
    });
  });

  it('contained resources: one per contained, of a type with a table, not nested', () => {
    const contained = (inner: string) => r5(`<contained>${inner}</contained>`);
    expect(rejected(() => fhirXmlToJson(contained('<Medication><id value="m"/></Medication>'))).fields).toEqual(['contained[0]']);
    expect(rejected(() => fhirXmlToJson(contained('<Practitioner><id value="a"/></Practitioner><Patient><id value="b"/></Patient>'))).fields).toEqual(['contained[0]']);
    expect(rejected(() => fhirXmlToJson(contained('<Practitioner><id value="a"/><contained><Patient/></contained></Practitioner>'))).fields).toEqual([
      'contained[0].contained',
    ]);
    expect(fhirXmlToJson(contained('<Patient><id value="p"/><name><text value="x"/></name><deceasedBoolean value="false"/></Patient>'))).toMatchObject({
      contained: [{ resourceType: 'Patient', id: 'p', name: [{ text: 'x' }], deceasedBoolean: false }],
    });
  });

  it('the narrative must be an XHTML div in the default namespace', () => {
    const text = (div: string) => r5(`<text><status value="generated"/>${div}</text>`);
    expect(rejected(() => fhirXmlToJson(text('<div><p>no namespace</p></div>'))).fields).toEqual(['text.div']);
    expect(rejected(() => fhirXmlToJson(text('<x:div xmlns:x="http://www.w3.org/1999/xhtml">prefixed</x:div>'))).fields).toEqual(['text.div']);
    expect(rejected(() => fhirXmlToJson(text('<div xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"/></div>'))).fields).toEqual([
      'text.div',
    ]);
    const inherited = '<f:AdverseEvent xmlns:f="http://hl7.org/fhir" xmlns="http://www.w3.org/1999/xhtml"><f:id value="x"/><f:text><f:status value="generated"/><div class="a">t</div></f:text></f:AdverseEvent>';
    expect(fhirXmlToJson(inherited)).toMatchObject({ text: { div: '<div class="a" xmlns="http://www.w3.org/1999/xhtml">t</div>' } });
    const nested = '<div xmlns="http://www.w3.org/1999/xhtml"><div><p xml:lang="en">a &lt; b</p><![CDATA[x < y]]>z<![CDATA[]]></div></div>';
    expect(fhirXmlToJson(text(nested))).toMatchObject({ text: { div: '<div xmlns="http://www.w3.org/1999/xhtml"><div><p xml:lang="en">a &lt; b</p>x &lt; yz</div></div>' } });
  });

  it('a document with very many problems is refused with the first twenty', () => {
    const attributes = Array.from({ length: 5000 }, (_, index) => `a${index}="1"`).join(' ');
    expect(rejected(() => fhirXmlToJson(ae('', `xmlns="http://hl7.org/fhir" ${attributes}`))).fields).toHaveLength(20);
  });

  it('element names that are JavaScript object keys neither pollute nor pass', () => {
    expect(rejected(() => fhirXmlToJson(r5('<__proto__ value="x"/><constructor value="y"/><toString value="z"/>'))).fields).toEqual([
      '__proto__',
      'constructor',
      'toString',
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('deep nesting is refused, not followed', () => {
    const deep = `${'<extension url="urn:x">'.repeat(40)}<valueString value="x"/>${'</extension>'.repeat(40)}`;
    expect(rejected(() => fhirXmlToJson(r5(deep))).messages).toEqual(['is nested too deeply']);
    // Markup inside the narrative is not FHIR and is not walked recursively: deep XHTML converts whole.
    const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'<b>'.repeat(20_000)}x${'</b>'.repeat(20_000)}</div>`;
    expect(fhirXmlToJson(r5(`<text><status value="generated"/>${div}</text>`))).toMatchObject({ text: { div } });
  });

  it('a U+FFFD in the text is data, not a fault', () => {
    expect(fhirXmlToJson(r5('<code><text value="r\uFFFDsh"/></code>'))).toMatchObject({ code: { text: 'r\uFFFDsh' } });
  });
});
