'use strict';
// Progress on stderr: one line redrawn in place on a terminal, plain lines otherwise (logs,
// CI, tests), where only the per-case summaries are printed.

class Progress {
  constructor(stream = process.stderr) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.drawn = false;
    this.started = Date.now();
  }

  /** Transient status (a terminal only), after the time since the start. */
  status(text) {
    if (!this.tty) return;
    const s = Math.floor((Date.now() - this.started) / 1000);
    const line = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} ${text}`;
    const width = (this.stream.columns || 100) - 1;
    this.stream.write(`\r\x1b[K${line.slice(0, width)}`);
    this.drawn = true;
  }

  /** A line that stays. */
  line(text) {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
    this.stream.write(`${text}\n`);
  }

  done() {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** A progress that prints nothing (library use). */
class SilentProgress {
  status() {}
  line() {}
  done() {}
}

module.exports = { Progress, SilentProgress };
