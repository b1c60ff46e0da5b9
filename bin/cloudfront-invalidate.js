#!/usr/bin/env node
// The CLI and the action share one bundle (dist/index.js); this tells it to read flags, not INPUT_* variables.
process.env.CLOUDFRONT_INVALIDATE_MODE = 'cli'
await import('../dist/index.js')
