#!/usr/bin/env node
/**
 * The `ayafileio` command.
 *
 *   ayafileio bench [--dir DIR] [--quick] [--only NAME[,NAME]] [--json FILE] [--svg FILE]
 *                   [--markdown FILE] [--readme FILE[,FILE]] [--contenders ID[,ID]] [--tiny]
 *   ayafileio info
 *
 * The benchmark suite itself lives in `bench/` (plain JavaScript, so the same scenario code
 * also runs under Bun and Deno as child-process contenders).
 */
import * as path from 'node:path';
import { getBackendInfo } from './index';

/** Parsed `bench` options (see `usage`). */
export interface BenchArgs {
  dir?: string;
  profile: 'full' | 'quick' | 'tiny';
  only?: string[];
  contenders?: string[];
  json?: string;
  svg?: string;
  markdown?: string;
  readme?: string[];
}

const USAGE = `usage:
  ayafileio bench [options]   run the benchmark suite (progress on stderr, table on stdout)
    --dir DIR                 working directory (default: <tmpdir>/ayafileio-bench, reused: keep it warm)
    --quick                   smaller files and fewer, shorter rounds (under 2 minutes)
    --only NAME[,NAME]        scenarios or cases, e.g. randread, randread/readAt, seqread/qd4
    --contenders ID[,ID]      node-fs, ayafileio, ayafileio-fallback, node-uring, bun, deno, fio
    --json FILE               write all results as JSON
    --svg FILE                write the ratio chart as SVG
    --markdown FILE           write the Markdown tables
    --readme FILE[,FILE]      put date, command, machine, chart and tables between the
                              <!-- bench:results --> markers of these Markdown files
    --tiny                    tiny sizes (tests of the harness; numbers mean nothing)
  ayafileio info              print getBackendInfo() as JSON
`;

class UsageError extends Error {}

const VALUE_FLAGS = new Set(['--dir', '--only', '--contenders', '--json', '--svg', '--markdown', '--readme']);

/** Parses the arguments after `bench`; throws UsageError on anything unknown. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { profile: 'full' };
  const lists = (v: string, old?: string[]) => [...(old ?? []), ...v.split(',').filter(Boolean)];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick') args.profile = 'quick';
    else if (flag === '--tiny') args.profile = 'tiny';
    else if (VALUE_FLAGS.has(flag)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      if (flag === '--dir') args.dir = value;
      else if (flag === '--only') args.only = lists(value, args.only);
      else if (flag === '--contenders') args.contenders = lists(value, args.contenders);
      else if (flag === '--readme') args.readme = lists(value, args.readme);
      else if (flag === '--json') args.json = value;
      else if (flag === '--svg') args.svg = value;
      else args.markdown = value;
    } else throw new UsageError(`unknown option ${flag}`);
  }
  return args;
}

interface BenchModule {
  benchCommand(options: BenchArgs & { command: string }): Promise<{ exitCode: number }>;
}

async function bench(argv: string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  // dist/cli.js -> <package>/bench: shipped next to dist/ (package.json "files").
  const suite = require(path.join(__dirname, '..', 'bench', 'index.js')) as BenchModule;
  const { exitCode } = await suite.benchCommand({ ...args, command: ['ayafileio', 'bench', ...argv].join(' ') });
  return exitCode;
}

function info(): number {
  process.stdout.write(`${JSON.stringify(getBackendInfo(), null, 2)}\n`);
  return 0;
}

/** Runs the command line; resolves the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'bench') return await bench(rest);
    if (command === 'info') return info();
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`ayafileio: ${err.message}\n\n${USAGE}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`ayafileio: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
