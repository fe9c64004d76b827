'use strict';
// An in-memory BufferedIO (src/file/types.ts) for testing the text layer on its own: the
// file is a Buffer, reads and writes act on it at once. read1() returns at most `maxRead`
// bytes so tests can force small, odd-sized chunks; the position then runs ahead of the text
// layer's logical position exactly as with a real buffer.

class FakeBuffered {
  /**
   * @param {Buffer} content initial file bytes
   * @param {{ readable?: boolean, writable?: boolean, append?: boolean, maxRead?: number }} [opts]
   */
  constructor(content = Buffer.alloc(0), opts = {}) {
    this.data = Buffer.from(content);
    this.position = 0;
    this.readable = opts.readable ?? true;
    this.writable = opts.writable ?? true;
    this.append = opts.append ?? false;
    this.maxRead = opts.maxRead ?? Infinity;
    this.seekable = true;
    this.fd = -1;
    /** Calls made, for tests that check what the text layer asked for. */
    this.calls = [];
  }

  checkReadable() {
    if (!this.readable) throw Object.assign(new Error('EBADF: bad file descriptor, read'), { code: 'EBADF' });
  }

  take(n) {
    const end = Math.min(this.data.length, this.position + n);
    const out = Buffer.from(this.data.subarray(this.position, Math.max(this.position, end)));
    this.position = Math.max(this.position, end);
    return out;
  }

  async read(size) {
    this.calls.push(['read', size]);
    this.checkReadable();
    return this.take(size < 0 ? Infinity : size);
  }

  async read1(size) {
    this.calls.push(['read1', size]);
    this.checkReadable();
    return this.take(Math.min(size, this.maxRead));
  }

  async readInto(buf) {
    const got = this.take(buf.length);
    got.copy(buf);
    return got.length;
  }

  async readline(limit) {
    this.checkReadable();
    const nl = this.data.indexOf(10, this.position);
    const end = nl === -1 ? this.data.length : nl + 1;
    return this.take(limit >= 0 ? Math.min(limit, end - this.position) : end - this.position);
  }

  /** Recorded as the write of the encoded bytes: the text layer may use either. */
  async writeString(text, encoding) {
    return this.writeStringNow(text, encoding);
  }

  writeStringNow(text, encoding) {
    return this.writeNow(Buffer.from(text, encoding));
  }

  async write(data) {
    return this.writeNow(data);
  }

  /** Every write here is done at once (the real layer does so when the bytes fit its buffer). */
  writeNow(data) {
    this.calls.push(['write', Buffer.from(data).toString('hex')]);
    if (!this.writable) throw Object.assign(new Error('EBADF: bad file descriptor, write'), { code: 'EBADF' });
    if (this.append) this.position = this.data.length;
    if (data.length === 0) return 0;
    const end = this.position + data.length;
    if (end > this.data.length) {
      const grown = Buffer.alloc(end);
      this.data.copy(grown);
      this.data = grown;
    }
    Buffer.from(data).copy(this.data, this.position);
    this.position = end;
    return data.length;
  }

  async seek(offset, whence) {
    this.calls.push(['seek', offset, whence]);
    const base = whence === 0 ? 0 : whence === 1 ? this.position : this.data.length;
    if (base + offset < 0) throw Object.assign(new Error('EINVAL: invalid argument, seek'), { code: 'EINVAL' });
    this.position = base + offset;
    return this.position;
  }

  async tell() {
    return this.position;
  }

  async truncate(size = this.position) {
    this.calls.push(['truncate', size]);
    if (!this.writable) throw Object.assign(new Error('EBADF: bad file descriptor, ftruncate'), { code: 'EBADF' });
    const grown = Buffer.alloc(size);
    this.data.copy(grown, 0, 0, Math.min(size, this.data.length));
    this.data = grown;
    return size;
  }

  async flush() {}
}

module.exports = { FakeBuffered };
