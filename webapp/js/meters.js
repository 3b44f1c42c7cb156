/*
 * meters.js: the operator's node panel, without the DOM: samples of a node's meters (GET api/node, GET api/nodes)
 * kept for the last minutes, and the SVG path of each series. Pure functions and one small class
 * (window.JobPulseMeters in the page, require() in Node tests). A figure the node does not report (an older node, a
 * field renamed) is null: its series draws nothing, the others draw on.
 */
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.JobPulseMeters = api;
    }
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
    'use strict';

    /** The charts and their series: a gauge read as is, or a counter turned into a rate per second. */
    const CHARTS = [
        {
            key: 'jobs', title: 'Jobs', series: [
                { key: 'jobsRunning', label: 'running', gauge: 'jobsRunning' },
                { key: 'jobsQueued', label: 'queued', gauge: 'jobsQueued' },
                { key: 'nodeRuns', label: 'running here', gauge: 'nodeRuns' },
            ],
        },
        {
            key: 'events', title: 'Events per second', series: [
                { key: 'eventsStored', label: 'stored', counter: 'events-stored' },
                { key: 'eventsDelivered', label: 'delivered', counter: 'events-delivered' },
            ],
        },
        {
            key: 'connections', title: 'Connections', series: [
                { key: 'webSocketConnections', label: 'WebSocket', gauge: 'webSocketConnections' },
                { key: 'sseConnections', label: 'SSE', gauge: 'sseConnections' },
                { key: 'pollWaits', label: 'long polls', gauge: 'pollWaits' },
            ],
        },
    ];

    function number(value) {
        return typeof value === 'number' && Number.isFinite(value) ? value : null;
    }

    /**
     * One sample of the node's meters at time `t` (ms) from its GET api/node answer `node`: gauges as they are,
     * counters as their rate per second since `previous` (the sample before, with its raw counters; null for the first
     * one). A rate is null for the first sample, and when a counter went back (the node restarted).
     */
    function sample(previous, node, t) {
        const gauges = (node && node.gauges) || {};
        const counters = (node && node.counters) || {};
        const values = {};
        const raw = {};
        for (const chart of CHARTS) {
            for (const s of chart.series) {
                if (s.gauge) {
                    values[s.key] = number(gauges[s.gauge]);
                    continue;
                }
                const now = number(counters[s.counter]);
                raw[s.key] = now;
                const before = previous ? previous.raw[s.key] : null;
                const seconds = previous ? (t - previous.t) / 1000 : 0;
                values[s.key] = now === null || before === null || before === undefined || seconds <= 0 || now < before
                    ? null : (now - before) / seconds;
            }
        }
        return { t: t, values: values, raw: raw };
    }

    /** The per-node series of GET api/nodes: one value per live node, running jobs by node name. */
    function nodeValues(nodes) {
        const values = {};
        for (const n of (nodes && nodes.nodes) || []) {
            values[n.node] = number(n.runningJobs);
        }
        return values;
    }

    /** Samples of the last `windowMs`, oldest first; older ones are dropped as new ones come. */
    class History {
        constructor(windowMs) {
            this.windowMs = windowMs;
            this.samples = [];
        }

        /** Adds `{t, values}`; keeps one sample older than the window, so that lines reach the left edge. */
        add(entry) {
            this.samples.push(entry);
            const start = entry.t - this.windowMs;
            while (this.samples.length > 2 && this.samples[1].t <= start) {
                this.samples.shift();
            }
        }

        last() {
            return this.samples.length === 0 ? null : this.samples[this.samples.length - 1];
        }

        /** Every key any sample has a value for, in order of first appearance. */
        keys() {
            const keys = [];
            for (const s of this.samples) {
                for (const key of Object.keys(s.values)) {
                    if (!keys.includes(key)) {
                        keys.push(key);
                    }
                }
            }
            return keys;
        }

        /** The points `{t, v}` of one series, null where a sample had no value for it. */
        points(key) {
            return this.samples.map((s) => ({ t: s.t, v: s.values[key] === undefined ? null : s.values[key] }));
        }
    }

    /** The top of a chart's scale for values up to `max`: 1, 2 or 5 times a power of ten, at least 1. */
    function scaleTop(max) {
        if (!(max > 1)) {
            return 1;
        }
        const power = Math.pow(10, Math.floor(Math.log10(max)));
        for (const step of [1, 2, 5, 10]) {
            if (max <= step * power) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /**
     * The SVG path (`d`) of `points` in a `width` x `height` box: time from `now - windowMs` (left) to `now` (right),
     * values from 0 (bottom) to `top`. A null value breaks the line; a series with no value draws nothing ("").
     */
    function path(points, now, windowMs, width, height, top) {
        let d = '';
        let pen = false;
        for (const p of points) {
            if (p.v === null) {
                pen = false;
                continue;
            }
            const x = Math.max(0, width - ((now - p.t) / windowMs) * width);
            const y = height - (Math.min(p.v, top) / top) * height;
            d += (pen ? ' L' : (d === '' ? 'M' : ' M')) + x.toFixed(1) + ' ' + y.toFixed(1);
            pen = true;
        }
        return d;
    }

    /** A chart's current figure: "3", "12.5", "—" when unknown. */
    function figure(value) {
        if (value === null || value === undefined) {
            return '—';
        }
        return Number.isInteger(value) ? value.toLocaleString('en') : value.toLocaleString('en', { maximumFractionDigits: 1 });
    }

    return {
        CHARTS: CHARTS,
        sample: sample,
        nodeValues: nodeValues,
        History: History,
        scaleTop: scaleTop,
        path: path,
        figure: figure,
    };
});
