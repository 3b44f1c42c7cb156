// Wording of durations, progress, states and the connection indicator (webapp/js/format.js).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const F = require('../../../webapp/js/format.js');

test('durations', () => {
    assert.equal(F.duration(0), '0 s');
    assert.equal(F.duration(42999), '42 s');
    assert.equal(F.duration(185000), '3 m 05 s');
    assert.equal(F.duration(7620000), '2 h 07 m');
    assert.equal(F.duration(-5), '0 s');
});

test('time left: nothing without an estimate', () => {
    assert.equal(F.eta(null), null);
    assert.equal(F.eta(400), 'any moment');
    assert.equal(F.eta(4100), 'about 5 s left');
});

test('progress text', () => {
    assert.equal(F.progress({ done: 3, total: 10, percent: 30, message: '' }), '3 / 10 · 30 %');
    assert.equal(F.progress({ done: 1024, total: 0, percent: null, message: '' }), '1,024 done');
    assert.equal(F.progress({ done: 0, total: 0, percent: null, message: '' }), '');
    assert.equal(F.progress(null), '');
});

test('elapsed: null before the start, up to the finish once ended', () => {
    const t0 = '2026-11-27T15:00:00.000Z';
    assert.equal(F.elapsed({ startedAt: null, finishedAt: null }, Date.parse(t0)), null);
    assert.equal(F.elapsed({ startedAt: t0, finishedAt: null }, Date.parse(t0) + 5000), 5000);
    assert.equal(F.elapsed({ startedAt: t0, finishedAt: '2026-11-27T15:00:02.000Z' }, Date.parse(t0) + 9000), 2000);
});

test('connection indicator', () => {
    assert.deepEqual(F.connection({ state: 'live', transport: 'sse', retryAt: null }, 0), { transport: 'sse', text: 'Live · SSE' });
    assert.deepEqual(F.connection({ state: 'reconnecting', transport: null, retryAt: 4200 }, 1000), { transport: 'reconnecting', text: 'Reconnecting in 4 s' });
    assert.deepEqual(F.connection({ state: 'reconnecting', transport: null, retryAt: null }, 0), { transport: 'reconnecting', text: 'Reconnecting…' });
    assert.equal(F.connection({ state: 'offline', transport: null, retryAt: null }, 0).transport, 'offline');
});

test("an external job's worker: how long ago it was heard from, only while the job has not ended", () => {
    const now = Date.parse('2026-12-05T10:00:42.000Z');
    const running = { external: true, state: 'RUNNING' };
    assert.equal(F.worker(running, Date.parse('2026-12-05T10:00:30.000Z'), now), 'worker heard from 12 s ago');
    assert.equal(F.worker({ external: true, state: 'QUEUED' }, null, now), 'waiting for its worker');
    assert.equal(F.worker({ external: true, state: 'SUCCEEDED' }, now - 1000, now), null);
    assert.equal(F.worker({ external: false, state: 'RUNNING' }, null, now), null);
    assert.equal(F.worker(running, now + 500, now), 'worker heard from 0 s ago');
});
