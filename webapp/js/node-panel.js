// node-panel.js: the operator's node panel: live charts of the node's meters (GET api/node, every SAMPLE_MS, the
// last WINDOW_MS; at least MIN_SPAN_MS wide while the panel has sampled for less) drawn as inline SVG, a chart of the jobs running on each live node and a table of the nodes
// (GET api/nodes). Only sampled while the operator view is shown. The arithmetic is meters.js's.

import { nodeFigures, clusterNodes } from './api.js';

const M = window.JobPulseMeters;
const F = window.JobPulseFormat;
const WINDOW_MS = 5 * 60 * 1000;
/** Until the panel has sampled for longer, its charts span this much, so that the first samples are not a sliver. */
const MIN_SPAN_MS = 60 * 1000;
const SAMPLE_MS = 2000;
const WIDTH = 300;
const HEIGHT = 100;
const SVG = 'http://www.w3.org/2000/svg';
const NODES_CHART = { key: 'nodes', title: 'Running jobs per node', series: [] };

const $ = (id) => document.getElementById(id);
const meters = new M.History(WINDOW_MS);
const perNode = new M.History(WINDOW_MS);
const charts = new Map();
let previous = null;
let timer = null;

function element(name, attributes, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
        e.setAttribute(key, value);
    }
    parent.appendChild(e);
    return e;
}

function legendItem(legend, key, label, index) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch series-' + (index % 6);
    const value = document.createElement('strong');
    value.dataset.seriesValue = key;
    value.textContent = '—';
    item.append(swatch, label, value);
    legend.appendChild(item);
}

function createChart(chart) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.dataset.chart = chart.key;
    figure.dataset.samples = '0';
    const caption = document.createElement('figcaption');
    const title = document.createElement('span');
    title.textContent = chart.title;
    const top = document.createElement('span');
    top.className = 'chart-top';
    caption.append(title, top);
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + HEIGHT);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', chart.title + ', last 5 minutes');
    for (const y of [0.25, 0.5, 0.75]) {
        element('line', { class: 'grid', x1: 0, x2: WIDTH, y1: HEIGHT * y, y2: HEIGHT * y }, svg);
    }
    const axis = document.createElement('div');
    axis.className = 'axis';
    const since = document.createElement('span');
    const now = document.createElement('span');
    now.textContent = 'now';
    axis.append(since, now);
    const legend = document.createElement('ul');
    legend.className = 'legend';
    figure.append(caption, svg, axis, legend);
    $('node-charts').appendChild(figure);
    const item = { figure, svg, top, since, legend, paths: new Map() };
    chart.series.forEach((s, i) => addSeries(item, s.key, s.label, i));
    charts.set(chart.key, item);
    return item;
}

function addSeries(item, key, label, index) {
    const path = element('path', { class: 'series series-' + (index % 6), d: '' }, item.svg);
    path.dataset.series = key;
    item.paths.set(key, path);
    legendItem(item.legend, key, label, index);
}

function drawChart(item, history, keys, now) {
    const last = history.last();
    let max = 0;
    for (const key of keys) {
        for (const p of history.points(key)) {
            max = p.v !== null && p.v > max ? p.v : max;
        }
    }
    const top = M.scaleTop(max);
    const first = history.samples.length === 0 ? now : history.samples[0].t;
    const span = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, now - first));
    item.top.textContent = 'scale 0 – ' + M.figure(top);
    item.since.textContent = '−' + F.duration(span);
    item.svg.setAttribute('aria-label', item.svg.getAttribute('aria-label').replace(/,.*$/, ', last ' + F.duration(span)));
    for (const key of keys) {
        item.paths.get(key).setAttribute('d', M.path(history.points(key), now, span, WIDTH, HEIGHT, top));
        const value = last && last.values[key] !== undefined ? last.values[key] : null;
        item.legend.querySelector('[data-series-value="' + CSS.escape(key) + '"]').textContent = M.figure(value);
    }
    item.figure.dataset.samples = String(history.samples.length);
}

function draw(now) {
    for (const chart of M.CHARTS) {
        drawChart(charts.get(chart.key) || createChart(chart), meters, chart.series.map((s) => s.key), now);
    }
    const nodes = charts.get(NODES_CHART.key) || createChart(NODES_CHART);
    const keys = perNode.keys();
    keys.filter((key) => !nodes.paths.has(key)).forEach((key) => addSeries(nodes, key, key, nodes.paths.size));
    drawChart(nodes, perNode, keys, now);
}

function showNodes(list) {
    const body = $('nodes-body');
    body.replaceChildren();
    for (const n of list) {
        const row = document.createElement('tr');
        row.dataset.node = n.node;
        for (const text of [n.node + (n.stopping ? ' (stopping)' : ''), n.runningJobs, n.connections, n.bus,
            new Date(n.startedAt).toLocaleString('en-GB'), new Date(n.heartbeatAt).toLocaleTimeString('en-GB')]) {
            const cell = document.createElement('td');
            cell.textContent = String(text);
            row.appendChild(cell);
        }
        body.appendChild(row);
    }
}

async function sampleOnce() {
    const problems = [];
    try {
        const node = await nodeFigures();
        previous = M.sample(previous, node, Date.now());
        meters.add(previous);
        $('node-name').textContent = node.node || '';
    } catch (e) {
        problems.push('Could not read the node: ' + e.message);
    }
    try {
        const nodes = await clusterNodes();
        perNode.add({ t: Date.now(), values: M.nodeValues(nodes) });
        showNodes(nodes.nodes || []);
    } catch (e) {
        problems.push('Could not read the nodes: ' + e.message);
    }
    $('node-status').textContent = problems.join(' ');
    draw(Date.now());
}

/** Samples now and every SAMPLE_MS until stopped; what was sampled before is kept (the last 5 minutes). */
export function startNodePanel() {
    if (timer === null) {
        timer = setInterval(sampleOnce, SAMPLE_MS);
        sampleOnce();
    }
}

export function stopNodePanel() {
    if (timer !== null) {
        clearInterval(timer);
        timer = null;
    }
}
