// Node flags every Harbor service runs with: the container image sets the same in NODE_OPTIONS (Dockerfile;
// test/deploy/node-flags.test.ts keeps the two equal), `npm start` and `npm run bench` pass them on the command line.
//
// A young generation of 8 MB semi-spaces instead of V8's default 16 MB: after a burst of 5,000 incidents the
// services' resident memory stayed at 132-193 MB instead of 122-301 MB, with no more CPU (README, "Benchmarks").
// The old generation's growth is bounded at run time instead (boundHeapGrowth in libs/service-runtime): NODE_OPTIONS
// refuses that flag, and the services set it themselves however they are started.
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8'];

module.exports = { SERVICE_NODE_FLAGS };
