/**
 * `npm run local-action`: GitHub's @github/local-action runs the action from src/ (src/local-action.ts)
 * with the inputs of `.env`, or, in a fresh clone that has none yet, of `.env.example`: a dry run that
 * needs no credentials. (local-action itself stops with a stack trace when its environment file is
 * missing.) An argument names another environment file.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const envFile = process.argv[2] ?? (existsSync('.env') ? '.env' : '.env.example')
if (process.argv[2] === undefined && envFile === '.env.example') {
  console.error(
    'No .env: running with .env.example, a dry run (cp .env.example .env to set your own inputs).',
  )
}
// npm puts node_modules/.bin on PATH; a shell on Windows, where the command is local-action.cmd.
const run = spawnSync('local-action', ['.', 'src/local-action.ts', envFile], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
process.exit(run.status ?? 1)
