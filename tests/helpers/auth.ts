/**
 * Signing in from tests: the first administrator, users, accounts and memberships through the
 * real HTTP API, and the session cookie to hand to fetch, y-websocket clients and browsers.
 */
export const TEST_PASSWORD = 'correct-horse-battery'

export interface Endpoint {
  /** `http://host:port` */
  url: string
}

/** `name=value` of the session cookie from a response, or throws. */
export function sessionCookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('wr_session='))
  if (!header) throw new Error(`no session cookie in the response (HTTP ${res.status})`)
  return header.split(';')[0]
}

/** A JSON API call; `cookie` signs it in. */
export async function api(
  server: Endpoint,
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.cookie) headers.cookie = options.cookie
  if (options.body !== undefined) headers['content-type'] ??= 'application/json'
  return fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
}

async function expectOk(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status} ${await res.text()}`)
  return res
}

/** Creates the first administrator (POST /api/setup) and returns their session cookie. */
export async function setupAdmin(
  server: Endpoint,
  admin: { email?: string; name?: string; password?: string } = {},
): Promise<string> {
  const res = await api(server, 'POST', '/api/setup', {
    body: {
      email: admin.email ?? 'admin@example.com',
      name: admin.name ?? '管理员',
      password: admin.password ?? TEST_PASSWORD,
    },
  })
  return sessionCookieOf(await expectOk(res, 'setup'))
}

export async function login(server: Endpoint, email: string, password = TEST_PASSWORD): Promise<string> {
  return sessionCookieOf(
    await expectOk(await api(server, 'POST', '/api/login', { body: { email, password } }), `login ${email}`),
  )
}

/** An administrator creates a user; returns the user's id. */
export async function createUser(
  server: Endpoint,
  adminCookie: string,
  user: { email: string; name?: string; role?: 'admin' | 'member'; password?: string },
): Promise<string> {
  const res = await api(server, 'POST', '/api/users', {
    cookie: adminCookie,
    body: {
      email: user.email,
      name: user.name ?? user.email.split('@')[0],
      password: user.password ?? TEST_PASSWORD,
      role: user.role ?? 'member',
    },
  })
  return ((await (await expectOk(res, `create user ${user.email}`)).json()) as { user: { id: string } }).user.id
}

/** Creates a user and signs them in; returns their cookie and id. */
export async function userWithSession(
  server: Endpoint,
  adminCookie: string,
  email: string,
  role: 'admin' | 'member' = 'member',
): Promise<{ id: string; cookie: string }> {
  const id = await createUser(server, adminCookie, { email, role })
  return { id, cookie: await login(server, email) }
}

export async function createAccount(
  server: Endpoint,
  cookie: string,
  account: { id?: string; name?: string; tier?: string; owner?: string },
): Promise<string> {
  const res = await api(server, 'POST', '/api/accounts', {
    cookie,
    body: {
      name: account.name ?? account.id ?? '测试客户',
      tier: account.tier ?? 'strategic',
      owner: account.owner ?? '张三',
      ...(account.id ? { id: account.id } : {}),
    },
  })
  return ((await (await expectOk(res, `create account ${account.id ?? ''}`)).json()) as { id: string }).id
}

export async function addMember(
  server: Endpoint,
  cookie: string,
  accountId: string,
  email: string,
  role: 'owner' | 'editor' | 'viewer',
): Promise<void> {
  await expectOk(
    await api(server, 'PUT', `/api/accounts/${accountId}/members`, { cookie, body: { email, role } }),
    `add ${email} to ${accountId}`,
  )
}

/** Creates the account unless it exists (idempotent; for tests that restart servers). */
export async function ensureAccount(
  server: Endpoint,
  cookie: string,
  id: string,
  fields: { name?: string; tier?: string; owner?: string } = {},
): Promise<void> {
  const existing = await api(server, 'GET', `/api/accounts/${id}`, { cookie })
  await existing.body?.cancel()
  if (existing.status === 404) await createAccount(server, cookie, { id, ...fields })
  else if (!existing.ok) throw new Error(`account ${id}: HTTP ${existing.status}`)
}

/**
 * Signs in as the test administrator (`admin@example.com`): sets them up on a fresh server, logs
 * in on one that already has users (a restarted data directory), and makes sure `accounts` exist.
 * Returns the session cookie. Works for in-process and child-process servers alike.
 */
export async function signInAsAdmin(server: Endpoint, accounts: string[] = []): Promise<string> {
  const setup = (await (await fetch(`${server.url}/api/setup`)).json()) as { required: boolean }
  const cookie = setup.required ? await setupAdmin(server) : await login(server, 'admin@example.com')
  for (const id of accounts) await ensureAccount(server, cookie, id)
  return cookie
}
