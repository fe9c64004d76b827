/** Module configuration. (Placeholder: the config issue fills in validation and change hooks.) */

/** Every option of configure(), with the seed's defaults. */
export interface AyafileioConfig {
  handlePoolMaxPerKey: number;
  handlePoolMaxTotal: number;
  ioWorkerCount: number;
  bufferPoolMax: number;
  bufferSize: number;
  closeTimeoutMs: number;
  ioUringQueueDepth: number;
  ioUringSqpoll: boolean;
  enableDebugLog: boolean;
}

export const DEFAULT_CONFIG: Readonly<AyafileioConfig> = Object.freeze({
  handlePoolMaxPerKey: 64,
  handlePoolMaxTotal: 2048,
  ioWorkerCount: 0,
  bufferPoolMax: 512,
  bufferSize: 65536,
  closeTimeoutMs: 4000,
  ioUringQueueDepth: 256,
  ioUringSqpoll: false,
  enableDebugLog: false,
});

let current: AyafileioConfig = { ...DEFAULT_CONFIG };

/** A copy of the configuration in force. */
export function getConfig(): AyafileioConfig {
  return { ...current };
}

type ConfigListener = (config: Readonly<AyafileioConfig>, previous: Readonly<AyafileioConfig>) => void;
const listeners: ConfigListener[] = [];

/** Internal: be told after every successful configure()/resetConfig() (the engine re-sizes its ring). */
export function subscribeConfig(listener: ConfigListener): void {
  listeners.push(listener);
}

/** Internal: replace the configuration and tell subscribers (the config issue adds validation). */
export function applyConfig(next: AyafileioConfig): void {
  const previous = current;
  current = { ...next };
  for (const l of listeners) l(current, previous);
}
