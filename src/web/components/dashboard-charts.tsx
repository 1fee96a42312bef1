import type { Lang } from '../../platform/i18n/index.ts';
import { CHART_COLORS, chartSvg, drawnOnce } from './charts.tsx';

/**
 * The leaders' dashboard charts (issue 15), drawn through the shared chart helper (`charts.tsx`:
 * ECharts on the server, SVG, no script), each in a wide and a phone-width drawing. The page
 * shows every figure of a chart in a table beside it.
 */

export interface Drawing {
  svg: string;
  width: number;
  height: number;
}

const GROUP_COLOURS = [CHART_COLORS.blue, CHART_COLORS.green, '#f47738', '#4c2c92', CHART_COLORS.grey];

export interface TrendPoint {
  /** 'YYYY-MM' */
  month: string;
  total: number;
  /** Each group's score as a share of its weight, 0..100, in the order of `groupNames`. */
  groups: number[];
}

export const monthLabel = (lang: Lang, month: string) => (lang === 'vi' ? `${month.slice(5, 7)}/${month.slice(0, 4)}` : month);

/**
 * The total score (out of 100) month by month, and each group's score as a percentage of its
 * weight, so that the five groups (weights 18 to 22) share the total's 0–100 axis.
 */
export function trendChart(points: TrendPoint[], groupNames: string[], lang: Lang, narrow = false): Drawing {
  return drawnOnce(JSON.stringify(['trend', points, groupNames, lang, narrow]), () => drawTrend(points, groupNames, lang, narrow));
}

function drawTrend(points: TrendPoint[], groupNames: string[], lang: Lang, narrow: boolean): Drawing {
  const total = lang === 'vi' ? 'Tổng điểm' : 'Total score';
  const width = narrow ? 360 : Math.max(560, 90 + points.length * 70);
  const height = narrow ? 420 : 380;
  const svg = chartSvg(
    {
      legend: { top: 0, data: [total, ...groupNames], textStyle: { fontSize: narrow ? 10 : 11 }, itemGap: narrow ? 6 : 10 },
      grid: { left: 40, right: 16, top: narrow ? 130 : 72, bottom: 40 },
      xAxis: {
        type: 'category',
        data: points.map((p) => (narrow ? p.month.slice(5, 7) : monthLabel(lang, p.month))),
        name: narrow ? (lang === 'vi' ? 'tháng' : 'month') : undefined,
        nameLocation: 'middle',
        nameGap: 26,
      },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [
        { name: total, type: 'line', color: CHART_COLORS.red, lineStyle: { width: 4 }, symbolSize: 8, data: points.map((p) => p.total) },
        ...groupNames.map((name, i) => ({
          name,
          type: 'line' as const,
          color: GROUP_COLOURS[i % GROUP_COLOURS.length],
          lineStyle: { width: 2, type: i % 2 ? ('dashed' as const) : ('solid' as const) },
          data: points.map((p) => Math.round(p.groups[i] * 10) / 10),
        })),
      ],
    },
    { width, height },
  );
  return { svg, width, height };
}

export interface UnitBar {
  name: string;
  received: number;
  onTime: number;
  late: number;
}

/** Dossiers received, returned on time and returned late per unit, as horizontal bars (unit names stay readable on a phone). */
export function unitBarsChart(units: UnitBar[], lang: Lang, narrow = false): Drawing {
  return drawnOnce(JSON.stringify(['units', units, lang, narrow]), () => drawUnitBars(units, lang, narrow));
}

function drawUnitBars(units: UnitBar[], lang: Lang, narrow: boolean): Drawing {
  const tr = (vi: string, en: string) => (lang === 'vi' ? vi : en);
  const names = [tr('Tiếp nhận', 'Received'), tr('Trả đúng hạn', 'Returned on time'), tr('Trả quá hạn', 'Returned late')];
  const shown = [...units].reverse();
  const width = narrow ? 360 : 640;
  const label = narrow ? 112 : 176;
  const height = Math.max(220, 90 + units.length * (narrow ? 80 : 66));
  const bar = (name: string, color: string, data: number[]) => ({ name, type: 'bar' as const, color, label: { show: true, position: 'right' as const }, data });
  // Unit names wrap on their axis rather than being cut: many begin alike ("Phòng Quản lý … khu vực").
  const svg = chartSvg(
    {
      legend: { top: 0, data: names, textStyle: { fontSize: narrow ? 10 : 12 } },
      grid: { left: label + 14, right: 32, top: 40, bottom: 32 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: shown.map((u) => u.name), axisLabel: { fontSize: narrow ? 10 : 11, width: label, overflow: 'break', lineHeight: 14 } },
      series: [
        bar(
          names[0],
          CHART_COLORS.blue,
          shown.map((u) => u.received),
        ),
        bar(
          names[1],
          CHART_COLORS.green,
          shown.map((u) => u.onTime),
        ),
        bar(
          names[2],
          CHART_COLORS.red,
          shown.map((u) => u.late),
        ),
      ],
    },
    { width, height },
  );
  return { svg, width, height };
}
