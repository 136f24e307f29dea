import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Database } from '../db/Database.ts'
import { FileDocStore } from '../storage/FileDocStore.ts'
import { RoomManager } from '../sync/RoomManager.ts'
import { PlanService } from './PlanService.ts'
import { FilePlanStore } from './PlanStore.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 3000 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!check()) throw new Error(`never happened: ${what}`)
}

/** The real file store, telling which plans it wrote (in order). */
class CountingPlanStore extends FilePlanStore {
  readonly written: string[] = []
  override async write(accountId: string, content: Uint8Array) {
    await super.write(accountId, content)
    this.written.push(accountId)
  }
}

async function setup(rooms: number, writesPerSecond: number, derivationsPerSecond?: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'war-room-plan-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const db = await Database.open(dir)
  const names = Array.from({ length: rooms }, (_, i) => `acct-${i}`)
  await db.update((d) => {
    for (const id of names)
      d.accounts[id] = { id, createdAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-01-01T00:00:00Z' }
  })
  // The scheduler's clock stands still unless the test moves it: the budget refills only then.
  const clock = { now: 1_000_000 }
  const store = new CountingPlanStore(dir)
  const plans = new PlanService(db, {
    deriveDelayMs: 0,
    quietMs: 0,
    writeIntervalMs: 0,
    writesPerSecond,
    derivationsPerSecond,
    timeZone: 'Asia/Shanghai',
    log: () => {},
    store,
    clock: () => clock.now,
  })
  const manager = new RoomManager(new FileDocStore(dir), {
    unloadGraceMs: 0,
    compactLogBytes: 1 << 20,
    log: () => {},
    onLoaded: plans.onLoaded,
    onDocChanged: plans.onDocChanged,
    onUnload: plans.onUnload,
  })
  plans.attach(manager)
  cleanups.push(async () => {
    await manager.closeAll()
    await plans.close()
  })
  return { names, plans, manager, store, clock }
}

describe('PlanService: the plan writes of all rooms share one budget', { timeout: 120_000 }, () => {
  it('hundreds of edited rooms do not each write their plan file every interval: the budget decides, the longest-waiting first', async () => {
    const { names, plans, manager, store, clock } = await setup(8, 2)
    for (const [i, name] of names.entries()) {
      const room = await manager.acquire(name)
      room.doc.getMap('account').set('name', `第${i}版`)
    }
    await until(() => names.every((n) => plans.lastDerivationOf.has(n)), 'every room derived')
    // Derived, but only a second's worth of the budget (2) was written: the clock stood still.
    await until(() => store.written.length >= 2, 'the first writes')
    expect(store.written).toHaveLength(2)
    clock.now += 1000
    await until(() => store.written.length >= 4, 'a second later, two more')
    expect(store.written).toHaveLength(4)
    expect(new Set(store.written).size).toBe(4)
    // Unloading rooms write their plans at once, whatever the budget says.
    for (const name of names) manager.release(name)
    await until(() => new Set(store.written).size === names.length, 'every plan written on unload')
    for (const [i, name] of names.entries()) expect((await store.read(name))?.plan.account.name).toBe(`第${i}版`)
  })

  it('derivations share a budget too: the rooms that changed longest ago first, the rest as it refills', async () => {
    const { names, plans, manager, clock } = await setup(6, 0, 2)
    for (const name of names) (await manager.acquire(name)).doc.getMap('account').set('name', name)
    await until(() => plans.lastDerivationOf.size >= 2, 'the first derivations')
    expect([...plans.lastDerivationOf.keys()].sort()).toEqual(names.slice(0, 2))
    clock.now += 1000
    await until(() => plans.lastDerivationOf.size >= 4, 'a second later, two more')
    expect([...plans.lastDerivationOf.keys()].sort()).toEqual(names.slice(0, 4))
    // A plan asked for is derived at once, whatever the budget says.
    expect((await plans.current(names[5]!)).account.name).toBe(names[5])
  })

  it('without a budget (0) every derived plan is written as soon as its interval allows', async () => {
    const { names, plans, manager, store } = await setup(6, 0)
    for (const name of names) (await manager.acquire(name)).doc.getMap('account').set('name', name)
    await until(() => names.every((n) => plans.lastDerivationOf.has(n)), 'every room derived')
    await until(() => new Set(store.written).size === names.length, 'every plan written')
  })
})

/** Nice values of this process's threads (Linux). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])]
    } catch {
      return []
    }
  })
}

describe.runIf(process.platform === 'linux')('the plan worker thread', { timeout: 120_000 }, () => {
  it('runs below the event loop’s priority (a derivation never takes the core from the sync path)', async () => {
    const before = threadNices().filter((n) => n === 10).length
    const { names, plans, manager } = await setup(1, 0)
    ;(await manager.acquire(names[0]!)).doc.getMap('account').set('name', 'x')
    await until(() => plans.lastDerivationOf.has(names[0]!), 'derived')
    expect(threadNices().filter((n) => n === 10).length).toBeGreaterThan(before)
    // This thread (the event loop here) keeps its priority.
    const self = readFileSync('/proc/thread-self/stat', 'utf8')
    expect(Number(self.slice(self.lastIndexOf(')') + 2).split(' ')[16])).toBe(0)
  })
})
