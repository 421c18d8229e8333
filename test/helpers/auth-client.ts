/**
 * A minimal browser for the sign-in endpoints over real HTTP: a cookie jar, the Origin header of the app, and a
 * client address of its own. Addresses are loopback addresses (127.0.0.0/8 all reach a server on 127.0.0.1), so the
 * server sees a different client per "browser" without any header a client could forge.
 */
import { request } from 'node:http';

export type AuthResponse = {
  status: number;
  body: Record<string, unknown>;
  retryAfter: number | null;
  setCookies: string[];
};

export type TestBrowser = {
  readonly address: string;
  /** name → value of the cookies this browser holds. */
  readonly cookies: Map<string, string>;
  post(path: string, body: unknown): Promise<AuthResponse>;
  signIn(email: string, password: string): Promise<AuthResponse>;
  requestUnlock(email: string): Promise<AuthResponse>;
  confirmUnlock(token: string): Promise<AuthResponse>;
};

let nextHost = 2;
/** A loopback address no other browser of this process has used yet (127.0.1.2, 127.0.1.3, …). */
export function freshAddress(): string {
  const n = nextHost++;
  return `127.0.${1 + Math.floor(n / 254)}.${(n % 254) + 1}`;
}

export function testBrowser(origin: string, address = freshAddress()): TestBrowser {
  const cookies = new Map<string, string>();
  const url = new URL(origin);

  function post(path: string, body: unknown): Promise<AuthResponse> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `/api/auth${path}`,
          method: 'POST',
          localAddress: address,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(payload),
            Origin: origin,
            'User-Agent': 'panops-test-browser',
            ...(cookies.size ? { Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookies = res.headers['set-cookie'] ?? [];
            for (const line of setCookies) {
              const [pair] = line.split(';');
              const eq = pair!.indexOf('=');
              const name = pair!.slice(0, eq).trim();
              const value = pair!.slice(eq + 1).trim();
              if (/;\s*max-age=0\b/i.test(line) || value === '') cookies.delete(name);
              else cookies.set(name, value);
            }
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              parsed = { text };
            }
            const retry = res.headers['retry-after'] ?? res.headers['x-retry-after'];
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              retryAfter: retry === undefined ? null : Number(retry),
              setCookies,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  return {
    address,
    cookies,
    post,
    signIn: (email, password) => post('/sign-in/email', { email, password }),
    requestUnlock: (email) => post('/sign-in-unlock/request', { email }),
    confirmUnlock: (token) => post('/sign-in-unlock/confirm', { token }),
  };
}
