/**
 * A browser's cookie jar over fetch, enough for the portal and an OIDC provider (cookies
 * ignore the port, as browsers do): for HTTP tests of flows that live on redirects and
 * cookies, such as signing in with VNeID. Relative URLs resolve against `base`.
 */
export class CookieBrowser {
  jar = new Map<string, { value: string; path: string }>();
  constructor(private base?: string) {}

  private abs(url: string): string {
    return new URL(url, this.base).href;
  }

  cookieHeader(url: string): string {
    const path = new URL(this.abs(url)).pathname;
    return [...this.jar]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([k, c]) => `${k.split('|')[0]}=${c.value}`)
      .join('; ');
  }

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const gone = pair.slice(eq + 1) === '' || attrs.some((a) => /^max-age=0$/i.test(a) || /^expires=.*1970/i.test(a));
      if (gone) this.jar.delete(`${name}|${path}`);
      else this.jar.set(`${name}|${path}`, { value: pair.slice(eq + 1), path });
    }
  }

  /** One request, no redirect followed. */
  async send(method: string, url: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
    const at = this.abs(url);
    const res = await fetch(at, { method, body: init.body, headers: { cookie: this.cookieHeader(at), ...init.headers }, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Follows redirects (at most 15); `stop` holds back one the test wants to handle itself, returned as `held`. */
  async go(method: string, url: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}, stop?: (u: URL) => boolean) {
    let r = await this.send(method, url, init);
    let at = this.abs(url);
    for (let i = 0; i < 15 && r.location; i++) {
      const next = new URL(r.location, at);
      if (stop?.(next)) return { ...r, url: at, held: next.href as string | undefined };
      at = next.href;
      r = await this.send('GET', at);
    }
    return { ...r, url: at, held: undefined as string | undefined };
  }

  /** The portal's session id, as the cookie carries it. */
  sessionId(): string | undefined {
    return this.jar.get('congso_sid|/')?.value;
  }

  /** The CSRF token a page of the portal carries in its forms. */
  static csrf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /_csrf=([^"&]+)/.exec(html);
    if (!m) throw new Error('no CSRF token on the page');
    return decodeURIComponent(m[1].replace(/&amp;/g, '&'));
  }
}
