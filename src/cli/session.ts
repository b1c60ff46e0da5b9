/**
 * What one command run has to work with: the host (streams, environment, seams for tests), the parsed
 * flags, the terminal, and, for commands that call AWS, one client, one deadline and one retry policy.
 */
import type { CloudFrontApi, ConnectOptions } from '../cloudfront/api.js'
import { realClock, type Clock } from '../cloudfront/clock.js'
import type { RetryContext } from '../cloudfront/retry.js'
import { formatDuration } from '../duration.js'
import { readRegion, readTimeout } from '../inputs.js'
import { USER_AGENT } from '../version.js'
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
  /**
   * Call `handler` on Ctrl-C (SIGINT) or SIGTERM; returns what stops listening. `again` is true from
   * the second signal on, after which the host ends the process at once.
   */
  onCancel?(handler: (signal: NodeJS.Signals, again: boolean) => void): () => void
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
  /** Aborted by Ctrl-C or SIGTERM (its reason a CancelledError): the command stops and says what it did. */
  readonly cancel = new AbortController()
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

  /**
   * The client, connected once with --profile and --region. With --timeout, as the pipeline does: an
   * endpoint no call ever reached is declared unreachable after a quarter of it (at most 45 s), naming
   * the host and the error, rather than retried until "timeout reached".
   */
  connect(): Promise<CloudFrontApi> {
    const region = readRegion(this.flag('region') ?? '', this.host.env)
    const timeoutMs = readTimeout(this.flag('timeout') ?? '')
    this.api ??= this.connector()({ region, userAgent: USER_AGENT, timeoutMs })
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

  /** The deadline of the whole command (--timeout), started on first use; a cancel aborts it too. */
  get signal(): AbortSignal {
    if (this.timer === undefined) {
      const ms = readTimeout(this.flag('timeout') ?? '')
      this.timer = setTimeout(
        () =>
          this.controller.abort(new CommandTimeout(`timeout ${formatDuration(ms)} reached; raise --timeout`)),
        ms,
      )
      const onCancel = (): void => this.controller.abort(this.cancel.signal.reason)
      if (this.cancel.signal.aborted) onCancel()
      else this.cancel.signal.addEventListener('abort', onCancel, { once: true })
    }
    return this.controller.signal
  }

  /**
   * Why the command was stopped (--timeout or a cancel), when it was: a clearer line than the error of
   * the request it cut short ("Request aborted").
   */
  get stopReason(): Error | undefined {
    const reason: unknown = this.cancel.signal.aborted
      ? this.cancel.signal.reason
      : this.controller.signal.aborted
        ? this.controller.signal.reason
        : undefined
    return reason instanceof Error ? reason : undefined
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
