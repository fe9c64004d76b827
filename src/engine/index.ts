/**
 * Picks the backend once per JS realm. (Placeholder: the engine issue adds the native
 * io_uring/IOCP backend and the selection rules; until then everything runs on node:fs.)
 */
import { FallbackBackend } from './fallback';
import type { OpBackend } from './types';

let backend: OpBackend | undefined;

/** The backend every AsyncFile in this realm uses. */
export function getBackend(): OpBackend {
  backend ??= new FallbackBackend();
  return backend;
}
