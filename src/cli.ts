#!/usr/bin/env node
/**
 * The `ayafileio` command.
 *
 *   ayafileio bench [--dir DIR] [--quick] [--only NAME[,NAME]] [--json FILE] [--svg FILE]
 *                   [--markdown FILE] [--readme FILE[,FILE]] [--contenders ID[,ID]] [--tiny]
 *   ayafileio info
 *   ayafileio --version | --help
 *
 * Arguments are parsed by node:util's parseArgs (strict: an unknown option, a missing value or
 * a stray argument is a usage error, exit code 2). The benchmark suite itself lives in
 * `bench/` (plain JavaScript, so the same scenario code also runs under Bun and Deno as
 * child-process contenders).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { getBackendInfo, version } from './index';

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
    --contenders ID[,ID]      node-fs, ayafileio, ayafileio-fallback, node-uring, register, bun, deno, fio,
                              fio-percore
    --json FILE               write all results as JSON
    --svg FILE                write the ratio chart as SVG
    --markdown FILE           write the Markdown tables
    --readme FILE[,FILE]      put date, command, machine, chart and tables between the
                              <!-- bench:results --> markers of these Markdown files
    --tiny                    tiny sizes (tests of the harness; numbers mean nothing)
  ayafileio info              print getBackendInfo() as JSON
  ayafileio --version, -v     print the package version
  ayafileio --help, -h        print this text
`;

class UsageError extends Error {}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs in strict mode, its errors (unknown option, missing value, stray argument) as UsageError. */
function parseStrict<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((err as Error).message);
    throw err;
  }
}

const BENCH_OPTIONS = {
  dir: { type: 'string' },
  quick: { type: 'boolean' },
  tiny: { type: 'boolean' },
  only: { type: 'string', multiple: true },
  contenders: { type: 'string', multiple: true },
  json: { type: 'string' },
  svg: { type: 'string' },
  markdown: { type: 'string' },
  readme: { type: 'string', multiple: true },
} as const;

/** Parses the arguments after `bench`; throws UsageError on anything unknown. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, tokens } = parseStrict(argv, BENCH_OPTIONS);
  const args: BenchArgs = { profile: 'full' };
  // --quick and --tiny: the last one given wins
  for (const t of tokens) if (t.kind === 'option' && (t.name === 'quick' || t.name === 'tiny')) args.profile = t.name;
  const list = (v: string[] | undefined) => (v === undefined ? undefined : v.flatMap((s) => s.split(',')).filter(Boolean));
  if (values.dir !== undefined) args.dir = values.dir;
  if (values.only !== undefined) args.only = list(values.only);
  if (values.contenders !== undefined) args.contenders = list(values.contenders);
  if (values.json !== undefined) args.json = values.json;
  if (values.svg !== undefined) args.svg = values.svg;
  if (values.markdown !== undefined) args.markdown = values.markdown;
  if (values.readme !== undefined) args.readme = list(values.readme);
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
    if (command === 'info') {
      parseStrict(rest, {});
      return info();
    }
    if (command === 'help') {
      parseStrict(rest, {});
      process.stdout.write(USAGE);
      return 0;
    }
    if (command === undefined || !command.startsWith('-')) throw new UsageError(command ? `unknown command ${command}` : 'no command given');
    const { values } = parseStrict(argv, { version: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } });
    process.stdout.write(values.version ? `${version}\n` : USAGE);
    return 0;
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
