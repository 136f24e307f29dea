/**
 * Preconditions of the browser tests, checked once with a message that says what
 * to do: Debian's Chromium (never a downloaded browser) and a built client.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { chromiumPath } from '../helpers/browser.ts'

export default function setup(): void {
  const chromium = chromiumPath()
  if (!existsSync(chromium)) {
    throw new Error(
      `Chromium not found at ${chromium}. Install it with: apt-get install -y chromium ` +
        '(or point CHROMIUM_PATH at a Chromium binary).',
    )
  }
  const index = path.resolve(import.meta.dirname, '../../dist/client/index.html')
  if (!existsSync(index)) {
    throw new Error(`The client is not built (${index} is missing). Run \`npm run build\` first.`)
  }
}
