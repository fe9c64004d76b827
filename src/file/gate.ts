/**
 * The gate every call on an open file passes through, as every method of Node's FileHandle
 * passes through `fsCall` (lib/internal/fs/promises.js): one place that refuses calls on a
 * closed file, counts the calls in flight that close() waits for, and — for AsyncFile's
 * ordered calls — decides whether a call starts at once or after the calls ahead of it.
 */

/**
 * Calls in flight on one file and its close. A call is counted from enter() to leave();
 * close() stops new calls at once (check() throws) and runs its `finish` once, after the
 * calls it waits for.
 */
export class CallGate {
  /** Calls between enter() and leave(). */
  #inflight = 0;
  /** Set while drained() waits for the last call to leave. */
  #onDrained: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  readonly #closedError: (syscall: string) => Error;

  /** `closedError(syscall)` is what a call made after close() throws. */
  constructor(closedError: (syscall: string) => Error) {
    this.#closedError = closedError;
  }

  /** True once close() has been called. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** Throw the closed-file error once close() has been called. */
  check(syscall: string): void {
    if (this.#closing !== undefined) throw this.#closedError(syscall);
  }

  /** A call starts; close() waits for its leave(). */
  enter(): void {
    this.#inflight++;
  }

  /** A call entered with enter() has ended. */
  leave(): void {
    if (--this.#inflight === 0 && this.#onDrained !== undefined) this.#onDrained();
  }

  /** Run `op` as one call: refused once close() was called, counted in flight until it settles. */
  async run<T>(syscall: string, op: () => Promise<T>): Promise<T> {
    this.check(syscall);
    this.enter();
    try {
      return await op();
    } finally {
      this.leave();
    }
  }

  /** No call is in flight now. */
  get quiet(): boolean {
    return this.#inflight === 0;
  }

  /** Settles once no call is in flight; undefined when none is now. */
  drained(): Promise<void> | undefined {
    if (this.#inflight === 0) return undefined;
    return new Promise((resolve) => {
      this.#onDrained = resolve;
    });
  }

  /**
   * Close once: the first call runs `finish` (which waits for what it must, see drained());
   * later calls resolve when it has settled, whatever its outcome.
   */
  close(finish: () => Promise<void>): Promise<void> {
    if (this.#closing !== undefined) return this.#closing.then(noop, noop);
    this.#closing = finish();
    return this.#closing;
  }
}

/** What the ordered gate needs from the buffered layers under the file. */
export interface OrderedLayers {
  /**
   * Whether a positional op must first wait for the layers to catch up: written bytes still in
   * the buffer, or a position "at the end after an append" not learnt yet.
   */
  readonly behind: boolean;
  /** Write out what the layers hold and learn the position (what a positional op waits for). */
  catchUp(): Promise<void>;
  /** The queue ran empty: nothing more can join the current flush group (group commit). */
  queueEmpty(): void;
}

/** A later call waiting for a positional op in flight to end. */
interface EndWaiter {
  ended: Promise<void>;
  resolve: () => void;
}

/** Queued calls waiting until every positional op started before them (number < upTo) has ended. */
interface DrainWaiter extends EndWaiter {
  upTo: number;
}

/** Where a positional op covers, and whether it writes there. */
export interface Range {
  start: number;
  end: number;
  write: boolean;
}

/**
 * The gate of a file whose calls take effect in call order (AsyncFile). Queued calls run one
 * at a time, each after every call made before it, positional ones included; positional ops
 * (a Range) skip the queue and may run in parallel, and wait only for what they must see or
 * must not disturb: the queued calls and buffered writes made before them (through a barrier,
 * a catchUp() issued through the queue) and the earlier positional ops overlapping them that
 * conflict (a write with anything, a read with writes). The one rule, in
 * {@link OrderedGate.ahead}: a call starts at once when nothing it must wait for is
 * outstanding.
 */
export class OrderedGate extends CallGate {
  readonly #layers: OrderedLayers;
  /** Queued calls not yet settled (0: the next call starts at once). */
  #queued = 0;
  /** Settles (never rejects) when the last queued call has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Positional ops in flight that a later call may have to wait for, with their start numbers, oldest first. */
  readonly #positional = new Map<Range, number>();
  /** How many positional ops have been tracked: the next one's number. */
  #tracked = 0;
  /** How many of #positional write: while none does, reads conflict with nothing (no scan). */
  #writesInFlight = 0;
  /** The smallest start and largest end among #positional: most ranges are checked against it alone. */
  #spanStart = Infinity;
  #spanEnd = -Infinity;
  /** Later calls waiting for a positional op in flight to end, by op (made only when one waits). */
  readonly #endWaiters = new Map<Range, EndWaiter>();
  /** Queued calls waiting for the positional ops started before them, oldest first. */
  readonly #drainWaiters: DrainWaiter[] = [];
  /** A queued call settled; the last one tells the layers the queue ran empty. */
  readonly #queuedDone = (): void => {
    if (--this.#queued === 0) this.#layers.queueEmpty();
  };

  constructor(closedError: (syscall: string) => Error, layers: OrderedLayers) {
    super(closedError);
    this.#layers = layers;
  }

  /** Nothing queued and no positional op in flight: a call may take effect at once. */
  get idle(): boolean {
    return this.#queued === 0 && this.#positional.size === 0;
  }

  /** Calls are queued: the queue's last call will tell the layers when it runs empty. */
  get busy(): boolean {
    return this.#queued !== 0;
  }

  /** Run `op` after every earlier call on the file has settled (checked, as every call). */
  queued<T>(syscall: string, op: () => Promise<T>): Promise<T> {
    try {
      this.check(syscall);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#enqueue(op);
  }

  /**
   * A call that is done at once when the file is idle: `now(arg)` gives its result, or
   * undefined when it needs the kernel; then (or when calls are ahead) `later(arg)` runs
   * queued. `now` and `later` take the call's argument so callers can pass functions made
   * once (the fast path allocates nothing but the returned promise).
   */
  soon<A, T>(syscall: string, now: (arg: A) => T | undefined, later: (arg: A) => Promise<T>, arg: A): Promise<T> {
    try {
      this.check(syscall);
      // `now` only fills memory (the buffer): positional reads in flight cannot see it, so
      // only queued calls and positional writes (which it must land after) hold it back.
      const result = this.#queued === 0 && this.#writesInFlight === 0 ? now(arg) : undefined;
      if (result !== undefined) return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#enqueue(() => later(arg));
  }

  /**
   * A call whose effect in call order is to join something that completes later (a flush
   * joining a group commit): `join()` runs at once when the file is idle, else in the queue,
   * which moves on as soon as it has joined; resolves what `join()`'s promise resolves.
   */
  joined<T>(syscall: string, join: () => Promise<T>): Promise<T> {
    try {
      this.check(syscall);
      if (this.idle) return join();
    } catch (err) {
      return Promise.reject(err);
    }
    let outcome!: Promise<T>;
    const joinedInOrder = this.#enqueue(async () => {
      outcome = join();
      outcome.catch(noop); // handled until the caller, who awaits it below, sees it
    });
    return joinedInOrder.then(() => outcome);
  }

  /** close() through the queue: `finish` runs after every call made before it. */
  closeQueued(finish: () => Promise<void>): Promise<void> {
    return this.close(() => this.#enqueue(finish));
  }

  /**
   * A positional op `call` (its Range and whatever `op` needs): `op(call)` starts it and gives
   * the first kernel result (a number when the backend finished inside the call),
   * `finish(call, n)` turns that into the call's value (or a promise of it, when more ops are
   * needed: a short read). With nothing to wait for, `op` runs now, and a number it gives that
   * `finish` completes costs no promise but the one returned; otherwise it runs after what is
   * ahead. Counted in flight until done. `op` and `finish` take the call so callers can pass
   * functions made once: the fast path allocates only `call` and the returned promise.
   */
  positional<C extends Range, R>(syscall: string, call: C, op: (call: C) => number | Promise<number>, finish: (call: C, n: number) => R | Promise<R>): Promise<R> {
    try {
      this.check(syscall);
    } catch (err) {
      return Promise.reject(err);
    }
    this.enter();
    const ahead = this.ahead(call);
    if (ahead !== undefined) return this.#settle(ahead.then(() => op(call)), call, finish);
    let value: R | Promise<R>;
    try {
      const first = op(call);
      if (typeof first !== 'number') return this.#settle(first, call, finish);
      value = finish(call, first);
    } catch (err) {
      this.leave();
      return Promise.reject(err);
    }
    if (value instanceof Promise) return this.#settle(value, call, passThrough);
    this.leave(); // ended inside the call: no later call can have seen it in flight
    return Promise.resolve(value);
  }

  /**
   * The one rule's answer for a positional op over [start, end) made now, without allocating:
   * whether it may start at once (nothing queued, the layers caught up, no conflicting op in
   * flight). Throws the closed-file error. A caller that starts it calls enter(), then leave()
   * if it ended inside the call, or follow() with what the op gave.
   */
  startsNow(syscall: string, start: number, end: number, write: boolean): boolean {
    this.check(syscall);
    return this.#queued === 0 && !this.#layers.behind && this.#conflicts(start, end, write) === undefined;
  }

  /** A positional op started at once (startsNow) that did not end inside its call: as positional() goes on. */
  follow<C extends Range, R>(call: C, first: number | Promise<number>, finish: (call: C, n: number) => R | Promise<R>): Promise<R> {
    return this.#settle(first, call, finish);
  }

  /**
   * A positional op started at once (startsNow) whose result comes later to a callback, not
   * as a promise: tracked in flight (later calls may wait for it) until ended(call).
   */
  began(call: Range): void {
    this.#track(call);
  }

  /** The op of began() has ended: it leaves the gate. */
  ended(call: Range): void {
    this.#untrack(call);
    this.leave();
  }

  /**
   * The one rule: what a call over `range` (undefined: a queued call, the whole file) must wait
   * for, or undefined when it may start now. A queued call waits for the queue and every
   * positional op in flight; a positional op waits for a barrier through the queue when calls
   * are queued or the layers are behind, and for the positional ops in flight it conflicts with.
   */
  ahead(range?: Range): Promise<unknown> | undefined {
    if (range === undefined) {
      const positional = this.#positionalEnded();
      if (this.#queued === 0) return positional;
      return positional === undefined ? this.#tail : Promise.all([this.#tail, positional]);
    }
    const conflicts = this.#endOf(this.#conflicts(range.start, range.end, range.write));
    if (this.#queued === 0 && !this.#layers.behind) return conflicts;
    const barrier = this.#enqueue(() => this.#layers.catchUp());
    return conflicts === undefined ? barrier : Promise.all([barrier, conflicts]);
  }

  /**
   * The rest of a positional op that did not end inside its call: tracked while in flight
   * (later calls may wait for it), then it leaves the gate.
   */
  async #settle<C extends Range, N, R>(first: N | Promise<N>, call: C, finish: (call: C, n: N) => R | Promise<R>): Promise<R> {
    this.#track(call);
    try {
      const value = finish(call, await first);
      return value instanceof Promise ? await value : value;
    } finally {
      this.#untrack(call);
      this.leave();
    }
  }

  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const ahead = this.ahead();
    this.#queued++;
    const result = ahead === undefined ? startNow(op) : ahead.then(op);
    this.#tail = result.then(this.#queuedDone, this.#queuedDone);
    return result;
  }

  #track(range: Range): void {
    this.#positional.set(range, this.#tracked++);
    if (range.write) this.#writesInFlight++;
    if (range.start < this.#spanStart) this.#spanStart = range.start;
    if (range.end > this.#spanEnd) this.#spanEnd = range.end;
  }

  #untrack(range: Range): void {
    this.#positional.delete(range);
    if (range.write) this.#writesInFlight--;
    if (this.#endWaiters.size !== 0) {
      const waiter = this.#endWaiters.get(range);
      if (waiter !== undefined) {
        this.#endWaiters.delete(range);
        waiter.resolve();
      }
    }
    if (this.#positional.size === 0) {
      this.#spanStart = Infinity;
      this.#spanEnd = -Infinity;
    }
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    const oldest = this.#positional.size === 0 ? Infinity : this.#positional.values().next().value!;
    while (waiters.length !== 0 && waiters[0].upTo <= oldest) waiters.shift()!.resolve();
  }

  /**
   * Settles when every positional op now in flight has ended (not those started later: a
   * barrier they wait for may itself wait here); undefined if none is in flight.
   */
  #positionalEnded(): Promise<void> | undefined {
    if (this.#positional.size === 0) return undefined;
    const upTo = this.#tracked;
    const last = this.#drainWaiters[this.#drainWaiters.length - 1];
    if (last !== undefined && last.upTo === upTo) return last.ended;
    const waiter = { ...endWaiter(), upTo };
    this.#drainWaiters.push(waiter);
    return waiter.ended;
  }

  /**
   * The positional ops in flight that an op over [start, end) conflicts with (a write with
   * every op it overlaps, a read with the writes); undefined if none.
   */
  #conflicts(start: number, end: number, write: boolean): Range[] | undefined {
    if (!write && this.#writesInFlight === 0) return undefined;
    if (this.#positional.size === 0 || end <= this.#spanStart || this.#spanEnd <= start) return undefined;
    let found: Range[] | undefined;
    for (const op of this.#positional.keys()) {
      if ((op.write || write) && op.start < end && start < op.end) (found ??= []).push(op);
    }
    return found;
  }

  /** Settles when every op of `ops` has ended; undefined for none. */
  #endOf(ops: Range[] | undefined): Promise<unknown> | undefined {
    if (ops === undefined) return undefined;
    const waits = ops.map((op) => {
      let waiter = this.#endWaiters.get(op);
      if (waiter === undefined) this.#endWaiters.set(op, (waiter = endWaiter()));
      return waiter.ended;
    });
    return waits.length === 1 ? waits[0] : Promise.all(waits);
  }
}

function endWaiter(): EndWaiter {
  let resolve!: () => void;
  const ended = new Promise<void>((r) => (resolve = r));
  return { ended, resolve };
}

/** Does nothing (a placeholder callback). */
export function noop(): void {}

/** #settle()'s `finish` for a value that is already the result. */
function passThrough<T>(_call: unknown, value: T): T {
  return value;
}

/** Call `op` now; a synchronous throw becomes a rejection (the queue must always move on). */
function startNow<T>(op: () => Promise<T>): Promise<T> {
  try {
    return op();
  } catch (err) {
    return Promise.reject(err);
  }
}
