// Regenerates the inputs and outputs tables in README.md from action.yml, so the two cannot drift.
// `node scripts/readme-tables.mjs` rewrites README.md; `--check` exits 1 if it is stale (a test runs that).
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const root = new URL('../', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8'))

// A documentation page named in a description (docs/collapse.md) becomes a link in the table.
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/(?<![\w/[])(docs\/[\w-]+\.md)\b/g, '[$1]($1)')

export function inputsTable() {
  const rows = Object.entries(action.inputs).map(([name, spec]) => {
    const def = spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``
    return `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${def} | ${cell(spec.description)} |`
  })
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

export function outputsTable() {
  const rows = Object.entries(action.outputs).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`,
  )
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n')
}

export function render(readme) {
  const replace = (text, marker, table) => {
    const start = `<!-- ${marker}:start (generated from action.yml by scripts/readme-tables.mjs) -->`
    const end = `<!-- ${marker}:end -->`
    const i = text.indexOf(start)
    const j = text.indexOf(end)
    if (i === -1 || j === -1) throw new Error(`README.md lacks the ${marker} markers`)
    return `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`
  }
  return replace(replace(readme, 'inputs', inputsTable()), 'outputs', outputsTable())
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const path = new URL('README.md', root)
  const current = readFileSync(path, 'utf8')
  const next = render(current)
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md tables differ from action.yml: run `node scripts/readme-tables.mjs`.')
      process.exit(1)
    }
  } else if (next !== current) {
    writeFileSync(path, next)
  }
}
