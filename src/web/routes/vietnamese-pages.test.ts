import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileAndApprove, fileOnline, importTestProcedures, signInCrew } from '../../../test/dossier-fixtures.ts';

/**
 * Issue 11, item 10: Vietnamese pages carry no English. The main pages of the portal and the
 * office are crawled (following their own links) signed in as several roles, and the text a
 * person reads (not attributes, scripts or code samples) is checked against a short list of
 * English words and of the codes behind statuses and roles that once leaked onto pages.
 */
const DENY: [RegExp, string][] = [
  [/\b(in)?valid\b/i, 'valid'],
  [/\bdoesn[’']t\b/i, "doesn't"],
  [/Message digest/i, 'Message digest'],
  [/Error during verification/i, 'checker message'],
  [/\bpending\b/i, 'pending'],
  [/\bSubmit(ted)?\b/, 'Submit'],
  [/\bError\b/, 'Error'],
  [/\bNot found\b/i, 'Not found'],
  [/\bThere is a problem\b/, 'There is a problem'],
  [/\b(undefined|NaN)\b|\[object Object\]/, 'a programming value'],
  [/\b(signing_leader|receiving_officer|unit_leader|specialist|administrator|auditor|clerk)\b/, 'role code'],
  [
    /\b(processing|proposed|approved|awaiting_supplement|submitted|withdrawn|returned|revoked|replaced|refused|stopped|written_reply|certificate|licence)\b/,
    'status or kind code',
  ],
];

/** What a person reads: the title and the body's text, without scripts, styles, templates or code samples. */
function visibleText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '';
  const body = html
    .replace(/<head[\s\S]*?<\/head>/i, ' ')
    .replace(/<(script|style|template|pre|code|noscript)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ');
  return `${title} ${body}`
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

function englishIn(text: string): string[] {
  const out: string[] = [];
  for (const [re, name] of DENY) {
    const m = re.exec(text);
    if (m) out.push(`${name}: "…${text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)}…"`);
  }
  return out;
}

let t: TestApp;
const who: Record<string, string> = {};
let anonymousCookie = '';
beforeAll(async () => {
  t = await startTestApp({ demoDossiers: true });
  await importTestProcedures(t);
  const crew = await signInCrew(t, '50000000-0000-4000-8000-000000000091');
  // A result signed from the page, one dossier waiting for signature, one proposed, one awaiting a supplement.
  const signed = await fileAndApprove(t, crew);
  await api(t, 'POST', '/api/v1/results/sign', { token: crew.signer, body: { dossierCodes: [signed] } });
  await fileAndApprove(t, crew);
  const proposed = (await fileOnline(t, crew.citizen)).body.code;
  for (const [tok, body] of [
    [crew.receiving, { action: 'receive' }],
    [crew.leader, { action: 'assign', assignee: 'chuyenvien' }],
    [crew.specialist, { action: 'propose', note: 'Đề nghị phê duyệt' }],
  ] as const)
    await act(t, tok, proposed, body);
  const waiting = (await fileOnline(t, crew.citizen)).body.code;
  await act(t, crew.receiving, waiting, { action: 'request_supplement', items: [{ reason: 'Thiếu bản sao giấy phép' }] });
  Object.assign(who, {
    citizen: crew.citizen,
    receiving_officer: crew.receiving,
    specialist: crew.specialist,
    unit_leader: crew.leader,
    signing_leader: crew.signer,
    administrator: await login(t, 'admin'),
    auditor: await login(t, 'kiemtra'),
    clerk: await login(t, 'vanthu.xnk'),
    other_citizen: await citizenToken(t, '50000000-0000-4000-8000-000000000092', 'Lê Thị Hạnh', '001190000092'),
  });
  anonymousCookie = (await fetch(`${t.base}/`)).headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}, 600_000);
afterAll(() => t?.close());

/** Pages are told apart by shape (digits folded), so the crawl reads one dossier page, not every one. */
const shape = (url: string) => url.replace(/[0-9]+/g, 'N');
const SKIP =
  /^\/(api\/|static\/|assets\/|sso\/|dang-xuat|can-bo\/dang-xuat|can-bo\/nhat-ky\/xuat|can-bo\/hop-thu\/[^/]+\/html|chia-se\/)|[?&]lang=|\.(pdf|csv|css|js|png|svg|ico|woff2?)(\?|$)/;

async function crawl(token: string | null, start: string[], max = 30): Promise<{ url: string; problems: string[] }[]> {
  const seen = new Set<string>();
  const queue = [...start];
  const out: { url: string; problems: string[] }[] = [];
  while (queue.length && out.length < max) {
    const url = queue.shift()!;
    if (seen.has(shape(url)) || SKIP.test(url)) continue;
    seen.add(shape(url));
    const r = await fetch(`${t.base}${url}`, {
      redirect: 'manual',
      headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : { cookie: anonymousCookie }) },
    });
    if (!(r.headers.get('content-type') ?? '').includes('text/html')) continue;
    const html = await r.text();
    out.push({ url, problems: englishIn(visibleText(html)) });
    for (const m of html.matchAll(/href="(\/[^"#]*)"/g)) queue.push(m[1].replace(/&amp;/g, '&'));
  }
  return out;
}

const START = {
  anonymous: ['/', '/thu-tuc', '/tra-cuu', '/xac-minh', '/dang-nhap', '/can-bo/dang-nhap', '/verify/KHONG-CO'],
  citizen: ['/', '/ho-so-cua-toi', '/kho-du-lieu', '/thu-tuc'],
  office: [
    '/can-bo',
    '/can-bo/ho-so',
    '/can-bo/ho-so?queue=all',
    '/can-bo/ky-so',
    '/can-bo/hop-thu',
    '/can-bo/danh-gia',
    '/can-bo/don-vi',
    '/can-bo/nhan-su',
    '/can-bo/nhat-ky',
    '/can-bo/lich-lam-viec',
    '/can-bo/thu-tuc',
    '/can-bo/tai-khoan',
  ],
};

describe('Vietnamese pages carry no English', () => {
  it('the deny-list finds what it should, in text only', () => {
    expect(englishIn(visibleText('<p>Chữ ký (valid)</p>'))).toHaveLength(1);
    expect(englishIn(visibleText("<p>Error during verification: Message digest doesn't match</p>")).length).toBeGreaterThan(1);
    expect(englishIn(visibleText('<p>Trạng thái: processing</p>'))).toHaveLength(1);
    expect(englishIn(visibleText('<p>Lãnh đạo: signing_leader</p>'))).toHaveLength(1);
    // Attributes, scripts and code samples are not read.
    expect(englishIn(visibleText('<input name="status" value="processing"><script>const x = "Error"</script><code>valid</code><p>Hợp lệ</p>'))).toEqual([]);
  });

  for (const [role, start] of [
    ['anonymous', START.anonymous],
    ['citizen', START.citizen],
    ['receiving_officer', START.office],
    ['specialist', START.office],
    ['unit_leader', START.office],
    ['signing_leader', START.office],
    ['clerk', START.office],
    ['auditor', START.office],
    ['administrator', START.office],
  ] as const) {
    it(`pages seen by ${role}`, async () => {
      const pages = await crawl(role === 'anonymous' ? null : who[role], start);
      expect(pages.length).toBeGreaterThan(role === 'anonymous' ? 4 : 2);
      expect(pages.filter((p) => p.problems.length).map((p) => `${p.url}\n  ${p.problems.join('\n  ')}`)).toEqual([]);
    }, 600_000);
  }

  it('the verification page of a tampered file speaks Vietnamese only', async () => {
    const signed = await t.ctx.database.db.selectFrom('results').select('result_code').where('status', '=', 'valid').executeTakeFirstOrThrow();
    const pdf = new Uint8Array(
      await (
        await fetch(`${t.base}/api/v1/results/${encodeURIComponent(signed.result_code)}/pdf`, { headers: { authorization: `Bearer ${who.signing_leader}` } })
      ).arrayBuffer(),
    );
    const tampered = new Uint8Array(pdf);
    const at = Buffer.from(pdf).indexOf('%PDF-1.') + 7;
    tampered[at] = tampered[at] === 0x37 ? 0x36 : 0x37;
    const form = await fetch(`${t.base}/xac-minh`);
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const action = /action="(\/xac-minh\?_csrf=[^"]+)"/.exec(await form.text())![1].replace(/&amp;/g, '&');
    for (const bytes of [pdf, tampered]) {
      const body = new FormData();
      body.append('file', new Blob([bytes], { type: 'application/pdf' }), 'ket-qua.pdf');
      const r = await fetch(`${t.base}${action}`, { method: 'POST', headers: { cookie, accept: 'text/html' }, body });
      expect(r.status).toBe(200);
      expect(englishIn(visibleText(await r.text()))).toEqual([]);
    }
    const page = await fetch(`${t.base}/verify/${encodeURIComponent(signed.result_code)}`);
    expect(englishIn(visibleText(await page.text()))).toEqual([]);
  }, 300_000);
});
