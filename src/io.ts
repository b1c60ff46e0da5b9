/**
 * What the run needs from its host: logging, outputs and the summary. The action implements it with
 * @actions/core (main.ts), the CLI with the terminal (cli/terminal.ts `terminalIo`); the pipeline only
 * sees this interface.
 */
export interface Io {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
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
