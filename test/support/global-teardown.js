'use strict';
const { stopLocalKafka } = require('../../scripts/stack/local-kafka');

/** Stops only what global-setup started; a broker that was already running is left alone. */
module.exports = async function globalTeardown() {
  if (globalThis.__harborStopKafka) await globalThis.__harborStopKafka();
  if (globalThis.__harborKafkaPidFile) await stopLocalKafka(globalThis.__harborKafkaPidFile);
};
