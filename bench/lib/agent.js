'use strict';
// The far side of a contender that runs outside the harness's realm: a worker thread
// (ayafileio on the forced fallback: the backend is chosen once per realm) or a child process
// (node:fs under UV_USE_IO_URING=1, Bun, Deno). It loads one adapter and runs the rounds it
// is sent, one at a time, so it is idle while other contenders run.
//
//   worker: workerData { adapter }; messages in and out through parentPort
//   child:  node|bun|deno agent.js ADAPTER; one JSON message per line on stdin and stdout

const path = require('node:path');
const process = require('node:process');
const { parentPort, workerData } = require('node:worker_threads');
const scenarios = require('./scenarios');

async function handle(adapter, msg) {
  try {
    if (msg.type === 'probe') return { id: msg.id, probe: await adapter.probe() };
    if (msg.type === 'round') return { id: msg.id, result: await scenarios.runRound(adapter, msg.kase, msg.ctx) };
    return { id: msg.id, error: `unknown message type ${msg.type}` };
  } catch (err) {
    return { id: msg.id, error: String((err && err.message) || err) };
  }
}

function loadAdapter(name) {
  return require(path.join(__dirname, '..', 'contenders', `${path.basename(name)}.js`));
}

function serveWorker() {
  const adapter = loadAdapter(workerData.adapter);
  parentPort.on('message', async (msg) => {
    const reply = await handle(adapter, msg);
    const transfer = reply.result ? [reply.result.latencies.buffer] : [];
    parentPort.postMessage(reply, transfer);
  });
}

function serveStdio() {
  const adapter = loadAdapter(process.argv[2]);
  let pending = '';
  let queue = Promise.resolve();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const msg = JSON.parse(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      queue = queue.then(async () => {
        const reply = await handle(adapter, msg);
        if (reply.result) reply.result.latencies = Array.from(reply.result.latencies, (v) => Math.round(v * 100) / 100);
        process.stdout.write(JSON.stringify(reply) + '\n');
      });
    }
  });
  process.stdin.on('end', () => queue.then(() => process.exit(0)));
}

if (parentPort && workerData && workerData.adapter) serveWorker();
else serveStdio();
