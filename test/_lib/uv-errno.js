'use strict';
// libuv's errno numbers by name, positive like os.constants.errno, so `-E.ENOENT` is what
// node:fs reports on every platform. os.constants.errno holds the C library's numbers, which on
// Windows are not libuv's (ENOENT is 2 there, libuv's is 4058).
const { getSystemErrorMap } = require('node:util');

module.exports = Object.freeze(Object.fromEntries([...getSystemErrorMap()].map(([errno, [name]]) => [name, -errno])));
