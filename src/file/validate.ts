/**
 * Argument checks for the file API, with Node's error codes: ERR_INVALID_ARG_TYPE for a
 * wrong type, ERR_OUT_OF_RANGE for a number outside its range.
 */
import { constants as bufferConstants } from 'node:buffer';
import { argTypeError, outOfRange } from '../errors';

/** The largest Buffer this Node can allocate. */
export const MAX_LENGTH = bufferConstants.MAX_LENGTH;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') {
    return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
  }
  return `type ${typeof value} (${String(value)})`;
}

/** TypeError ERR_INVALID_ARG_TYPE: "The "name" argument must be <expected>. Received …". */
export function invalidType(name: string, expected: string, value: unknown): TypeError {
  return argTypeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}. Received ${describe(value)}`);
}

/**
 * TypeError ERR_TOO_MANY_ARGS for a call with `count` arguments to `method`, which takes
 * fewer: an argument a method does not take would otherwise be ignored silently (write(buf,
 * 1, 2, 0) meaning something else to a node:fs user). `hint` says what to use instead.
 */
export function tooManyArgs(method: string, count: number, hint?: string): TypeError {
  return argTypeError('ERR_TOO_MANY_ARGS', `${method} got ${count} arguments, more than it takes${hint === undefined ? '' : `: ${hint}`}`);
}

/** Throw tooManyArgs() when `count` (the call's arguments.length) exceeds `max`. */
export function checkArgCount(count: number, max: number, method: string, hint?: string): void {
  if (count > max) throw tooManyArgs(method, count, hint);
}

/** An integer in [min, max]; throws TypeError/RangeError otherwise. */
export function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw outOfRange(name, `an integer >= ${min} && <= ${max}`, value);
  }
  return value;
}

/** A size where undefined, null or any negative number means "all" (returned as -1), as in Python. */
export function checkSizeOrAll(value: unknown, name: string): number {
  if (value === undefined || value === null) return -1;
  if (typeof value === 'number' && Number.isInteger(value) && value < 0) return -1;
  return checkInteger(value, name, 0, MAX_LENGTH);
}

/** A file offset: a non-negative safe integer. */
export function checkPosition(value: unknown, name = 'position'): number {
  return checkInteger(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** Bytes of a Buffer, TypedArray or DataView, as a Uint8Array over the same memory. */
export function toBytes(value: unknown, name: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw invalidType(name, 'an instance of Buffer, TypedArray, or DataView', value);
}
