/**
 * A War Room cluster for the multi-node tests (docs/scale-out.md): real PostgreSQL and Redis
 * (engines.ts), two or three real server processes (`server/main.ts`) with DATABASE_URL, REDIS_URL
 * and NODE_ID, and a small real TCP load balancer in front of them — round robin over the nodes
 * that accept a connection, so a killed node is skipped and its clients reconnect "through the
 * load balancer" to another node, as behind a production one.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { type ChildServer, startChildServer } from './childServer.ts'
import { freePort, type Postgres, type Redis, startPostgres, startRedis } from './engines.ts'
import type { TestServer, TestServerOptions } from './server.ts'

/** A TCP load balancer: each new connection goes to the next node that accepts it. */
export interface LoadBalancer {
  port: number
  /** The node index each open client connection was sent to. */
  placement(): number[]
  /** How many connections went to each node so far. */
  readonly counts: number[]
  close(): Promise<void>
}

export async function startLoadBalancer(backendPorts: () => number[]): Promise<LoadBalancer> {
  const open = new Map<Socket, number>()
  const counts: number[] = []
  let next = 0
  const server: Server = createServer((client) => {
    client.pause()
    const ports = backendPorts()
    let tries = 0
    const attempt = () => {
      if (tries >= ports.length || client.destroyed) {
        client.destroy()
        return
      }
      const index = next++ % ports.length
      tries++
      const upstream = createConnection({ host: '127.0.0.1', port: ports[index]! })
      let connected = false
      upstream.once('error', () => {
        upstream.destroy()
        // Refused before it connected: a dead node is skipped.
        if (!connected) attempt()
        else client.destroy()
      })
      upstream.once('connect', () => {
        connected = true
        open.set(client, index)
        counts[index] = (counts[index] ?? 0) + 1
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
        // Either side gone: the other goes too (a killed node drops its clients' connections).
        upstream.once('close', () => client.destroy())
        client.once('close', () => {
          open.delete(client)
          upstream.destroy()
        })
        upstream.on('error', () => client.destroy())
        client.on('error', () => upstream.destroy())
      })
    }
    attempt()
  })
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  )
  return {
    port,
    placement: () => [...open.values()],
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open.keys()) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

export interface ClusterNode {
  readonly index: number
  readonly nodeId: string
  readonly port: number
  /** `http://127.0.0.1:<port>` of this node directly (not through the load balancer). */
  readonly url: string
  readonly wsUrl: string
  /** The running process (null while stopped or killed). */
  child: ChildServer | null
  start(): Promise<void>
  /** `kill -9`: no shutdown, nothing flushed. */
  kill(): Promise<void>
  /** SIGTERM: the node saves and leaves. */
  stop(): Promise<void>
  output(): string
}

export interface Cluster {
  pg: Postgres
  redis: Redis
  databaseUrl: string
  nodes: ClusterNode[]
  lb: LoadBalancer
  /** The load balancer's `http://127.0.0.1:<port>` and `ws://…/sync`. */
  url: string
  wsUrl: string
  destroy(): Promise<void>
}

export interface ClusterOptions {
  nodes?: number
  /** Extra environment of every node. */
  env?: Record<string, string>
  /**
   * Runs against the first node before the others start (the first administrator, accounts,
   * sessions: shared through PostgreSQL), so that nodes starting together do not race to set up.
   */
  setup?: (first: { url: string }) => Promise<void>
  /** Engines to reuse (a test file starts them once); started (and destroyed) here when not given. */
  engines?: { pg: Postgres; redis: Redis }
}

let databases = 0

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const own = !options.engines
  const { pg, redis } = options.engines ?? (await startEngines())
  const databaseUrl = await pg.createDatabase(`cluster_${process.pid}_${++databases}`)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'warroom-cluster-'))
  const count = options.nodes ?? 2
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()))
  const nodes: ClusterNode[] = ports.map((_, index) => {
    const nodeId = `node-${String.fromCharCode(97 + index)}`
    // Each node its own DATA_DIR: in this mode it holds nothing the nodes share.
    const nodeDir = path.join(dataDir, nodeId)
    mkdirSync(nodeDir)
    const env = {
      DATA_DIR: nodeDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      NODE_ID: nodeId,
      FANOUT_HEARTBEAT_MS: '500',
      ROOM_UNLOAD_GRACE_MS: '1000',
      LOG_FORMAT: 'json',
      ...options.env,
    }
    let lastOutput = ''
    const node: ClusterNode = {
      index,
      nodeId,
      get port() {
        return ports[index]!
      },
      get url() {
        return `http://127.0.0.1:${ports[index]}`
      },
      get wsUrl() {
        return `ws://127.0.0.1:${ports[index]}/sync`
      },
      child: null,
      async start() {
        for (let attempt = 1; ; attempt++) {
          try {
            node.child = await startChildServer({ ...env, PORT: String(ports[index]) })
            return
          } catch (e) {
            // A node started again after a kill can find its port taken meanwhile (any outgoing
            // connection on the machine may get it as its local port): it comes back on another
            // one, and the load balancer, which reads `ports`, sends to it there.
            if (attempt >= 3 || !String(e).includes('EADDRINUSE')) throw e
            ports[index] = await freePort()
          }
        }
      },
      async kill() {
        const child = node.child
        if (!child) return
        node.child = null
        lastOutput = child.output()
        child.proc.kill('SIGKILL')
        await child.exited
      },
      async stop() {
        const child = node.child
        if (!child) return
        node.child = null
        child.proc.kill('SIGTERM')
        await child.exited
        lastOutput = child.output()
      },
      output: () => node.child?.output() ?? lastOutput,
    }
    return node
  })
  const destroy = async () => {
    await lb?.close()
    await Promise.all(nodes.map((n) => n.kill()))
    rmSync(dataDir, { recursive: true, force: true })
    if (own) await Promise.all([pg.destroy(), redis.destroy()])
  }
  let lb: LoadBalancer | undefined
  try {
    await nodes[0]!.start()
    await options.setup?.({ url: nodes[0]!.url })
    await Promise.all(nodes.slice(1).map((n) => n.start()))
    lb = await startLoadBalancer(() => ports)
  } catch (e) {
    await destroy()
    throw e
  }
  return {
    pg,
    redis,
    databaseUrl,
    nodes,
    lb,
    url: `http://127.0.0.1:${lb.port}`,
    wsUrl: `ws://127.0.0.1:${lb.port}/sync`,
    destroy,
  }
}

export async function startEngines(): Promise<{ pg: Postgres; redis: Redis }> {
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()])
  return { pg, redis }
}

/**
 * Nodes in this process (no load balancer and no kill -9: {@link startCluster} has those): `count`
 * War Room servers on one database and one Redis, each with its own data directory, stores, Redis
 * connections and NODE_ID (`node-0`, `node-1`, …), started one after the other (the first sets up
 * the shared records the others then read). `cleanup` registers their closing and removal (a test's
 * `afterTest`, or a file's `engines.cleanup`; run last registered first).
 */
export async function startNodes(options: {
  databaseUrl: string
  redisUrl: string
  cleanup: (...fns: (() => unknown)[]) => void
  count?: number
  /** More options of every node (`startTestServer`). */
  server?: Partial<TestServerOptions>
}): Promise<{ nodes: TestServer[]; dirs: string[] }> {
  // Loaded here, not at the top: the benchmarks import this file without the in-process server.
  const { startTestServer, tempDataDir } = await import('./server.ts')
  const nodes: TestServer[] = []
  const dirs: string[] = []
  for (let i = 0; i < (options.count ?? 2); i++) {
    const data = tempDataDir()
    options.cleanup(() => data.remove())
    dirs.push(data.dir)
    const server = await startTestServer({
      dataDir: data.dir,
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      nodeId: `node-${i}`,
      ...options.server,
    })
    options.cleanup(() => server.close())
    nodes.push(server)
  }
  return { nodes, dirs }
}
