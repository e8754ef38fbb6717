/**
 * CPU milliseconds this process spends on a fixed workload (JSON round trips of a thousand small records, as the
 * services do all day), the least of three tries: a yardstick of how fast the VM runs at the time. On a shared host
 * the same code's CPU seconds vary by half from one hour to the next; a run whose yardstick took longer ran on a
 * slower machine, whatever the code did.
 */
export function fixedWorkloadCpuMs(): number {
  const records = Array.from({ length: 1000 }, (_, index) => ({ id: `bench-${index}`, at: new Date(index).toISOString(), tags: ['a', 'b', String(index)], n: index * 1.5 }));
  let least = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = process.cpuUsage();
    let parsed = 0;
    for (let round = 0; round < 300; round++) parsed += (JSON.parse(JSON.stringify(records)) as unknown[]).length;
    const used = process.cpuUsage(started);
    // `parsed` is read so the loop cannot be dropped as dead code.
    if (parsed === 300 * records.length) least = Math.min(least, (used.user + used.system) / 1000);
  }
  return Math.round(least);
}
