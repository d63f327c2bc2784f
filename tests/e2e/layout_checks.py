"""What a reader would see as clipped or overlapping, measured in the browser.

Used by tests/e2e/test_layout.py. Each check returns a list of human-readable problems (empty when
the view is fine): which chart (by its title), which text, and by how many pixels it leaves its
box or covers another.
"""

from __future__ import annotations

# Every text Plotly draws that a reader must be able to read: the title, tick labels, axis titles,
# annotations (the source line), legend entries, colour-bar text, and labels on bars and points.
# A text is clipped when it leaves the chart's own box (the SVG Plotly draws into), or the Streamlit
# column that holds the chart. Overlaps are checked between kinds (title, legend, annotation,
# x labels, y labels), not inside one kind (neighbouring tick labels never touch anyway).
PLOTLY_TEXT_JS = r"""
() => {
  const problems = [];
  const tol = 1.5;
  const visible = r => r.width > 0 && r.height > 0;
  const plots = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
    .filter(p => visible(p.getBoundingClientRect()));
  for (const plot of plots) {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) continue;
    const box = svg.getBoundingClientRect();
    const holder = plot.closest('[data-testid="stElementContainer"]') || plot.parentElement;
    const column = holder.parentElement.getBoundingClientRect();
    const titleEl = plot.querySelector('.gtitle');
    const name = (titleEl ? titleEl.textContent : '') || '(untitled chart)';
    if (box.right > column.right + tol || box.left < column.left - tol) {
      problems.push(`chart "${name}" is ${Math.round(box.right - column.right)} px wider than its column`);
    }
    // A chart taller than the space its page gives it runs over what comes before or after it.
    for (let el = holder.parentElement; el && el.dataset.testid !== 'stMain'; el = el.parentElement) {
      const r = el.getBoundingClientRect();
      if (box.bottom > r.bottom + tol || box.top < r.top - tol) {
        problems.push(`chart "${name}" overflows its container by ${Math.round(Math.max(box.bottom - r.bottom, r.top - box.top))} px`);
        break;
      }
    }
    const kinds = {
      title: '.gtitle',
      annotation: '.annotation-text-g text, .annotation text',
      legend: '.legend .legendtext',
      xlabel: '.xtick text, .g-xtitle text, .x2tick text, .g-x2title text',
      ylabel: '.ytick text, .g-ytitle text, .y2tick text, .g-y2title text',
      colorbar: '.colorbar text',
      datalabel: '.textpoint text, .bartext, .hm text, .heatmaplayer text, .scatterlayer .textpoint text',
      nodelabel: '.sankey .node-label',
    };
    const found = {};
    for (const [kind, selector] of Object.entries(kinds)) {
      found[kind] = [];
      for (const el of plot.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (!visible(r) || !el.textContent.trim()) continue;
        found[kind].push({el, r, text: el.textContent.trim().slice(0, 60)});
        const out = Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom);
        if (out > tol) {
          const side = ['left', 'right', 'top', 'bottom'][[box.left - r.left, r.right - box.right, box.top - r.top,
                        r.bottom - box.bottom].indexOf(out)];
          problems.push(`chart "${name}": ${kind} "${el.textContent.trim().slice(0, 60)}" is cut off at the ${side} by ${Math.round(out)} px`);
        }
      }
    }
    const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
    const pairs = [['title', 'legend'], ['title', 'annotation'], ['title', 'xlabel'], ['title', 'colorbar'],
                   ['legend', 'annotation'], ['legend', 'xlabel'], ['annotation', 'xlabel'],
                   ['annotation', 'ylabel'], ['xlabel', 'ylabel'], ['legend', 'colorbar'],
                   ['nodelabel', 'nodelabel'], ['nodelabel', 'annotation'], ['title', 'nodelabel'],
                   ['xlabel', 'xlabel'], ['ylabel', 'ylabel']];
    for (const [ka, kb] of pairs) {
      for (const a of found[ka]) for (const b of found[kb]) {
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        if (ka === kb && a.r.top > b.r.top) continue;  // each pair of one kind once
        if (overlap(a.r, b.r)) problems.push(`chart "${name}": ${ka} "${a.text}" overlaps ${kb} "${b.text}"`);
      }
    }
  }
  return problems;
}
"""

# A table is too wide when its box leaves the column that holds it (it is cut off or makes the page
# scroll sideways). Data grids (stDataFrame) scroll inside themselves, so only their frame counts.
TABLES_JS = r"""
() => {
  const problems = [];
  const tol = 1.5;
  const visible = r => r.width > 0 && r.height > 0;
  const check = (el, what) => {
    const r = el.getBoundingClientRect();
    if (!visible(r)) return;
    const holder = el.closest('[data-testid="stElementContainer"]') || el.parentElement;
    const column = holder.parentElement.getBoundingClientRect();
    const over = Math.max(r.right - column.right, column.left - r.left);
    const head = (el.innerText || '').trim().split('\n')[0].slice(0, 50);
    if (over > tol) problems.push(`${what} "${head}" is ${Math.round(over)} px wider than its column`);
    if (el.scrollWidth > el.clientWidth + tol && getComputedStyle(el).overflowX !== 'visible') {
      problems.push(`${what} "${head}" scrolls sideways by ${el.scrollWidth - el.clientWidth} px`);
    }
  };
  document.querySelectorAll('[data-testid="stDataFrame"]').forEach(el => check(el, 'data grid'));
  document.querySelectorAll('[data-testid="stTable"]').forEach(el => check(el, 'table'));
  document.querySelectorAll('[data-testid="stMarkdownContainer"] table').forEach(el => check(el, 'markdown table'));
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + tol) {
    problems.push(`the page scrolls sideways by ${main.scrollWidth - main.clientWidth} px`);
  }
  return problems;
}
"""

# The chart text sizes a reader gets: the smallest font size (px) of any Plotly text on the page.
SMALLEST_CHART_TEXT_JS = r"""
() => {
  let smallest = Infinity, where = '';
  for (const el of document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')) {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0) || !el.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest) { smallest = size; where = el.textContent.trim().slice(0, 40); }
  }
  return [smallest, where];
}
"""

# The font families of the page's text and of the charts' text, as the browser resolved them.
FONTS_JS = r"""
() => {
  const page = getComputedStyle(document.querySelector('[data-testid="stMain"] h1')).fontFamily;
  const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] svg text'))
    .map(el => el.style.fontFamily || getComputedStyle(el).fontFamily);
  return {page, charts: Array.from(new Set(charts))};
}
"""


def plotly_text_problems(page) -> list[str]:
    return page.evaluate(PLOTLY_TEXT_JS)


def table_problems(page) -> list[str]:
    return page.evaluate(TABLES_JS)
