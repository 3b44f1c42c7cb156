// The node panel's samples, history and paths (webapp/js/meters.js).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sample, nodeValues, History, scaleTop, path, figure } = require('../../../webapp/js/meters.js');

const NODE = {
    gauges: { jobsRunning: 2, jobsQueued: 5, webSocketConnections: 3, sseConnections: 1, pollWaits: 0 },
    counters: { 'events-stored': 100, 'events-delivered': 400 },
};

test('gauges are read as they are; counters become rates from the second sample on', () => {
    const first = sample(null, NODE, 10000);
    assert.equal(first.values.jobsRunning, 2);
    assert.equal(first.values.pollWaits, 0);
    assert.equal(first.values.eventsStored, null);
    const later = { ...NODE, counters: { 'events-stored': 120, 'events-delivered': 440 } };
    const second = sample(first, later, 12000);
    assert.equal(second.values.eventsStored, 10);
    assert.equal(second.values.eventsDelivered, 20);
});

test('a figure the node does not report, or a counter that went back, is null and nothing else', () => {
    const old = { webSocketConnections: 4, counters: { 'events-stored': 7 } };
    const first = sample(null, old, 0);
    assert.equal(first.values.jobsRunning, null);
    assert.equal(first.values.webSocketConnections, null);
    const restarted = sample(first, { counters: { 'events-stored': 2 } }, 2000);
    assert.equal(restarted.values.eventsStored, null);
    assert.equal(sample(null, null, 0).values.jobsQueued, null);
});

test('one value per live node', () => {
    assert.deepEqual(nodeValues({ nodes: [{ node: 'a', runningJobs: 1 }, { node: 'b', runningJobs: 0 }] }), { a: 1, b: 0 });
    assert.deepEqual(nodeValues(null), {});
});

test('the history keeps the window and one sample before it', () => {
    const h = new History(10000);
    for (let t = 0; t <= 30000; t += 3000) {
        h.add({ t, values: { x: t / 1000 } });
    }
    assert.equal(h.samples[0].t, 18000, 'the last one before the window starts at 20000');
    assert.equal(h.samples[1].t, 21000);
    assert.equal(h.last().t, 30000);
    assert.deepEqual(h.points('y').map((p) => p.v), Array(h.samples.length).fill(null));
    h.add({ t: 33000, values: { node1: 2 } });
    assert.deepEqual(h.keys(), ['x', 'node1']);
});

test('the scale tops at 1, 2 or 5 times a power of ten', () => {
    assert.equal(scaleTop(0), 1);
    assert.equal(scaleTop(null), 1);
    assert.equal(scaleTop(3), 5);
    assert.equal(scaleTop(7), 10);
    assert.equal(scaleTop(12), 20);
    assert.equal(scaleTop(200), 200);
    assert.equal(scaleTop(201), 500);
});

test('a path runs from the window start to now, breaks at a null and is empty with no value', () => {
    const points = [{ t: 0, v: 0 }, { t: 5000, v: 10 }, { t: 6000, v: null }, { t: 10000, v: 5 }];
    assert.equal(path(points, 10000, 10000, 100, 50, 10), 'M0.0 50.0 L50.0 0.0 M100.0 25.0');
    assert.equal(path([{ t: 0, v: null }], 10000, 10000, 100, 50, 10), '');
    assert.equal(path([{ t: -5000, v: 20 }], 10000, 10000, 100, 50, 10), 'M0.0 0.0', 'clipped to the box');
});

test('figures', () => {
    assert.equal(figure(null), '—');
    assert.equal(figure(1234), '1,234');
    assert.equal(figure(2.345), '2.3');
});
