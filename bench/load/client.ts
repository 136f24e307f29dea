/**
 * One load-client process (started by bench/load/run.ts, pinned to the load core): many raw
 * y-websocket clients, driven by messages from the parent over IPC.
 *
 *   parent → {type:'setup', job}        connect every client, sync, publish presence → {type:'ready'}
 *   parent → {type:'encode', ensure}     top every client up to `ensure` unsent edits → {type:'encoded'}
 *   parent → {type:'phase', …}           run one load phase, measure its window → {type:'result'}
 *   parent → {type:'close'}              disconnect and exit
 */
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { Histogram } from './histogram.ts'
import {
  awarenessFrame,
  CursorFrames,
  EditEncoder,
  MSG_AWARENESS,
  MSG_SYNC,
  markerOffset,
  nowMicros,
  presenceState,
  readAwarenessHeads,
  readStamp,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  stamp,
  syncStep1,
  syncStep2,
} from './protocol.ts'
import { RawWebSocket } from './rawws.ts'

export interface Job {
  /** `ws://127.0.0.1:PORT/sync/` — the room name is appended. */
  wsBase: string
  cookie?: string
  /** roomSize: how many clients the room has in all processes (for missing cursor pairs). */
  clients: { room: string; observe: boolean; roomSize: number }[]
  /** Pre-encoded edits per client (the most any phase may send). */
  editsPerClient: number
  /** Every client publishes a presence state once it joined (as a browser does). */
  presence: boolean
  /**
   * Every client sends one edit at the end of the set-up (its first of `editsPerClient`), so that
   * the server has opened every room's log before the first window instead of in it.
   */
  touch?: boolean
  /** Offer permessage-deflate as browsers do (false: `--no-deflate`). See RawOptions.deflate. */
  deflate?: boolean
}

export interface Phase {
  type: 'phase'
  /** Edits per second from this process, spread round-robin over its clients. */
  editRate: number
  /** Cursor moves per second per client. */
  cursorHz: number
  warmupMs: number
  measureMs: number
  /** After the window, wait this long for edits still in flight. */
  drainMs: number
}

export interface PhaseResult {
  type: 'result'
  hist: ReturnType<Histogram['toJSON']>
  /** Per observed (receiver, sender) pair: distinct presence states received per second. */
  cursorRates: number[]
  editsSent: number
  cursorsSent: number
  cpuMs: number
  windowMs: number
  closes: Record<string, number>
  /** Edits the load side could not send on time (it fell behind its schedule). */
  behind: number
}

interface Client {
  index: number
  room: string
  observe: boolean
  roomSize: number
  ws: RawWebSocket
  doc: Y.Doc
  edits: Uint8Array[]
  stampAt: number[]
  encoder: EditEncoder
  nextEdit: number
  clock: number
  joined: boolean
  /** sender client id → [last clock, count in window] */
  seen: Map<number, [number, number]>
  cursor: CursorFrames
}

const send = (msg: unknown) => process.send!(msg)

let clients: Client[] = []
let measuring = false
let windowStart = 0
let windowEnd = 0
let hist = new Histogram()
const closes: Record<string, number> = {}
// Round-robin over the clients, continued from one phase to the next (every client gets its turn,
// not the first few of each phase again).
let editTurn = 0
let cursorTurn = 0

function onFrame(c: Client, data: Uint8Array) {
  const decoder = decoding.createDecoder(data)
  const type = decoding.readVarUint(decoder)
  if (type === MSG_SYNC) {
    const sub = decoding.readVarUint(decoder)
    if (sub === SYNC_UPDATE) {
      if (!c.observe || !measuring) return
      const t = readStamp(data)
      if (t >= windowStart && t <= windowEnd) hist.add(nowMicros() - t)
    } else if (sub === SYNC_STEP1) {
      const sv = decoding.readVarUint8Array(decoder)
      c.ws.send(syncStep2(c.doc, sv))
    } else if (sub === SYNC_STEP2) {
      c.joined = true
    }
  } else if (type === MSG_AWARENESS) {
    if (!c.observe || !measuring) return
    const now = nowMicros()
    if (now < windowStart || now > windowEnd) return
    for (const { clientId, clock } of readAwarenessHeads(decoder)) {
      if (clientId === c.doc.clientID) continue
      const s = c.seen.get(clientId)
      if (!s) c.seen.set(clientId, [clock, 1])
      else if (clock > s[0]) {
        s[0] = clock
        s[1]++
      }
    }
  }
}

function connect(job: Job, index: number, spec: Job['clients'][number]): Promise<Client> {
  return new Promise((resolve, reject) => {
    const doc = new Y.Doc()
    const c = {
      index,
      room: spec.room,
      observe: spec.observe,
      roomSize: spec.roomSize,
      doc,
      edits: [],
      stampAt: [],
      nextEdit: 0,
      clock: 0,
      joined: false,
      seen: new Map(),
    } as unknown as Client
    const timer = setTimeout(() => reject(new Error(`client ${index} (${spec.room}) did not sync in 60 s`)), 60_000)
    c.ws = new RawWebSocket(
      job.wsBase + spec.room,
      job.cookie ? { Cookie: job.cookie } : {},
      {
        // Before the join every frame matters; afterwards only observers read what they receive.
        wants: () => !c.joined || c.observe,
        onOpen: () => c.ws.send(syncStep1(doc)),
        onFrame: (data) => {
          onFrame(c, data)
          if (c.joined) {
            clearTimeout(timer)
            resolve(c)
          }
        },
        onClose: (code) => {
          closes[code] = (closes[code] ?? 0) + 1
          clearTimeout(timer)
          reject(new Error(`client ${index} closed with ${code}`))
        },
      },
      { deflate: job.deflate ?? true },
    )
  })
}

/** Where a set-up's time went (ms; BENCH_DEBUG prints it). */
const setupTimes = { connectMs: 0, encodeMs: 0 }

async function setup(job: Job) {
  const t0 = performance.now()
  const out: Client[] = new Array(job.clients.length)
  // At most 50 joins in flight per process, as people arrive: a thousand simultaneous upgrades
  // measure nothing useful (waves of 50 each waited for their slowest join).
  let next = 0
  const joiner = async () => {
    while (next < job.clients.length) {
      const i = next++
      out[i] = await connect(job, i, job.clients[i]!)
    }
  }
  // Each client's edits are encoded while the joins are in flight (they need nothing from the
  // server), in slices of a few ms so that the joins' frames are read in between: the set-up of
  // 2,000 clients spent 3–4 s encoding after its joins.
  // On docs of their own: the client answers the server's sync step 1 from `c.doc`, and a step 1
  // that arrives after the set-up (War Room sends it once a stored room is built, up to
  // HYDRATE_AFTER_MS after the join) would otherwise carry every future edit in the step 2, so
  // the server already had them and relayed none later (the rooms scenario's missing samples).
  const encoders = job.clients.map((_, i) => new EditEncoder(new Y.Doc(), `p${process.pid}c${i}`))
  const edits: Uint8Array[][] = new Array(job.clients.length)
  let t1 = t0
  const encodeAll = async () => {
    let slice = performance.now()
    for (let i = 0; i < encoders.length; i++) {
      edits[i] = encoders[i]!.more(job.editsPerClient)
      if (performance.now() - slice > 4) {
        await new Promise((r) => setImmediate(r))
        slice = performance.now()
      }
    }
    t1 = performance.now()
  }
  await Promise.all([Promise.all(Array.from({ length: Math.min(50, job.clients.length) }, joiner)), encodeAll()])
  for (const [i, c] of out.entries()) {
    c.encoder = encoders[i]!
    c.edits = edits[i]!
    c.stampAt = c.edits.map(markerOffset)
    c.cursor = new CursorFrames(c.doc.clientID)
    if (job.presence) c.ws.send(awarenessFrame(c.doc.clientID, ++c.clock, presenceState(c.doc.clientID, 0, 0, 0)))
  }
  if (job.touch) for (const c of out) sendEdit(c)
  clients = out
  setupTimes.encodeMs = t1 - t0
  setupTimes.connectMs = performance.now() - t0
}

/** Tops every client up to `ensure` edits not sent yet (encoded between phases, never in one). */
function encode(ensure: number) {
  for (const c of clients) {
    const missing = ensure - (c.edits.length - c.nextEdit)
    if (missing <= 0) continue
    const more = c.encoder.more(missing)
    // The sent ones are dropped (no growing arrays over a long ramp).
    c.edits = [...c.edits.slice(c.nextEdit), ...more]
    c.stampAt = c.edits.map(markerOffset)
    c.nextEdit = 0
  }
}

function sendEdit(c: Client): boolean {
  if (c.nextEdit >= c.edits.length) return false
  const i = c.nextEdit++
  const f = c.edits[i]!
  stamp(f, c.stampAt[i]!)
  c.ws.send(f)
  return true
}

function sendCursor(c: Client, t: number) {
  c.clock++
  const x = Math.round(500 + 400 * Math.sin(t / 1e6 + c.index))
  const y = Math.round(300 + 200 * Math.cos(t / 1e6 + c.index))
  c.ws.send(c.cursor.frame(c.clock, x, y, t))
}

async function runPhase(p: Phase): Promise<PhaseResult> {
  for (const c of clients) c.seen.clear()
  hist = new Histogram()
  const start = nowMicros()
  windowStart = start + p.warmupMs * 1000
  windowEnd = windowStart + p.measureMs * 1000
  measuring = true
  let edits = 0
  let cursors = 0
  let editsInWindow = 0
  let cursorsInWindow = 0
  let behind = 0
  let cpu0: NodeJS.CpuUsage | null = null
  let cpuMs = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMicros()
      if (cpu0 === null && now >= windowStart) cpu0 = process.cpuUsage()
      if (now >= windowEnd) {
        if (cpu0) {
          const d = process.cpuUsage(cpu0)
          cpuMs = (d.user + d.system) / 1000
        }
        resolve()
        return
      }
      const elapsed = (now - start) / 1e6
      const inWindow = now >= windowStart
      const dueEdits = Math.floor(p.editRate * elapsed) - edits
      // More than 50 ms of schedule at once means the load side cannot keep up: count, do not burst.
      const burstCap = Math.max(1, Math.ceil(p.editRate * 0.05))
      if (dueEdits > burstCap) behind += dueEdits - burstCap
      for (let k = 0; k < Math.min(dueEdits, burstCap); k++) {
        const c = clients[editTurn++ % clients.length]!
        if (sendEdit(c) && inWindow) editsInWindow++
      }
      edits += dueEdits
      const dueCursors = Math.floor(p.cursorHz * clients.length * elapsed) - cursors
      for (let k = 0; k < dueCursors; k++) {
        sendCursor(clients[cursorTurn++ % clients.length]!, now)
        if (inWindow) cursorsInWindow++
      }
      cursors += Math.max(0, dueCursors)
      setTimeout(tick, 1)
    }
    tick()
  })
  await new Promise((r) => setTimeout(r, p.drainMs))
  measuring = false
  const rates: number[] = []
  const secs = p.measureMs / 1000
  if (p.cursorHz > 0) {
    // Every observer should hear from every other client of its room; one never heard counts 0.
    for (const c of clients) {
      if (!c.observe) continue
      for (const [, s] of c.seen) rates.push(s[1] / secs)
      for (let k = c.seen.size; k < c.roomSize - 1; k++) rates.push(0)
    }
  }
  return {
    type: 'result',
    hist: hist.toJSON(),
    cursorRates: rates,
    editsSent: editsInWindow,
    cursorsSent: cursorsInWindow,
    cpuMs,
    windowMs: p.measureMs,
    closes: { ...closes },
    behind,
  }
}

process.on(
  'message',
  async (msg: { type: 'setup' | 'encode' | 'phase' | 'close'; job?: Job } & Partial<Omit<Phase, 'type'>>) => {
    try {
      if (msg.type === 'setup') {
        await setup(msg.job!)
        send({ type: 'ready', ...setupTimes })
      } else if (msg.type === 'encode') {
        encode((msg as unknown as { ensure: number }).ensure)
        send({ type: 'encoded' })
      } else if (msg.type === 'phase') {
        send(await runPhase(msg as unknown as Phase))
      } else if (msg.type === 'close') {
        for (const c of clients) c.ws.terminate()
        process.exit(0)
      }
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) })
    }
  },
)
process.on('disconnect', () => process.exit(0))
