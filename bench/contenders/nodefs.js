'use strict';
// Contender: node:fs/promises FileHandle, used the way an application would. Node has no
// user-space buffer, so flush() has nothing to do and every write() is one kernel write.
// The same file runs under Node (in-process, and as a child with UV_USE_IO_URING=1), Bun
// and Deno.

const fsp = require('node:fs/promises');
const { Buffer } = require('node:buffer');

/** Python-style modes of the scenarios -> node flags. */
const FLAGS = { a: 'a', ab: 'a', w: 'w', wb: 'w', r: 'r', rb: 'r' };
const FLUSHED = Promise.resolve();

function runtimeName() {
  if (typeof Bun !== 'undefined') return `Bun ${Bun.version}`;
  if (typeof Deno !== 'undefined') return `Deno ${Deno.version.deno}`;
  return `Node ${process.version}`;
}

/** A FileHandle dressed in the scenario handle shape. */
class NodeFsHandle {
  constructor(fh) {
    this.fh = fh;
  }

  /** One kernel write at the current position (the end, for 'a'). */
  write(data) {
    return this.fh.write(data);
  }

  /** Nothing is buffered in user space. */
  flush() {
    return FLUSHED;
  }

  datasync() {
    return this.fh.datasync();
  }

  close() {
    return this.fh.close();
  }

  /**
   * The next line with its '\n' ('' at the end), like AsyncFile.readline() in text mode:
   * FileHandle.readLines() (Node's line reader) drops the terminator. The files read this way
   * end every line with '\n'.
   */
  async readline() {
    this.lines ??= this.fh.readLines({ encoding: 'utf8', autoClose: false })[Symbol.asyncIterator]();
    const { value, done } = await this.lines.next();
    return done ? '' : value + '\n';
  }

  /** A new Buffer per call, like AsyncFile.readAt. */
  async readAt(position, size) {
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.fh.read(buf, 0, size, position);
    return bytesRead === size ? buf : buf.subarray(0, bytesRead);
  }

  /** Into the caller's buffer, like AsyncFile.readAtInto. */
  async readAtInto(position, buffer, offset = 0, length = buffer.length - offset) {
    const { bytesRead } = await this.fh.read(buffer, offset, length, position);
    return bytesRead;
  }
}

module.exports = {
  name: 'node:fs/promises',
  /** Always available wherever node:fs/promises is. */
  async probe() {
    return { ok: true, detail: runtimeName() };
  },
  async open(path, mode) {
    return new NodeFsHandle(await fsp.open(path, FLAGS[mode]));
  },
  /** node:fs/promises itself (under ayafileio/register, routed through the engine). */
  fsp() {
    return fsp;
  },
};
