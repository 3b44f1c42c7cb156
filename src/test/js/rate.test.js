// The time-left estimate (RateEstimator in webapp/js/jobpulse.js): only from enough real data.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { RateEstimator } = require('../../../webapp/js/jobpulse.js');

test('no estimate before enough samples over enough time', () => {
    const r = new RateEstimator();
    assert.equal(r.remaining(), null);
    r.add(0, 0, 100);
    r.add(500, 5, 100);
    assert.equal(r.remaining(), null, 'two samples');
    r.add(1000, 10, 100);
    assert.equal(r.remaining(), null, 'three samples over one second');
    r.add(2000, 20, 100);
    assert.equal(r.remaining(), 8000);
});

test('no estimate without progress or without a total', () => {
    const stalled = new RateEstimator();
    [0, 1000, 2000, 3000].forEach((at) => stalled.add(at, 10, 100));
    assert.equal(stalled.remaining(), null);
    const unknown = new RateEstimator();
    [0, 1000, 2000, 3000].forEach((at, i) => unknown.add(at, i, 0));
    assert.equal(unknown.remaining(), null);
});

test('a new total or a step back starts over', () => {
    const r = new RateEstimator();
    [0, 1000, 2000, 3000].forEach((at, i) => r.add(at, i * 10, 100));
    assert.notEqual(r.remaining(), null);
    r.add(4000, 5, 200);
    assert.equal(r.remaining(), null);
    assert.equal(r.samples.length, 1);
});

test('the rate follows a sliding window', () => {
    const r = new RateEstimator({ window: 10000 });
    for (let s = 0; s <= 20; s++) {
        r.add(s * 1000, s < 10 ? s : 10 + (s - 10) * 5, 1000);
    }
    // Last 10 s: 5 per second; 940 left.
    assert.equal(r.remaining(), 188000);
});
