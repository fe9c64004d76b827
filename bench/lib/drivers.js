'use strict';
// How the harness reaches a contender: in its own realm (LocalDriver), in a worker thread
// with its own environment (WorkerDriver), or in a child process (ChildDriver). Every driver
// has probe() -> { ok, detail | reason }, runRound(kase, ctx) -> round result, and close().

const { spawn } = require('node:child_process');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const scenarios = require('./scenarios');

const AGENT = path.join(__dirname, 'agent.js');
/** A remote round that takes this much longer than planned is reported as hung. */
const ROUND_GRACE_MS = 120000;

/** Runs the adapter in the harness's own realm. */
class LocalDriver {
  constructor(adapter) {
    this.adapter = adapter;
  }

  probe() {
    return this.adapter.probe();
  }

  runRound(kase, ctx) {
    return scenarios.runRound(this.adapter, kase, ctx);
  }

  async close() {}
}

/** Request/reply over some message channel; subclasses provide send() and stop(). */
class RemoteDriver {
  constructor() {
    this.nextId = 1;
    this.waiting = new Map();
    this.dead = null;
  }

  request(msg, timeoutMs) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.send({ ...msg, id });
    });
  }

  /** Called by subclasses with each reply. */
  receive(reply) {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    clearTimeout(w.timer);
    if (reply.error) w.reject(new Error(reply.error));
    else w.resolve(reply.probe || reply.result);
  }

  /** Called by subclasses when the far side is gone: fail everything waiting. */
  fail(reason) {
    this.dead = reason;
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new Error(reason));
    }
    this.waiting.clear();
  }

  async probe() {
    try {
      return await this.request({ type: 'probe' }, ROUND_GRACE_MS);
    } catch (err) {
      return { ok: false, reason: err.message };
    }
  }

  async runRound(kase, ctx) {
    const result = await this.request({ type: 'round', kase, ctx }, ctx.roundMs * 20 + ROUND_GRACE_MS);
    result.latencies = Float64Array.from(result.latencies);
    return result;
  }
}

/** The adapter in a worker thread: its own realm, engine and process.env copy. */
class WorkerDriver extends RemoteDriver {
  constructor(adapterName, env) {
    super();
    this.worker = new Worker(AGENT, { workerData: { adapter: adapterName }, env: { ...process.env, ...env } });
    this.worker.on('message', (reply) => this.receive(reply));
    this.worker.on('error', (err) => this.fail(`worker failed: ${err.message}`));
    this.worker.on('exit', (code) => this.fail(`worker exited (${code})`));
  }

  send(msg) {
    this.worker.postMessage(msg);
  }

  async close() {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** The agent in a child process (another runtime, or node with another environment);
 * `args` name the agent script and the adapter. */
class ChildDriver extends RemoteDriver {
  constructor(command, args, env) {
    super();
    this.stderr = '';
    this.child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let pending = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('{')) this.receive(JSON.parse(line));
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    this.child.on('error', (err) => this.fail(`${command}: ${err.message}`));
    this.child.on('exit', (code, signal) => this.fail(`${command} exited (${signal || code}): ${this.stderr.trim()}`));
  }

  send(msg) {
    this.child.stdin.write(JSON.stringify(msg) + '\n');
  }

  async close() {
    this.child.removeAllListeners('exit');
    this.child.stdin.end();
    if (this.child.exitCode === null) await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

module.exports = { LocalDriver, WorkerDriver, ChildDriver, AGENT };
