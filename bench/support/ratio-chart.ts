import * as echarts from 'echarts';
import type { TargetFigure } from './report';

const TITLE =
  'Each benchmark ratio against its target: green bars meet it, red bars do not; the black mark is the target';
const MET = '#2e7d32';
const NOT_MET = '#c62828';

/**
 * One SVG of every ratio target (units `x` and `%`), one panel per unit: a bar
 * per figure, green when met and red when not, and a mark at its target.
 * Drawn by ECharts' server-side SVG renderer (https://echarts.apache.org/handbook/en/how-to/cross-platform/server/).
 */
export function ratioChartSvg(figures: readonly TargetFigure[]): string {
  const panels = (['x', '%'] as const)
    .map((unit) => ({ unit, figures: figures.filter((figure) => figure.unit === unit) }))
    .filter((panel) => panel.figures.length > 0);
  const rowHeight = 34;
  const titleHeight = 36;
  const heights = panels.map((panel) => titleHeight + panel.figures.length * rowHeight + 30);
  const width = 900;
  const height = heights.reduce((sum, h) => sum + h, 0) + 10;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let top = 0;
  const option: echarts.EChartsCoreOption = {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'sans-serif' },
    title: [],
    grid: [],
    xAxis: [],
    yAxis: [],
    series: [],
  };
  panels.forEach((panel, index) => {
    const labels = panel.figures.map((figure) => `${figure.label} (${figure.goal} ${figure.target}${figure.unit})`);
    const max = Math.max(...panel.figures.flatMap((figure) => [figure.value, figure.target])) * 1.15;
    (option.title as object[]).push({
      text:
        panel.unit === 'x'
          ? 'Times a reference (a floor, a peer, the file size)'
          : 'Per cent of the direct path (higher is better)',
      top,
      left: 10,
      textStyle: { fontSize: 14 },
    });
    (option.grid as object[]).push({
      top: top + titleHeight,
      left: 400,
      right: 80,
      height: panel.figures.length * rowHeight,
    });
    (option.xAxis as object[]).push({
      gridIndex: index,
      type: 'value',
      max: Math.ceil(max * 10) / 10,
      splitLine: { show: true },
    });
    (option.yAxis as object[]).push({
      gridIndex: index,
      type: 'category',
      data: labels,
      inverse: true,
      axisLabel: { width: 380, overflow: 'truncate' },
    });
    (option.series as object[]).push(
      {
        type: 'bar',
        xAxisIndex: index,
        yAxisIndex: index,
        barWidth: 16,
        data: panel.figures.map((figure) => ({
          value: Number(figure.value.toFixed(2)),
          itemStyle: { color: figure.met ? MET : NOT_MET },
        })),
        label: { show: true, position: 'right', formatter: `{c}${panel.unit}` },
      },
      {
        type: 'scatter',
        xAxisIndex: index,
        yAxisIndex: index,
        symbol: 'rect',
        symbolSize: [3, 26],
        itemStyle: { color: '#212121' },
        data: panel.figures.map((figure, row) => [figure.target, row]),
        z: 3,
      },
    );
    top += heights[index] ?? 0;
  });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  // A title, for whoever reads the picture with a screen reader (and as its tooltip).
  return svg.replace(/^<svg[^>]*>/, (open) => `${open}<title>${TITLE}</title>`);
}
