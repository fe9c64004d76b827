/**
 * ayafileio: truly asynchronous file I/O for Node.js.
 * (Placeholder entry point: the public API lands with the AsyncFile and config work.)
 */

/** The package version. */
export const version = '0.1.0';
