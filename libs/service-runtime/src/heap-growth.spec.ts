import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';

/**
 * boundHeapGrowth in a fresh Node process (the flag is process-wide, and the test runner's heap is no measure): a live
 * set, then garbage that lives long enough to reach the old generation. V8's default lets the heap in use reach about
 * six times the live set here; bounded, it stays under three and a half.
 */
describe('boundHeapGrowth', () => {
  function peakOverLive(bound: boolean): number {
    const module = transpileModule(readFileSync(join(__dirname, 'heap-growth.ts'), 'utf8'), {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 },
    }).outputText;
    const script = `
      const module = { exports: {} };
      new Function('exports', 'require', 'module', ${JSON.stringify(module)})(module.exports, require, module);
      if (${bound}) module.exports.boundHeapGrowth();
      const live = [];
      for (let i = 0; i < 200000; i++) live.push({ i, s: 'x'.repeat(100) + i });
      global.gc();
      const base = process.memoryUsage().heapUsed;
      let peak = 0;
      const kept = [];
      for (let round = 0; round < 400; round++) {
        kept.push(Array.from({ length: 5000 }, (_, j) => ({ j, s: 'y'.repeat(50) + j })));
        if (kept.length > 20) kept.shift();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      process.stdout.write(String(live.length > 0 ? peak / base : 0));
    `;
    return Number(execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=8', '-e', script], { encoding: 'utf8' }));
  }

  it('keeps the heap in use within a small multiple of what survives collection', () => {
    expect(peakOverLive(true)).toBeLessThan(3.5);
  });
});
