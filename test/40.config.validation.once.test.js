'use strict';
// Covers: no backend: configuration only (native pass only), every platform; what: configure()/getConfig()/resetConfig(): validation, aliases, change hooks.
// configure()/getConfig()/resetConfig(): every option, every kind of bad value, atomicity,
// snake_case aliases, reset. Backend-independent, so it runs once.
const test = require('node:test');
const assert = require('node:assert');
const { configure, getConfig, resetConfig } = require('../dist/index.js');
const { subscribeConfig } = require('./_lib/internals.js').config;

const DEFAULTS = {
  handlePoolMaxPerKey: 64,
  handlePoolMaxTotal: 2048,
  ioWorkerCount: 0,
  bufferPoolMax: 512,
  bufferSize: 65536,
  closeTimeoutMs: 4000,
  ioUringQueueDepth: 256,
  ioUringSqpoll: false,
  enableDebugLog: false,
};

// [name, min, max] of every integer option (the ranges docs/api.md documents).
const INTEGER_OPTIONS = [
  ['handlePoolMaxPerKey', 1, 65536],
  ['handlePoolMaxTotal', 1, 1048576],
  ['ioWorkerCount', 0, 4096],
  ['bufferPoolMax', 0, 65536],
  ['bufferSize', 1, 2 ** 30],
  ['closeTimeoutMs', 0, 2 ** 31 - 1],
  ['ioUringQueueDepth', 1, 32768],
];
const BOOLEAN_OPTIONS = ['ioUringSqpoll', 'enableDebugLog'];

const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Assert configure(options) throws `Ctor` with `code`, mentions `key`, and changes nothing. */
function assertRejected(options, Ctor, code, key) {
  const before = getConfig();
  assert.throws(() => configure(options), (err) => {
    assert.ok(err instanceof Ctor, `${err} should be a ${Ctor.name}`);
    assert.strictEqual(err.code, code);
    if (key) assert.ok(err.message.includes(key), `message "${err.message}" should name ${key}`);
    return true;
  });
  assert.deepStrictEqual(getConfig(), before);
}

test.afterEach(() => resetConfig());

test('the defaults are the seed\'s', () => {
  resetConfig();
  assert.deepStrictEqual(getConfig(), DEFAULTS);
});

test('getConfig returns a copy: changing it changes nothing', () => {
  const c = getConfig();
  c.bufferSize = 1;
  assert.strictEqual(getConfig().bufferSize, 65536);
  assert.notStrictEqual(getConfig(), getConfig());
});

test('every integer option accepts its bounds, in camelCase and snake_case', () => {
  for (const [name, min, max] of INTEGER_OPTIONS) {
    assert.strictEqual(configure({ [name]: min })[name], min, name);
    assert.strictEqual(getConfig()[name], min);
    configure({ [snake(name)]: max });
    assert.strictEqual(getConfig()[name], max, snake(name));
  }
});

test('every boolean option accepts true and false, in both spellings', () => {
  for (const name of BOOLEAN_OPTIONS) {
    configure({ [name]: true });
    assert.strictEqual(getConfig()[name], true);
    configure({ [snake(name)]: false });
    assert.strictEqual(getConfig()[name], false);
  }
});

test('wrong types are TypeErrors with ERR_INVALID_ARG_TYPE naming the key', () => {
  for (const [name] of INTEGER_OPTIONS) {
    for (const bad of ['1', true, null, {}, [], 1n]) {
      assertRejected({ [name]: bad }, TypeError, 'ERR_INVALID_ARG_TYPE', name);
    }
    assertRejected({ [snake(name)]: '1' }, TypeError, 'ERR_INVALID_ARG_TYPE', snake(name));
  }
  for (const name of BOOLEAN_OPTIONS) {
    for (const bad of [1, 0, 'true', null, {}]) {
      assertRejected({ [name]: bad }, TypeError, 'ERR_INVALID_ARG_TYPE', name);
    }
  }
});

test('non-integers and out-of-range values are RangeErrors with ERR_OUT_OF_RANGE naming the key', () => {
  for (const [name, min, max] of INTEGER_OPTIONS) {
    for (const bad of [min + 0.5, NaN, Infinity, -Infinity, min - 1, max + 1]) {
      assertRejected({ [name]: bad }, RangeError, 'ERR_OUT_OF_RANGE', name);
    }
  }
});

test('unknown keys are TypeErrors with ERR_INVALID_ARG_VALUE naming the key', () => {
  assertRejected({ bufferSzie: 10 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'bufferSzie');
  assertRejected({ BufferSize: 10 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'BufferSize');
  assertRejected({ buffer_size_: 10 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'buffer_size_');
});

test('options that are not an object are TypeErrors with ERR_INVALID_ARG_TYPE', () => {
  for (const bad of [undefined, null, 5, 'bufferSize', [], true]) {
    assertRejected(bad, TypeError, 'ERR_INVALID_ARG_TYPE', 'options');
  }
});

test('an invalid call applies nothing, wherever the bad key is', () => {
  assertRejected({ bufferSize: 1024, ioUringQueueDepth: 0 }, RangeError, 'ERR_OUT_OF_RANGE', 'ioUringQueueDepth');
  assertRejected({ ioUringQueueDepth: 0, bufferSize: 1024 }, RangeError, 'ERR_OUT_OF_RANGE', 'ioUringQueueDepth');
  assertRejected({ bufferSize: 1024, enableDebugLog: true, nope: 1 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'nope');
  assert.deepStrictEqual(getConfig(), DEFAULTS);
});

test('subscribers hear successful calls only, with the new and previous configuration', () => {
  const heard = [];
  subscribeConfig((config, previous) => heard.push([config.bufferSize, previous.bufferSize]));
  configure({ bufferSize: 4096 });
  assert.throws(() => configure({ bufferSize: 0 }));
  resetConfig();
  assert.deepStrictEqual(heard.slice(-2), [[4096, 65536], [65536, 4096]]);
});

test('one option given both ways: same value accepted, different values rejected naming both', () => {
  configure({ bufferSize: 8192, buffer_size: 8192 });
  assert.strictEqual(getConfig().bufferSize, 8192);
  assertRejected({ io_uring_queue_depth: 64, ioUringQueueDepth: 128 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'io_uring_queue_depth');
  assertRejected({ ioUringQueueDepth: 64, io_uring_queue_depth: 128 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'ioUringQueueDepth');
});

test('undefined values count as absent', () => {
  configure({ bufferSize: 4096 });
  configure({ bufferSize: undefined, closeTimeoutMs: 10 });
  assert.strictEqual(getConfig().bufferSize, 4096);
  assert.strictEqual(getConfig().closeTimeoutMs, 10);
});

test('configure returns the configuration now in force, as a copy', () => {
  const returned = configure({ ioUringQueueDepth: 1000 });
  assert.deepStrictEqual(returned, { ...DEFAULTS, ioUringQueueDepth: 1000 });
  returned.ioUringQueueDepth = 2;
  assert.strictEqual(getConfig().ioUringQueueDepth, 1000);
});

test('resetConfig restores every default', () => {
  configure({
    handlePoolMaxPerKey: 2, handlePoolMaxTotal: 3, ioWorkerCount: 4, bufferPoolMax: 5, bufferSize: 6,
    closeTimeoutMs: 7, ioUringQueueDepth: 8, ioUringSqpoll: true, enableDebugLog: true,
  });
  assert.notDeepStrictEqual(getConfig(), DEFAULTS);
  assert.deepStrictEqual(resetConfig(), DEFAULTS);
  assert.deepStrictEqual(getConfig(), DEFAULTS);
});
