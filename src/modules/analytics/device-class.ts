import type { DeviceClass } from './tables.ts';

export type { DeviceClass };

// Robots name themselves (Googlebot, bingbot, …) or are tools and libraries, not browsers.
const BOT =
  /bot\b|bot\/|crawl|spider|slurp|archiver|facebookexternalhit|zalo.*(preview|crawler)|preview|headless|lighthouse|pingdom|uptime|monitor|curl\/|wget\/|python-requests|python-urllib|go-http-client|java\/|okhttp|node-fetch|undici|axios|libwww|httpclient|scrapy|feedfetcher|^$/i;
// Tablets first: an iPad, an Android without "Mobile", Kindle and Silk, tablets that say so.
const TABLET = /ipad|tablet|kindle|silk\/|playbook|(android(?!.*mobile))/i;
const MOBILE = /mobi|iphone|ipod|android.*mobile|windows phone|iemobile|opera mini|blackberry|bb10|webos|zalo/i;

/**
 * The class of device a User-Agent names: mobile, tablet, desktop, or bot (robots, monitors and
 * HTTP libraries, never counted as views). Only the class is kept, never the header itself.
 * A missing or empty header is a tool, not a person's browser.
 */
export function deviceClass(userAgent: string | undefined | null): Exclude<DeviceClass, 'unknown'> {
  const ua = (userAgent ?? '').slice(0, 512).trim();
  if (BOT.test(ua)) return 'bot';
  if (TABLET.test(ua)) return 'tablet';
  if (MOBILE.test(ua)) return 'mobile';
  return 'desktop';
}
