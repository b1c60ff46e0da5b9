/**
 * What one command run has to work with: the host (streams, environment, seams for tests), the parsed
 * flags, the terminal, and, for commands that call AWS, one client, one deadline and one retry policy.
 */
import type { CloudFrontApi, ConnectOptions } from '../cloudfront/api.js'
import { realClock, type Clock } from '../cloudfront/clock.js'
import type { RetryContext } from '../cloudfront/retry.js'
import { formatDuration } from '../duration.js'
import { readRegion, readTimeout } from '../inputs.js'
import { VERSION } from '../version.js'
import type { ParsedArgs } from './args.js'
import type { Terminal, Stream } from './terminal.js'

/** Everything the CLI takes from its process; tests pass their own. */
export interface CliHost {
  env: NodeJS.ProcessEnv
  stdout: Stream
  stderr: Stream
  /** Standard input, read whole (`wait -`). */
  readStdin(): Promise<string>
  /** The Node.js running the CLI (default `process.version`), for the unsupported-version warning. */
  nodeVersion?: string
  /** Seams for tests: the CloudFront client and the clock. */
  connect?: (options: ConnectOptions) => Promise<CloudFrontApi>
  clock?: Clock
}

/** Raised when --timeout passes in a read-only command. */
export class CommandTimeout extends Error {
  override name = 'CommandTimeout'
}

export class Session {
  readonly clock: Clock
  readonly json: boolean
  readonly verbose: boolean
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private api: Promise<CloudFrontApi> | undefined

  constructor(
    readonly host: CliHost,
    readonly args: ParsedArgs,
    readonly term: Terminal,
  ) {
    this.clock = host.clock ?? realClock
    this.json = args.values.get('json') === 'true'
    this.verbose = args.values.get('verbose') === 'true' || host.env.ACTIONS_STEP_DEBUG === 'true'
  }

  /** A flag's value, if given. */
  flag(name: string): string | undefined {
    return this.args.values.get(name)
  }

  /** The client, connected once with --profile and --region. */
  connect(): Promise<CloudFrontApi> {
    const region = readRegion(this.flag('region') ?? '', this.host.env)
    this.api ??= this.connector()({ region, userAgent: `cloudfront-invalidate/${VERSION}` })
    return this.api
  }

  /** Connect as the pipeline does, with --profile added. */
  connector(): (options: ConnectOptions) => Promise<CloudFrontApi> {
    const profile = (this.flag('profile') ?? '').trim()
    return async (options) =>
      (this.host.connect ?? (await import('../cloudfront/api.js')).connect)(
        profile === '' ? options : { ...options, profile },
      )
  }

  /** The deadline of the whole command (--timeout), started on first use. */
  get signal(): AbortSignal {
    if (this.timer === undefined) {
      const ms = readTimeout(this.flag('timeout') ?? '')
      this.timer = setTimeout(
        () =>
          this.controller.abort(new CommandTimeout(`timeout ${formatDuration(ms)} reached; raise --timeout`)),
        ms,
      )
    }
    return this.controller.signal
  }

  /** Retries of throttling, 5xx and dropped connections, told on stderr, until the deadline. */
  get retry(): RetryContext {
    return { clock: this.clock, signal: this.signal, onRetry: (m) => this.term.warn(m) }
  }

  /** Stop the deadline's timer (so the process can exit at once). */
  close(): void {
    clearTimeout(this.timer)
  }
}
