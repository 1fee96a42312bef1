import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { getProcedure } from '../../modules/catalog/get-procedure.ts';
import { deviceClass } from '../../modules/analytics/device-class.ts';
import { BEACON_STEPS, countHits, flushUsage, PROCEDURE_CODE, type UsageHit } from '../../modules/analytics/count-usage.ts';

/**
 * Usage analytics of the portal (issue 15 item 5), first-party and privacy-preserving: no
 * third-party script, no cookie of its own, no address, no account, nothing per visitor. After a
 * portal page has been answered (GET, 200, HTML) its class and the device class are counted; a
 * procedure page also counts a view of that procedure (the funnel's first step); the filing
 * pages count the form's steps. Robots are counted apart, never as views. The filing form's
 * sections are counted by a beacon our own script sends when each is shown (`BEACON_URL`).
 */

/** The page classes counted: a route of the portal, never its address (codes and names stay out). */
export const PAGE_CLASSES: Record<string, { key: string; vi: string; en: string }> = {
  '/': { key: 'home', vi: 'Trang chủ', en: 'Home' },
  '/thu-tuc': { key: 'catalogue', vi: 'Danh mục thủ tục', en: 'Procedure catalogue' },
  '/thu-tuc/:code': { key: 'procedure', vi: 'Trang thủ tục', en: 'Procedure page' },
  '/thu-tuc/:code/nop-ho-so': { key: 'procedure-file', vi: 'Bắt đầu nộp hồ sơ', en: 'Start a filing' },
  '/nop-ho-so/:code': { key: 'filing', vi: 'Biểu mẫu nộp hồ sơ', en: 'Filing form' },
  '/nop-ho-so/:code/xem-lai': { key: 'filing-review', vi: 'Xem lại hồ sơ trước khi nộp', en: 'Review before filing' },
  '/nop-ho-so/:code/da-nop': { key: 'filed', vi: 'Đã nộp hồ sơ', en: 'Dossier filed' },
  '/ho-so-cua-toi': { key: 'my-dossiers', vi: 'Hồ sơ của tôi', en: 'My dossiers' },
  '/ho-so-cua-toi/:code': { key: 'my-dossier', vi: 'Chi tiết hồ sơ của tôi', en: 'One of my dossiers' },
  '/kho-du-lieu': { key: 'repository', vi: 'Kho dữ liệu', en: 'E-data repository' },
  '/thong-bao': { key: 'notifications', vi: 'Thông báo', en: 'Notifications' },
  '/tra-cuu': { key: 'track', vi: 'Tra cứu hồ sơ', en: 'Track a dossier' },
  '/tra-cuu/:ma': { key: 'track-result', vi: 'Kết quả tra cứu hồ sơ', en: 'Dossier tracked' },
  '/xac-minh': { key: 'verify', vi: 'Xác minh kết quả', en: 'Verify a result' },
  '/verify/:code': { key: 'verify-result', vi: 'Kết quả xác minh', en: 'Result verified' },
  '/chia-se/:token': { key: 'shared-document', vi: 'Giấy tờ được chia sẻ', en: 'Shared document' },
  '/thanh-toan/ket-qua': { key: 'payment-result', vi: 'Kết quả thanh toán', en: 'Payment result' },
  '/bien-lai/:id': { key: 'receipt-check', vi: 'Kiểm tra biên lai', en: 'Receipt check' },
  '/dang-nhap': { key: 'sign-in', vi: 'Đăng nhập', en: 'Sign in' },
};

/** Not the portal: the office, the API, files, simulators, operations and this module's own routes. */
const NOT_PORTAL = /^\/(can-bo|api|assets|simulators|sso|tsa|phan-tich|healthz|metrics)(\/|$)/;

export const BEACON_URL = '/phan-tich/su-kien';
export const BEACON_SCRIPT_URL = '/phan-tich/theo-doi.js';

/** The page class of a route: its name above, else the route's pattern itself (`:code` stays a placeholder). */
export const pageClassOf = (route: string) => PAGE_CLASSES[route]?.key ?? route.slice(0, 120);

/** What a portal page's answer counts, if anything. */
export function hitsOf(req: FastifyRequest, reply: FastifyReply): UsageHit[] {
  const route = req.routeOptions.url;
  if (req.method !== 'GET' || reply.statusCode !== 200 || !route || NOT_PORTAL.test(route)) return [];
  if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return [];
  // A fragment htmx asked for is part of a page already counted.
  if (req.headers['hx-request'] && !req.headers['hx-boosted']) return [];
  // Officials looking at the portal are not its users.
  if (req.principal && req.principal.kind !== 'citizen') return [];
  const device = deviceClass(req.headers['user-agent']);
  if (device === 'bot') return [{ kind: 'bot_hit', key: 'all', device }];
  const hits: UsageHit[] = [{ kind: 'page_view', key: pageClassOf(route), device }];
  const code = (req.params as Record<string, unknown> | undefined)?.code;
  if (typeof code === 'string' && PROCEDURE_CODE.test(code)) {
    if (route === '/thu-tuc/:code') hits.push({ kind: 'service_view', key: code, device }, { kind: 'funnel', key: `${code}:viewed`, device });
    if (route === '/nop-ho-so/:code') hits.push({ kind: 'eform_step', key: `${code}:form`, device });
    if (route === '/nop-ho-so/:code/xem-lai') hits.push({ kind: 'eform_step', key: `${code}:review`, device });
  }
  return hits;
}

/**
 * Our own script, loaded by app.js on a filing form only: once per page, tells the server which
 * sections of the form were shown (procedure code and section name, nothing typed). It carries
 * the page's CSRF token in its body like any form; the session cookie rides along as on every
 * request, and nothing else is stored in the browser.
 */
const BEACON_SCRIPT = `// congso usage analytics: which sections of a filing form were shown (first-party; nothing typed is sent).
(() => {
  const form = document.querySelector('form[action^="/nop-ho-so/"][enctype="multipart/form-data"]');
  if (!form || !navigator.sendBeacon || !('IntersectionObserver' in window)) return;
  const m = /^\\/nop-ho-so\\/([^/]+)$/.exec(new URL(form.getAttribute('action'), location.href).pathname);
  if (!m) return;
  const procedure = decodeURIComponent(m[1]);
  let token = '';
  try {
    token = JSON.parse(document.body.getAttribute('hx-headers') || '{}')['x-csrf-token'] || '';
  } catch {
    return; // no token: the server would refuse the beacon
  }
  const shown = (el) => el && el.getAttribute('type') !== 'hidden';
  const sections = new Map(
    [
      ['contact', form.querySelector('[name^="contact."]')],
      ['eform', form.querySelector('[name^="f."]:not([type="hidden"])')],
      ['components', form.querySelector('[name^="file."]')],
      ['fees', form.querySelector('#phi-le-phi')],
      ['delivery', form.querySelector('[name="delivery"]')],
    ]
      .filter(([, el]) => shown(el))
      .map(([step, el]) => [el, step]),
  );
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      io.unobserve(e.target);
      navigator.sendBeacon('${BEACON_URL}', new URLSearchParams({ procedure, step: sections.get(e.target), _csrf: token }));
    }
  });
  for (const el of sections.keys()) io.observe(el);
})();
`;

const BeaconBody = z.object({
  procedure: z.string().regex(PROCEDURE_CODE),
  step: z.enum(BEACON_STEPS),
  _csrf: z.string().max(200).optional(),
});

export const analyticsPortalModule: Module = {
  name: 'analytics-portal',
  routes(app, ctx) {
    app.addHook('onResponse', async (req, reply) => {
      // Counting must never fail a page: the answer is already sent, and counts are estimates.
      try {
        countHits(ctx, hitsOf(req, reply));
      } catch (e) {
        req.log.warn({ err: e }, 'analytics: view not counted');
      }
    });
    // The counts kept in memory are written before the database closes.
    app.addHook('onClose', async () => flushUsage(ctx));

    app.get(BEACON_SCRIPT_URL, { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(BEACON_SCRIPT),
    );

    // Only the applicant filing sees the form, so only a signed-in citizen's beacon counts.
    app.post(BEACON_URL, { config: { access: ['citizen'], limit: 'public' }, schema: { hide: true, body: BeaconBody } }, async (req, reply) => {
      const device = deviceClass(req.headers['user-agent']);
      if (device !== 'bot') {
        try {
          await getProcedure(ctx, req.body.procedure);
        } catch (e) {
          // A code the catalogue does not know is not counted: beacons cannot fill the table with made-up keys.
          if (e instanceof AppError && e.status === 404) return reply.code(204).send();
          throw e;
        }
        countHits(ctx, [{ kind: 'eform_step', key: `${req.body.procedure}:${req.body.step}`, device }]);
      }
      return reply.code(204).send();
    });
  },
};
