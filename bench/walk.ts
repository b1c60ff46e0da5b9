/**
 * How close planning from `files` patterns gets to the file system's own speed.
 *
 * Builds a 100,000-file site in a temp directory, then times whole processes under this same Node:
 * - the bare walk: a plain `readdirSync(dir, { withFileTypes: true })` loop, the fastest walk on Node;
 * - compileFilePatterns + walkFiles + fileRunsToItems for `**\/*.html` and for `**\/*.css`, bundled into one
 *   file first (as the action ships), so module loading costs what it will cost in the action;
 * - the action's own bundle in dry runs, as the runner starts it: those `files` patterns, and a push's
 *   `diff` of 80 files that local git answers (the tree is a git repository), each with `collapse: auto`
 *   (the default, which counts the whole tree) and `off`.
 * Whole processes, because that is what a user waits for: Node's start-up is in both columns.
 * Figures are printed, never asserted (the machine is shared).
 *
 * Run: node_modules/.bin/node --import tsx bench/walk.ts [files=100000] [runs=5]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { RUNNER_DEFAULTS } from '../test/support/run-action.js'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A command to time: what to show, and the argv to spawn (argv[0] is the program). */
export interface Command {
  label: string
  argv: readonly string[]
  env?: NodeJS.ProcessEnv
}

/** Wall times of one command run several times, and what each run printed. */
export interface Timing {
  label: string
  /** Milliseconds, one per run, in run order. */
  runs: number[]
  median: number
  min: number
  /** Each run's stdout, in run order. */
  outputs: string[]
}

/** Spawn a command once and time the whole process, start-up included. */
export function runOnce(command: Command): { ms: number; stdout: string } {
  const [program, ...args] = command.argv
  if (program === undefined) throw new Error(`${command.label}: empty argv`)
  const start = process.hrtime.bigint()
  const r = spawnSync(program, args, {
    env: command.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`${command.label}: exit ${r.status}\n${r.stderr}`)
  return { ms, stdout: r.stdout }
}

/**
 * Time several commands `runs` times each, taking turns (a b c a b c ...) so that other load on the
 * machine falls on all of them alike, after one untimed warm-up round (the page cache is then equally
 * warm for all). To add a command, e.g. the action's dry run, give `[process.execPath, 'dist/index.js']`
 * and its environment: the same Node runs everything.
 */
export function timeCommands(commands: readonly Command[], runs = 5): Timing[] {
  for (const c of commands) runOnce(c)
  const timings = commands.map((c): Timing => ({ label: c.label, runs: [], median: 0, min: 0, outputs: [] }))
  for (let i = 0; i < runs; i++) {
    commands.forEach((c, k) => {
      const r = runOnce(c)
      timings[k]?.runs.push(r.ms)
      timings[k]?.outputs.push(r.stdout)
    })
  }
  for (const t of timings) {
    t.median = median(t.runs)
    t.min = Math.min(...t.runs)
  }
  return timings
}

/** {@link timeCommands} for one command. */
export function timeCommand(command: Command, runs = 5): Timing {
  const [timing] = timeCommands([command], runs)
  if (timing === undefined) throw new Error('unreachable')
  return timing
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

/**
 * Write a site-like tree of `count` empty files under `root`: sections / parts / topics, ~50 files a
 * directory, ~40% .html, 10% .css, 20% .js, 30% .png, one directory in 7 with a
 * non-ASCII name and a few files with a space (so their URLs need encoding), an index.html in each
 * directory, a few dotfiles.
 */
export function makeSiteTree(root: string, count: number): void {
  const exts = ['html', 'html', 'png', 'js', 'html', 'png', 'css', 'js', 'html', 'png']
  let written = 0
  for (let topic = 0; written < count; topic++) {
    const dir = join(
      root,
      `section-${topic % 10}`,
      `part-${(topic >> 3) % 12}`,
      `topic-${topic}${topic % 7 === 0 ? '-é' : ''}`,
    )
    mkdirSync(dir, { recursive: true })
    for (let f = 0; f < 50 && written < count; f++, written++) {
      const name =
        f === 0
          ? 'index.html'
          : f === 1 && topic % 5 === 0
            ? '.meta'
            : f === 2 && topic % 11 === 0
              ? 'read me.html'
              : `item-${f}.${exts[(f + topic) % 10]}`
      writeFileSync(join(dir, name), '')
    }
  }
}

/**
 * Each script prints JSON: its result, and the CPU time of its whole process (start-up included), a
 * figure that other load on a shared machine disturbs less than wall time.
 */
const CPU_MS = 'const c = process.cpuUsage(); const cpuMs = (c.user + c.system) / 1000'

/** The bare walk, as a standalone script: what any walker has to do at least. */
const BARE_WALK = `
import { readdirSync } from 'node:fs'
const stack = [process.argv[2]]
let files = 0
for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) stack.push(d + '/' + e.name)
    else files++
  }
}
${CPU_MS}
console.log(JSON.stringify({ files, cpuMs }))
`

/**
 * The planning step, bundled like the action: patterns -> walk -> items. With a third argument `all`,
 * also the whole tree as URLs, as the collapse planner takes it.
 */
const PLAN_ENTRY = `
import { compileFilePatterns } from './src/paths/glob.js'
import { walkFiles } from './src/paths/walk.js'
import { fileRunsToItems, fileUrls } from './src/paths/url.js'
const matcher = compileFilePatterns([process.argv[3]])
const walk = process.argv[4] === 'all' ? walkFiles(process.argv[2], matcher, { all: true }) : walkFiles(process.argv[2], matcher)
const items = fileRunsToItems(walk.runs, { prefix: '/', indexDocument: 'index.html' })
const tree = 'all' in walk ? new Set(fileUrls(walk.all, '/')).size : undefined
${CPU_MS}
console.log(JSON.stringify({ files: walk.runs.reduce((n, r) => n + r.names.length, 0), items: items.length, tree, cpuMs }))
`

async function bundlePlan(outFile: string): Promise<void> {
  // esbuild comes with tsx; it stands in for ncc here (same single-file shape, much faster to build).
  const { build } = await import('esbuild')
  await build({
    stdin: { contents: PLAN_ENTRY, resolveDir: repo, sourcefile: 'plan-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: outFile,
    logLevel: 'warning',
  })
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000)
  const runs = Number(process.argv[3] ?? 5)
  const base = mkdtempSync(join(tmpdir(), 'cfi-bench-walk-'))
  const cleanup = (): void => rmSync(base, { recursive: true, force: true })
  process.once('SIGINT', () => {
    cleanup()
    process.exit(130)
  })
  try {
    const root = join(base, 'site')
    let t = performance.now()
    makeSiteTree(root, count)
    console.log(`tree: ${count} files in ${base} (${((performance.now() - t) / 1000).toFixed(1)} s to write)`)
    t = performance.now()
    commitTwice(base, root)
    console.log(
      `committed, then 80 of its files edited and committed (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    )
    const bare = join(base, 'bare.mjs')
    const plan = join(base, 'plan.mjs')
    writeFileSync(bare, BARE_WALK)
    t = performance.now()
    await bundlePlan(plan)
    console.log(
      `bundled the plan step in ${(performance.now() - t).toFixed(0)} ms; Node ${process.version}, ${runs} runs each`,
    )

    const node = process.execPath
    const timings = timeCommands(
      [
        { label: 'bare readdirSync walk', argv: [node, bare, root] },
        { label: "plan files: '**/*.html'", argv: [node, plan, root, '**/*.html'] },
        { label: "plan files: '**/*.css'", argv: [node, plan, root, '**/*.css'] },
        { label: "'**/*.css' + tree (all)", argv: [node, plan, root, '**/*.css', 'all'] },
        // The whole action, as the runner starts it: dist/index.js dry run (no AWS call), default collapse
        // (which walks the whole tree to count unchanged objects) and collapse off.
        actionDryRun('action dry run **/*.html', root, { files: '**/*.html' }, base),
        actionDryRun('  same, collapse: off', root, { files: '**/*.html', collapse: 'off' }, base),
        actionDryRun('action dry run **/*.css', root, { files: '**/*.css' }, base),
        actionDryRun('  same, collapse: off', root, { files: '**/*.css', collapse: 'off' }, base),
        // A push's diff (the last commit: 80 files), which local git answers; the tree is still counted.
        actionDryRun('action dry run diff', root, { diff: 'HEAD~1..HEAD' }, base),
        actionDryRun('  same, collapse: off', root, { diff: 'HEAD~1..HEAD', collapse: 'off' }, base),
        {
          label: 'node start-up alone',
          argv: [node, '-e', `${CPU_MS}; console.log(JSON.stringify({ cpuMs }))`],
        },
      ],
      runs,
    )
    const json = (o: string | undefined): Record<string, number> | undefined => {
      try {
        return JSON.parse(o ?? '') as Record<string, number>
      } catch {
        return undefined // the action prints its log, not JSON
      }
    }
    const cpu = (t: Timing): number => median(t.outputs.map((o) => json(o)?.cpuMs ?? NaN))
    const [baseline] = timings
    if (baseline === undefined) return
    console.log('\nwhole processes         wall ms: median  min  ratio   cpu ms: median  ratio   output')
    for (const t of timings) {
      const output = json(t.outputs.at(-1)) ?? {}
      delete output.cpuMs
      console.log(
        [
          t.label.padEnd(28),
          t.median.toFixed(0).padStart(11),
          t.min.toFixed(0).padStart(5),
          `${(t.median / baseline.median).toFixed(2)}x`.padStart(6),
          cpu(t).toFixed(0).padStart(17),
          `${(cpu(t) / cpu(baseline)).toFixed(2)}x`.padStart(6),
          `  ${JSON.stringify(output)}`,
        ].join(''),
      )
    }
    console.log('\ntarget: plan <= 2.5x the bare walk (aim 2x), wall time of whole processes')
  } finally {
    cleanup()
  }
}

/**
 * Make `dir` a git repository holding the tree under `root`, then edit 80 files (50 pages' index.html
 * and 30 scripts, spread over the sections) in a second commit: what a push's diff looks like.
 */
function commitTwice(dir: string, root: string): void {
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
      cwd: dir,
      stdio: 'ignore',
    })
  }
  git('init', '--quiet')
  git('add', 'site')
  git('commit', '--quiet', '--message', 'site')
  const edited = walkTree(root)
    .filter((f) => f.endsWith('/index.html'))
    .filter((_, i) => i % 40 === 0)
  const scripts = walkTree(root)
    .filter((f) => f.endsWith('.js'))
    .filter((_, i) => i % 600 === 0)
  for (const file of [...edited.slice(0, 50), ...scripts.slice(0, 30)]) appendFileSync(file, 'edited\n')
  git('commit', '--quiet', '--all', '--message', 'edit 80 files')
}

/** Every file under `dir`, sorted. */
function walkTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

/** The action's bundle in a dry run over `root` with these inputs, as the runner would start it. */
function actionDryRun(label: string, root: string, inputs: Record<string, string>, dir: string): Command {
  writeFileSync(join(dir, 'output'), '') // the runner creates these files before the step starts
  writeFileSync(join(dir, 'summary'), '')
  return {
    label,
    argv: [process.execPath, join(repo, 'dist', 'index.js')],
    env: {
      PATH: process.env.PATH,
      // Every input at its action.yml default, as the runner passes them (e.g. index-document: index.html).
      ...Object.fromEntries(
        Object.entries(RUNNER_DEFAULTS).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
      ),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      'INPUT_DISTRIBUTION-ID': 'E2EXAMPLE0000',
      INPUT_ROOT: root,
      'INPUT_DRY-RUN': 'true',
      ...Object.fromEntries(
        Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
      ),
    },
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main()
}
