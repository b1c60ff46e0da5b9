/**
 * What the run needs from its host: logging, outputs and the summary. The action implements it with
 * @actions/core (main.ts), the CLI with the terminal (cli/terminal.ts `terminalIo`); the pipeline only
 * sees this interface.
 */
export interface Io {
  debug(message: string): void
  info(message: string): void
  /**
   * A warning. `kind` groups repeats of one cause (a retry burst, one collapse rule on many
   * distributions): a host that limits annotations folds each kind into one, with its count.
   */
  warning(message: string, kind?: string): void
  /**
   * One part of the run failed (a distribution, a tenant) while the rest goes on: reported at once.
   * Hosts without it get every such error in the step's last line instead.
   */
  error?(message: string): void
  notice(message: string): void
  /** Fold a long listing into a collapsible group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  /** A transient status line while waiting; hosts without a terminal may ignore it. */
  progress?(message: string): void
  setOutput(name: string, value: string): void
  /**
   * Whether GitHub's limits on outputs apply (default true): a long `paths` output is cut to fit, with a
   * warning. A terminal (the CLI) has no such limits and sets false.
   */
  outputLimits?: boolean
  /** Write the job summary (Markdown). */
  summary(markdown: string): Promise<void>
}

/** Where folded annotations go: the annotation itself, and the plain log for the detail. */
export interface AnnotationSink {
  annotate(level: 'warning' | 'error', message: string): void
  log(message: string): void
}

/**
 * GitHub shows at most 10 warning and 10 error annotations per step and drops the rest silently. This
 * keeps within both: every warning is logged at once, and `flush` (at the end of the step) makes one
 * annotation per kind with its count; errors are annotated at once up to the limit, the rest logged and
 * counted in the step's last line (one annotation is kept free for it). Pure bookkeeping over a sink, so it is tested without a runner.
 */
export class AnnotationBudget {
  private readonly kinds = new Map<string, { message: string; count: number }>()
  private errorsShown = 0
  private errorsHeld = 0

  constructor(
    private readonly sink: AnnotationSink,
    /** Annotations of each level GitHub shows per step. */
    private readonly limit = 10,
  ) {}

  warning(message: string, kind: string = message): void {
    this.sink.log(`Warning: ${message}`)
    const k = this.kinds.get(kind)
    if (k === undefined) this.kinds.set(kind, { message, count: 1 })
    else k.count++
  }

  error(message: string): void {
    if (this.errorsShown < this.limit - 1) {
      this.errorsShown++
      this.sink.annotate('error', message)
    } else {
      this.errorsHeld++
      this.sink.log(`Error: ${message}`)
    }
  }

  /** Errors logged but not annotated (past the limit): the step's last line must count them. */
  get heldErrors(): number {
    return this.errorsHeld
  }

  /** Make the folded warning annotations: one per kind, with its count. */
  flush(): void {
    const kinds = [...this.kinds.values()]
    const shown = kinds.length > this.limit ? kinds.slice(0, this.limit - 1) : kinds
    for (const k of shown) {
      this.sink.annotate(
        'warning',
        k.count > 1 ? `${k.message} (and ${k.count - 1} more like it: see the log)` : k.message,
      )
    }
    if (shown.length < kinds.length) {
      const rest = kinds.slice(shown.length)
      const n = rest.reduce((sum, k) => sum + k.count, 0)
      this.sink.annotate(
        'warning',
        `${n} more warning${n === 1 ? '' : 's'} of ${rest.length} other kinds: see the log and the job summary`,
      )
    }
    this.kinds.clear()
  }
}
