// `npm stop`: signals the running `npm start`, which stops the services and the Kafka it started.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { stopLocalKafka, ROOT } = require('./local-kafka');

const PID_FILE = path.join(ROOT, '.harbor', 'stack.pid');
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

(async () => {
  if (fs.existsSync(PID_FILE)) {
    const pid = Number(fs.readFileSync(PID_FILE, 'utf8'));
    if (!alive(pid)) {
      // The launcher died without cleaning up: stop the Kafka it had started, if any.
      const marker = path.join(ROOT, '.harbor', 'stack-kafka');
      if (fs.existsSync(marker)) await stopLocalKafka(fs.readFileSync(marker, 'utf8'));
      fs.rmSync(marker, { force: true });
    } else {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 60_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      process.stdout.write(alive(pid) ? `Harbor (pid ${pid}) did not stop within 60 s.\n` : 'Harbor stopped.\n');
    }
    fs.rmSync(PID_FILE, { force: true });
  } else {
    process.stdout.write('Harbor is not running.\n');
  }
})();
