// ncc minifies only the entry file; the chunks it splits off for lazy imports (the AWS SDK, @actions/core)
// stay unminified. Minify them here with their source maps chained, so dist/ stays small and debuggable.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { minify } from 'terser'

const dist = new URL('../dist/', import.meta.url).pathname
for (const file of readdirSync(dist).filter((f) => /^\d+\.index\.js$/.test(f))) {
  const path = join(dist, file)
  const mapPath = `${path}.map`
  const code = readFileSync(path, 'utf8')
  const result = await minify(code, {
    module: true,
    compress: { passes: 1 },
    mangle: true,
    // Keep class and function names: stack traces and SDK error names stay readable.
    keep_classnames: true,
    keep_fnames: true,
    sourceMap: existsSync(mapPath) ? { content: readFileSync(mapPath, 'utf8'), url: `${file}.map` } : false,
  })
  if (result.code === undefined) throw new Error(`terser produced nothing for ${file}`)
  writeFileSync(path, result.code)
  if (typeof result.map === 'string') writeFileSync(mapPath, result.map)
}
