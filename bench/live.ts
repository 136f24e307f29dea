/**
 * Live-session benchmark.
 *
 * 1. Presence traffic: 30 people in one room, each moving their cursor at 20 Hz (a tldraw
 *    presence record, as `createPresenceStateDerivation` makes it, published through y-websocket
 *    awareness) for a few seconds. Measured per receiving client: messages and bytes per second,
 *    and how long a cursor move takes to reach the others. Against War Room's server (child
 *    process, sessions, identity rewrite) and, in the same run, the reference relay
 *    (@y/websocket-server's setupWSConnection, no auth, no rewrite).
 * 2. Follow lag (needs `npm run build` and Chromium): two signed-in browser pages, one following
 *    the other; the leader's camera jumps, and we time until the follower's store holds the
 *    leader's new presence (delivery) and until the follower's camera is there (settled).
 *
 * Run: `npx tsx bench/live.ts [seconds] [people]` (also part of `npm run bench`).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setupWSConnection } from '@y/websocket-server/utils'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket, { WebSocketServer } from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { addMember, createUser, login, signInAsAdmin } from '../tests/helpers/auth'
import { startChildServer } from '../tests/helpers/childServer'
import { tempDataDir } from '../tests/helpers/server'

process.setMaxListeners(256)

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.floor(s.length / 2)] : Number.NaN
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

interface Counter {
  messages: number
  bytes: number
}

/** A presence record like the one tldraw derives (cursor, camera, screen bounds, …). */
function presence(userId: string, name: string, i: number, t: number) {
  return {
    typeName: 'instance_presence',
    id: `instance_presence:${i}`,
    userId,
    userName: name,
    lastActivityTimestamp: t,
    color: '#1565c0',
    camera: { x: -120, y: -80, z: 1 },
    selectedShapeIds: [],
    currentPageId: 'page:page',
    brush: null,
    scribbles: [],
    screenBounds: { x: 0, y: 0, w: 1280, h: 720 },
    followingUserId: null,
    cursor: {
      x: 300 + Math.round(200 * Math.sin(t / 300 + i)),
      y: 200 + Math.round(150 * Math.cos(t / 300 + i)),
      type: 'default',
      rotation: 0,
    },
    chatMessage: '',
    meta: {},
  }
}

/** One awareness message (y-websocket framing) carrying this client's state. */
function awarenessFrame(awareness: awarenessProtocol.Awareness): Buffer {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))
  return Buffer.from(encoding.toUint8Array(enc))
}

/** `sentAt` of every state in an awareness message (the observer's latency probe). */
function sentAtOf(data: Buffer): number[] {
  const dec = decoding.createDecoder(new Uint8Array(data))
  if (decoding.readVarUint(dec) !== 1) return []
  const update = decoding.createDecoder(decoding.readVarUint8Array(dec))
  const out: number[] = []
  const count = decoding.readVarUint(update)
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(update)
    decoding.readVarUint(update)
    const state = JSON.parse(decoding.readVarString(update)) as { sentAt?: number } | null
    if (typeof state?.sentAt === 'number') out.push(state.sentAt)
  }
  return out
}

/**
 * `people` raw y-websocket connections: each sends its presence at 20 Hz and counts what it
 * receives without decoding (so the benchmark process is not the bottleneck); client 0 also
 * decodes, to time cursor moves from the sender's send to its arrival.
 */
async function presenceRun(label: string, url: string, people: number, seconds: number, cookie?: string) {
  const counters: Counter[] = []
  const sockets: WebSocket[] = []
  const awarenesses: awarenessProtocol.Awareness[] = []
  const latencies: number[] = []
  let measuring = false
  for (let i = 0; i < people; i++) {
    const counter = { messages: 0, bytes: 0 }
    counters.push(counter)
    const ws = new WebSocket(url, cookie ? { headers: { cookie } } : {})
    ws.on('message', (data: Buffer) => {
      if (!measuring) return
      counter.messages++
      counter.bytes += data.length
      if (i === 0) {
        const now = performance.now()
        for (const sent of sentAtOf(data)) latencies.push(now - sent)
      }
    })
    sockets.push(ws)
    awarenesses.push(new awarenessProtocol.Awareness(new Y.Doc()))
  }
  await Promise.all(
    sockets.map((ws) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))),
  )
  await new Promise((r) => setTimeout(r, 500))
  measuring = true
  const t0 = performance.now()
  let sent = 0
  const timers = sockets.map((ws, i) =>
    setInterval(() => {
      sent++
      const a = awarenesses[i]
      a.setLocalState({
        user: { id: `u${i}`, name: `参会人${i}` },
        presence: presence(`user:u${i}`, `参会人${i}`, i, Date.now()),
        sentAt: performance.now(),
      })
      ws.send(awarenessFrame(a))
    }, 50),
  )
  await new Promise((r) => setTimeout(r, seconds * 1000))
  for (const t of timers) clearInterval(t)
  const elapsed = (performance.now() - t0) / 1000
  measuring = false
  const msgs = counters.map((k) => k.messages / elapsed)
  const bytes = counters.map((k) => k.bytes / elapsed)
  for (const ws of sockets) ws.terminate()
  for (const a of awarenesses) a.destroy()
  const row = {
    label,
    msgsPerSec: median(msgs),
    kibPerSec: median(bytes) / 1024,
    /** What the others really sent per second (timers fire late on a loaded machine). */
    expectedMsgs: ((sent / elapsed) * (people - 1)) / people,
    latencyMedian: median(latencies),
    latencyP95: pct(latencies, 95),
  }
  console.log(
    `${label.padEnd(31)} per client: ${row.msgsPerSec.toFixed(0)} msg/s (others sent ${row.expectedMsgs.toFixed(0)}/s), ${row.kibPerSec.toFixed(1)} KiB/s; cursor move → another client: median ${row.latencyMedian.toFixed(1)} ms, p95 ${row.latencyP95.toFixed(1)} ms`,
  )
  return row
}

async function referenceServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const http = createServer((_req, res) => res.end('okay'))
  const wss = new WebSocketServer({ noServer: true })
  wss.on('connection', (ws, req) => setupWSConnection(ws, req))
  http.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
  )
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  const { port } = http.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        http.close(() => r())
      }),
  }
}

async function followLag(serverUrl: string, cookies: [string, string], accountId: string, samples: number) {
  let chromium: typeof import('playwright-core').chromium
  try {
    chromium = (await import('playwright-core')).chromium
  } catch {
    console.log('follow lag: playwright-core missing, skipped')
    return null
  }
  const { CHROMIUM_FLAGS, chromiumPath } = await import('../tests/helpers/browser')
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS })
  try {
    const page = async (cookie: string) => {
      const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)]
      const context = await browser.newContext({
        viewport: { width: 1280, height: 720 },
        storageState: {
          cookies: [
            {
              name,
              value,
              domain: '127.0.0.1',
              path: '/',
              expires: -1,
              httpOnly: true,
              secure: false,
              sameSite: 'Lax',
            },
          ],
          origins: [],
        },
      })
      const p = await context.newPage()
      await p.goto(`${serverUrl}/a/${accountId}`)
      await p.waitForFunction(() => Boolean(window.__warRoomEditor && window.__warRoomLive), undefined, {
        timeout: 60_000,
      })
      return p
    }
    const leader = await page(cookies[0])
    const follower = await page(cookies[1])
    await leader.mouse.move(600, 400)
    await leader.mouse.move(620, 410, { steps: 3 })
    const leaderId: string = await leader.evaluate(() => String(window.__warRoomEditor!.user.getRecordId()))
    await follower.waitForFunction(
      (id: string) => window.__warRoomEditor!.getCollaborators().some((c) => c.userId === id),
      leaderId,
    )
    await follower.evaluate((id) => {
      window.__warRoomEditor!.startFollowingUser(id as never)
    }, leaderId)
    const delivered: number[] = []
    const settled: number[] = []
    let missed = 0
    for (let i = 0; i < samples; i++) {
      const target = { x: -300 - (i % 5) * 700, y: -200 - (i % 3) * 400, z: i % 2 ? 1.4 : 0.8 }
      // The follower watches, each animation frame (a string: the bundler's helpers do not exist in
      // the page), for the leader's presence to carry the new camera (delivered) and for its own
      // viewport to be centred where the leader's is (settled). The leader's viewport is its canvas,
      // not the window (the plan panel sits beside it): its centre comes from the presence's
      // screenBounds. A sample that does not settle within 15 s counts as missed instead of hanging.
      const watch = follower.evaluate(`new Promise((resolve) => {
        const id = ${JSON.stringify(leaderId)}, target = ${JSON.stringify(target)}
        const editor = window.__warRoomEditor
        const started = Date.now()
        let deliveredAt = 0
        let want = null
        const tick = () => {
          const p = editor.getCollaborators().find((c) => c.userId === id)
          if (!deliveredAt && p && p.camera && Math.abs(p.camera.x - target.x) < 0.5 && Math.abs(p.camera.z - target.z) < 0.01) {
            deliveredAt = Date.now()
            const sb = p.screenBounds
            want = { x: -target.x + sb.w / 2 / target.z, y: -target.y + sb.h / 2 / target.z }
          }
          const c = editor.getViewportPageBounds().center
          if (want && Math.abs(c.x - want.x) < 3 && Math.abs(c.y - want.y) < 3) {
            resolve({ deliveredAt, settledAt: Date.now() })
            return
          }
          if (Date.now() - started > 15000) {
            resolve({ deliveredAt, settledAt: 0, seen: { want, centre: { x: c.x, y: c.y }, camera: p && p.camera } })
            return
          }
          requestAnimationFrame(tick)
        }
        tick()
      })`) as Promise<{ deliveredAt: number; settledAt: number; seen?: unknown }>
      await new Promise((r) => setTimeout(r, 100))
      const t0 = await leader.evaluate((c) => {
        window.__warRoomEditor!.setCamera(c)
        return Date.now()
      }, target)
      const { deliveredAt, settledAt, seen } = await watch
      if (!settledAt) {
        missed++
        console.log(`follow lag: sample ${i} did not settle within 15 s (delivered: ${Boolean(deliveredAt)})`, seen)
        // Following may have stopped: start again.
        await follower.evaluate((id) => {
          window.__warRoomEditor!.startFollowingUser(id as never)
        }, leaderId)
        continue
      }
      delivered.push(deliveredAt - t0)
      settled.push(settledAt - t0)
      await new Promise((r) => setTimeout(r, 200))
    }
    console.log(
      `follow lag (${samples} camera jumps, ${missed} missed): presence delivered median ${median(delivered)} ms (p95 ${pct(delivered, 95)}), follower's camera there median ${median(settled)} ms (p95 ${pct(settled, 95)})`,
    )
    return { delivered: median(delivered), settled: median(settled) }
  } finally {
    await browser.close()
  }
}

export async function main(args: string[]) {
  const seconds = Number(args[0] ?? 8)
  const people = Number(args[1] ?? 30)
  const data = tempDataDir('war-room-bench-live-')
  const server = await startChildServer({ DATA_DIR: data.dir })
  const httpUrl = `http://127.0.0.1:${server.port}`
  const reference = await referenceServer()
  try {
    const cookie = await signInAsAdmin({ url: httpUrl }, ['bench-live'])
    if (!process.env.SKIP_PRESENCE) {
      console.log(`presence: ${people} people, each moving a cursor at 20 Hz for ${seconds} s`)
      const ref = await presenceRun('reference (@y/websocket-server)', `${reference.url}/bench-live`, people, seconds)
      const ours = await presenceRun(
        'War Room',
        `ws://127.0.0.1:${server.port}/sync/bench-live`,
        people,
        seconds,
        cookie,
      )
      console.log(
        `ratio War Room / reference: messages ${(ours.msgsPerSec / ref.msgsPerSec).toFixed(2)}, bytes ${(ours.kibPerSec / ref.kibPerSec).toFixed(2)}, latency median ${(ours.latencyMedian / ref.latencyMedian).toFixed(2)}`,
      )
    }
    await createUser({ url: httpUrl }, cookie, { email: 'follower@example.com', name: '跟随者' })
    await addMember({ url: httpUrl }, cookie, 'bench-live', 'follower@example.com', 'editor')
    const follower = await login({ url: httpUrl }, 'follower@example.com')
    await followLag(httpUrl, [cookie, follower], 'bench-live', Number(process.env.FOLLOW_SAMPLES ?? 15))
  } finally {
    await reference.close()
    server.proc.kill('SIGTERM')
    await server.exited
    data.remove()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
