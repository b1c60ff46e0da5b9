/**
 * The CLI run in-process (src/cli/index.ts `runCli`) with its streams captured, against a fake CloudFront:
 * fast enough to cover every command and case; test/e2e-cli.test.ts runs the bundle as users do.
 */
import type { CloudFrontApi, ConnectOptions } from '../../src/cloudfront/api.js'
import { runCli } from '../../src/cli/index.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  /** stdout and stderr as they reached one screen, in order (for a terminal's view of both). */
  both: string
}

export interface CliRunOptions {
  /** Environment (the SDK itself reads process.env: stub cloudFrontEnv(fake) there too). */
  env?: NodeJS.ProcessEnv
  /** Pretend both streams are a terminal. */
  tty?: boolean
  stdin?: string
  connect?: (options: ConnectOptions) => Promise<CloudFrontApi>
  /** The Node.js version the CLI sees (default a supported one: vitest runs on this machine's Node 20). */
  nodeVersion?: string
  /** Press Ctrl-C (or send `signal`) once the output so far matches `when`. */
  cancel?: { when: RegExp; signal?: NodeJS.Signals }
}

/** Run `cloudfront-invalidate ARGV` in this process. */
export async function cli(argv: string[], o: CliRunOptions = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  let both = ''
  let onCancel: ((signal: NodeJS.Signals, again: boolean) => void) | undefined
  let cancelled = false
  const seen = (t: string): void => {
    both += t
    if (o.cancel === undefined || cancelled || onCancel === undefined || !o.cancel.when.test(both)) return
    cancelled = true
    const handler = onCancel
    // As a signal arrives: from outside, after the write that showed what was awaited.
    setImmediate(() => handler(o.cancel?.signal ?? 'SIGINT', false))
  }
  const code = await runCli(argv, {
    env: o.env ?? {},
    stdout: {
      write: (t: string) => ((stdout += t), seen(t)),
      ...(o.tty ? { isTTY: true } : {}),
    },
    stderr: {
      write: (t: string) => ((stderr += t), seen(t)),
      ...(o.tty ? { isTTY: true } : {}),
    },
    onCancel: (handler) => {
      onCancel = handler
      return () => {
        onCancel = undefined
      }
    },
    readStdin: () => Promise.resolve(o.stdin ?? ''),
    nodeVersion: o.nodeVersion ?? 'v24.0.0',
    ...(o.connect ? { connect: o.connect } : {}),
  })
  return { code, stdout, stderr, both }
}

/** A control sequence: ESC [ digits letter. */
const CSI = new RegExp(`^${String.fromCharCode(27)}\\[(\\d*)([A-Za-z])`)

/**
 * What a terminal shows for `text`: `\r` returns to the line start, ESC[K erases to its end, other
 * escape sequences (colour) are dropped.
 */
export function screen(text: string): string[] {
  const lines: string[] = ['']
  let col = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? ''
    const row = lines.length - 1
    if (c === '\n') {
      lines.push('')
      col = 0
    } else if (c === '\r') {
      col = 0
    } else if (c === '\x1b') {
      const m = CSI.exec(text.slice(i))
      if (m === null) continue
      if (m[2] === 'K') lines[row] = (lines[row] ?? '').slice(0, col)
      i += m[0].length - 1
    } else {
      const line = lines[row] ?? ''
      lines[row] = line.slice(0, col) + c + line.slice(col + 1)
      col++
    }
  }
  return lines
}
