export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a Prometheus text exposition (comments skipped). */
export function parse(text: string): Series[] {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => [name, value]));
    return { name: match[1], labels, value: Number(match[3]) };
  });
}

/** The metric family a sample belongs to (histogram samples end in _bucket, _sum, _count). */
export const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

/** The value of the first sample of a metric whose labels include `labels`, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return parse(text).find((series) => series.name === name && Object.entries(labels).every(([label, value]) => series.labels[label] === value))?.value;
}
