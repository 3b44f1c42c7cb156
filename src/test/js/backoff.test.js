// Backoff, close codes, watch parameters and endpoint URLs (webapp/js/jobpulse.js).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { backoffDelay, closeAction, watchParam, endpoints } = require('../../../webapp/js/jobpulse.js');

test('full jitter stays below the exponential ceiling', () => {
    assert.equal(backoffDelay(0, 500, 30000, () => 0), 0);
    assert.equal(backoffDelay(0, 500, 30000, () => 0.999), 499);
    assert.equal(backoffDelay(3, 500, 30000, () => 0.5), 2000);
    for (let attempt = 0; attempt < 12; attempt++) {
        const d = backoffDelay(attempt, 500, 30000);
        assert.ok(d >= 0 && d < Math.min(30000, 500 * 2 ** attempt), 'attempt ' + attempt + ': ' + d);
    }
});

test('the delay is capped, also for huge attempt counts', () => {
    assert.equal(backoffDelay(7, 500, 30000, () => 0.5), 15000);
    assert.equal(backoffDelay(1000, 500, 30000, () => 0.5), 15000);
});

test('close codes: reconnect unless the client is at fault or the server said final', () => {
    for (const code of [1000, 1001, 1006, 1011, 1012, 4000, 4008, 4499]) {
        assert.equal(closeAction(code), 'reconnect', String(code));
    }
    for (const code of [1003, 1007, 1009, 4500, 4999]) {
        assert.equal(closeAction(code), 'stop', String(code));
    }
});

test('watch parameter carries since only when known', () => {
    assert.equal(watchParam('J', 'v1.J.1.s', null), 'J:v1.J.1.s');
    assert.equal(watchParam('J', 'v1.J.1.s', 0), 'J:v1.J.1.s:0');
    assert.equal(watchParam('J', 'v1.J.1.s', 12), 'J:v1.J.1.s:12');
});

test('endpoints come from the JobPulse root, ws or wss after the page scheme', () => {
    const watches = [{ jobId: 'A', token: 't/a', tracker: { seq: 3 } }, { jobId: 'B', token: 'tb', tracker: { seq: null } }];
    const plain = endpoints('http://h:8181/ctx/');
    assert.equal(plain.websocket, 'ws://h:8181/ctx/ws');
    assert.equal(plain.stream(watches), 'http://h:8181/ctx/api/stream?watch=A%3At%2Fa%3A3&watch=B%3Atb');
    assert.equal(plain.poll(watches, 25), 'http://h:8181/ctx/api/poll?watch=A%3At%2Fa%3A3&watch=B%3Atb&wait=25s');
    assert.equal(endpoints('https://example.com/jobpulse/').websocket, 'wss://example.com/jobpulse/ws');
});
