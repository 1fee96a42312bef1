import * as echarts from 'echarts';

/**
 * Charts drawn on the server by ECharts (SVG, no script), so they show without JavaScript and
 * cost the browser nothing. Every chart has a text equivalent on its page (a table); the
 * picture is a summary of it.
 */

type ChartOption = Parameters<echarts.ECharts['setOption']>[0];

/** The congso palette: the national red, GOV.UK's blue and green, and a dark grey. */
export const CHART_COLORS = { red: '#b01c2e', blue: '#1d70b8', green: '#00703c', grey: '#505a5f' } as const;

/** ECharts' inline `style` attributes as presentation attributes: the picture looks the same under a style policy that allows no inline style. */
export const withoutInlineStyle = (svg: string) =>
  svg.replace(/ style="([^"]*)"/g, (_, css: string) =>
    css
      .split(';')
      .map((d) => d.split(':').map((x) => x.trim()))
      .filter(([k, v]) => k && v && /^[a-z-]+$/.test(k))
      .map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;')}"`)
      .join(''),
  );

/**
 * One chart as an SVG document: no animation, ECharts' aria description, the pages' font. The
 * option is the chart's own (axes, series, legend, grid); the instance is disposed either way.
 */
export function chartSvg(option: ChartOption, size: { width: number; height: number }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, aria: { enabled: true }, textStyle: { fontFamily: 'Be Vietnam Pro, Arial, sans-serif' }, ...option });
    return withoutInlineStyle(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

const DRAWN = new Map<string, unknown>();
const DRAWN_MAX = 200;
/**
 * A drawing kept by the inputs it was drawn from (`key`: everything `draw` reads, serialised),
 * so a dashboard asked again with the same figures is not drawn again: drawing a chart costs
 * 10–20 ms of CPU, the figures behind it a few. The oldest drawings go first.
 */
export function drawnOnce<T>(key: string, draw: () => T): T {
  const hit = DRAWN.get(key);
  if (hit !== undefined) {
    DRAWN.delete(key);
    DRAWN.set(key, hit);
    return hit as T;
  }
  const made = draw();
  DRAWN.set(key, made);
  if (DRAWN.size > DRAWN_MAX) DRAWN.delete(DRAWN.keys().next().value as string);
  return made;
}

/** An SVG as a `data:` address: the chart travels in the page, and the page's image policy allows it. ECharts' hover styles are dropped (an image has no hover). */
export const svgDataUri = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg.replace(/<style\b[\s\S]*?<\/style>/g, '')).toString('base64')}`;

/** Where a phone's chart replaces the wide one: GOV.UK Frontend's tablet breakpoint. */
const NARROW = '(max-width: 40.0525em)';

/**
 * A chart in a page, with no request of its own: the wide drawing, and optionally a narrow one
 * drawn for a phone's width (a wide chart shrunk to a phone has unreadable labels), chosen by
 * the browser; then its caption (what it shows, and where its figures are in text).
 */
export function ChartFigure({
  id,
  wide,
  narrow,
  alt,
  caption,
}: {
  id?: string;
  wide: { svg: string; width: number; height: number };
  narrow?: { svg: string; width: number; height: number };
  alt: string;
  caption: string;
}) {
  return (
    <figure class="cs-chart" id={id}>
      <picture>
        {narrow ? <source media={NARROW} srcset={svgDataUri(narrow.svg)} width={narrow.width} height={narrow.height} /> : null}
        <img src={svgDataUri(wide.svg)} alt={alt} width={wide.width} height={wide.height} />
      </picture>
      <figcaption class="govuk-body-s">{caption}</figcaption>
    </figure>
  );
}
