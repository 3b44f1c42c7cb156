// The connection manager of webapp/js/jobpulse.js against fake transports and mocked timers:
// resubscribe with since after a drop, close-code groups, heartbeat, fallback and upgrade.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const JobPulse = require('../../../webapp/js/jobpulse.js');

const BASE = 'http://h/jobpulse/';
const progress = (done, total) => ({ done, total, percent: total > 0 ? Math.floor(done * 100 / total) : null, message: '' });
const event = (seq, state, done, total) => ({ type: 'event', job: 'J', seq, kind: 'progress', state, progress: progress(done, total), at: '2026-11-27T15:08:37.000Z' });

function fakes() {
    const sockets = [];
    const sources = [];
    class FakeSocket {
        constructor(url, protocol) {
            Object.assign(this, { url, protocol, sent: [], readyState: 0 });
            sockets.push(this);
        }
        send(text) { this.sent.push(JSON.parse(text)); }
        close(code) { this.readyState = 3; this.closedWith = code; }
        open() { this.readyState = 1; this.onopen(); }
        receive(message) { this.onmessage({ data: JSON.stringify(message) }); }
        serverClose(code) { this.readyState = 3; this.onclose({ code }); }
    }
    class FakeEventSource {
        constructor(url) { Object.assign(this, { url, closed: false }); sources.push(this); }
        close() { this.closed = true; }
        receive(message) { this.onmessage({ data: JSON.stringify(message) }); }
    }
    return { sockets, sources, WebSocket: FakeSocket, EventSource: FakeEventSource };
}

function connect(t, options) {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const statuses = [];
    const client = JobPulse.connect(Object.assign({ base: BASE, onStatus: (s) => statuses.push(s) }, options));
    t.after(() => client.close());
    return { client, statuses };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('subscribes on open and resubscribes with the last seq after a drop', async (t) => {
    const f = fakes();
    const { client, statuses } = connect(t, { WebSocket: f.WebSocket, backoffCap: 1000 });
    const seen = [];
    client.watch('J', 'tok', { onEvent: (e) => seen.push(e.seq) });
    assert.equal(f.sockets[0].url, 'ws://h/jobpulse/ws');
    assert.deepEqual(f.sockets[0].protocol, ['jobpulse.v2', 'jobpulse.v1']);
    f.sockets[0].open();
    assert.deepEqual(f.sockets[0].sent, [{ type: 'subscribe', job: 'J', token: 'tok' }]);
    assert.deepEqual(statuses.at(-1), { state: 'live', transport: 'websocket', retryAt: null });
    f.sockets[0].receive({ type: 'subscribed', job: 'J', resumed: true });
    f.sockets[0].receive(event(1, 'QUEUED', 0, 0));
    f.sockets[0].receive(event(2, 'RUNNING', 0, 4));
    f.sockets[0].receive(event(2, 'RUNNING', 0, 4));
    f.sockets[0].serverClose(1001);
    assert.equal(statuses.at(-1).state, 'reconnecting');
    assert.ok(statuses.at(-1).retryAt !== null);
    t.mock.timers.tick(1000);
    f.sockets[1].open();
    assert.deepEqual(f.sockets[1].sent, [{ type: 'subscribe', job: 'J', token: 'tok', since: 2 }]);
    f.sockets[1].receive(event(2, 'RUNNING', 0, 4));
    f.sockets[1].receive(event(3, 'RUNNING', 1, 4));
    assert.deepEqual(seen, [1, 2, 3]);
});

test('a batch frame is taken apart into its messages, in order', async (t) => {
    const f = fakes();
    const { client } = connect(t, { WebSocket: f.WebSocket });
    const seen = [];
    const ended = [];
    client.watch('J', 'tok', { onEvent: (e) => seen.push(e.seq), onEnd: (v) => ended.push(v.state) });
    f.sockets[0].open();
    f.sockets[0].receive({ type: 'batch', messages: [
        { type: 'subscribed', job: 'J', resumed: true },
        event(1, 'QUEUED', 0, 0),
        event(2, 'RUNNING', 0, 4),
    ] });
    f.sockets[0].receive({ type: 'batch', messages: [event(3, 'RUNNING', 3, 4), null, 7, event(4, 'SUCCEEDED', 4, 4)] });
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.deepEqual(ended, ['SUCCEEDED']);
});

test('a snapshot replaces the view and ends the watch when terminal', async (t) => {
    const f = fakes();
    const { client } = connect(t, { WebSocket: f.WebSocket });
    const calls = [];
    client.watch('J', 'tok', {
        onSnapshot: (v) => calls.push('snapshot ' + v.seq),
        onUpdate: (v) => calls.push('update ' + v.state),
        onEnd: (v) => calls.push('end ' + v.state),
    });
    f.sockets[0].open();
    f.sockets[0].receive({ type: 'subscribed', job: 'J', resumed: false });
    f.sockets[0].receive({ type: 'snapshot', job: { id: 'J', state: 'SUCCEEDED', seq: 9, progress: progress(4, 4), result: { steps: 4 } } });
    assert.deepEqual(calls, ['snapshot 9', 'update SUCCEEDED', 'end SUCCEEDED']);
    f.sockets[0].serverClose(1006);
    t.mock.timers.tick(30000);
    f.sockets[1].open();
    assert.deepEqual(f.sockets[1].sent, [], 'an ended job is not subscribed again');
});

test('a do-not-reconnect close code stops the client', async (t) => {
    const f = fakes();
    const { statuses } = connect(t, { WebSocket: f.WebSocket });
    f.sockets[0].open();
    f.sockets[0].serverClose(4500);
    t.mock.timers.tick(60000);
    assert.equal(f.sockets.length, 1);
    assert.equal(statuses.at(-1).state, 'offline');
});

test('closed for not subscribing, the client waits idle until there is a job to watch', async (t) => {
    const f = fakes();
    const { client, statuses } = connect(t, { WebSocket: f.WebSocket, backoffCap: 1000 });
    f.sockets[0].open();
    f.sockets[0].serverClose(4001);
    t.mock.timers.tick(60000);
    assert.equal(f.sockets.length, 1, 'no reconnect while there is nothing to watch');
    assert.deepEqual(statuses.at(-1), { state: 'idle', transport: null, retryAt: null });
    client.watch('J', 'tok', {});
    assert.equal(f.sockets.length, 2);
    f.sockets[1].open();
    assert.deepEqual(f.sockets[1].sent, [{ type: 'subscribe', job: 'J', token: 'tok' }]);
    assert.equal(statuses.at(-1).state, 'live');
});

test('closed for not subscribing while it has jobs to watch, the client reconnects', async (t) => {
    const f = fakes();
    const { client, statuses } = connect(t, { WebSocket: f.WebSocket, backoffCap: 1000 });
    client.watch('J', 'tok', {});
    f.sockets[0].open();
    f.sockets[0].serverClose(4001);
    assert.equal(statuses.at(-1).state, 'reconnecting');
    t.mock.timers.tick(1000);
    assert.equal(f.sockets.length, 2);
});

test('too many messages or connections: reconnect with backoff', async (t) => {
    const f = fakes();
    const { statuses } = connect(t, { WebSocket: f.WebSocket, backoffCap: 1000 });
    f.sockets[0].open();
    f.sockets[0].serverClose(4029);
    assert.equal(statuses.at(-1).state, 'reconnecting');
    assert.ok(statuses.at(-1).retryAt !== null);
});

test('no pong in time: the connection is given up and opened again', async (t) => {
    const f = fakes();
    connect(t, { WebSocket: f.WebSocket, pingInterval: 20000, pongTimeout: 10000, backoffCap: 500 });
    f.sockets[0].open();
    t.mock.timers.tick(20000);
    assert.deepEqual(f.sockets[0].sent, [{ type: 'ping', id: 1 }]);
    f.sockets[0].receive({ type: 'pong', id: 1 });
    t.mock.timers.tick(20000);
    assert.deepEqual(f.sockets[0].sent.at(-1), { type: 'ping', id: 2 });
    t.mock.timers.tick(10000);
    assert.equal(f.sockets[0].closedWith, 1000);
    t.mock.timers.tick(500);
    assert.equal(f.sockets.length, 2);
});

test('falls back to SSE when the WebSocket cannot connect, and upgrades back later', async (t) => {
    const f = fakes();
    const { client, statuses } = connect(t, { WebSocket: f.WebSocket, EventSource: f.EventSource, upgradeInterval: 60000 });
    client.watch('J', 'tok', {}, { view: { id: 'J', state: 'RUNNING', seq: 4, progress: progress(1, 4) } });
    f.sockets[0].serverClose(1006);
    assert.equal(f.sources.length, 1);
    assert.equal(f.sources[0].url, 'http://h/jobpulse/api/stream?watch=J%3Atok%3A4');
    f.sources[0].receive({ type: 'subscribed', job: 'J', resumed: true });
    assert.deepEqual(statuses.at(-1), { state: 'live', transport: 'sse', retryAt: null });
    f.sources[0].receive(event(5, 'RUNNING', 2, 4));
    t.mock.timers.tick(60000);
    assert.equal(f.sockets.length, 2, 'upgrade probe');
    f.sockets[1].open();
    assert.deepEqual(f.sockets[1].sent, [{ type: 'subscribe', job: 'J', token: 'tok', since: 5 }]);
    assert.equal(f.sources[0].closed, true);
    assert.deepEqual(statuses.at(-1), { state: 'live', transport: 'websocket', retryAt: null });
});

test('SSE reopens its stream with fresh since values when the watched jobs change', async (t) => {
    const f = fakes();
    const { client } = connect(t, { transport: 'sse', EventSource: f.EventSource });
    client.watch('A', 'ta', {});
    t.mock.timers.tick(0);
    assert.equal(f.sources.length, 1);
    f.sources[0].receive({ type: 'subscribed', job: 'A', resumed: false });
    f.sources[0].receive({ type: 'snapshot', job: { id: 'A', state: 'RUNNING', seq: 3, progress: progress(1, 2) } });
    client.watch('B', 'tb', {});
    t.mock.timers.tick(0);
    assert.equal(f.sources[0].closed, true);
    assert.equal(f.sources[1].url, 'http://h/jobpulse/api/stream?watch=A%3Ata%3A3&watch=B%3Atb');
});

test('forced long polling asks again after each answer with the new since', async (t) => {
    const urls = [];
    const answers = [
        { messages: [{ type: 'subscribed', job: 'J', resumed: true }, event(2, 'RUNNING', 1, 2)] },
        { messages: [event(3, 'SUCCEEDED', 2, 2)] },
    ];
    const fetch = (url) => {
        urls.push(url);
        return Promise.resolve({ ok: true, json: () => Promise.resolve(answers.shift() || { messages: [] }) });
    };
    const { client, statuses } = connect(t, { transport: 'polling', fetch });
    const ended = [];
    client.watch('J', 'tok', { onEnd: (v) => ended.push(v.state) }, { view: { id: 'J', state: 'QUEUED', seq: 1, progress: progress(0, 0) } });
    t.mock.timers.tick(0);
    await flush();
    t.mock.timers.tick(0);
    await flush();
    assert.deepEqual(urls, [
        'http://h/jobpulse/api/poll?watch=J%3Atok%3A1&wait=25s',
        'http://h/jobpulse/api/poll?watch=J%3Atok%3A2&wait=25s',
    ]);
    assert.deepEqual(ended, ['SUCCEEDED']);
    assert.equal(statuses.at(-1).transport, 'polling');
});

test('a job the server does not know is reported once and not watched again', async (t) => {
    const f = fakes();
    const { client } = connect(t, { WebSocket: f.WebSocket });
    const errors = [];
    client.watch('J', 'bad', { onError: (e) => errors.push(e.code) });
    f.sockets[0].open();
    f.sockets[0].receive({ type: 'error', job: 'J', code: 'not_found', message: 'no such job' });
    f.sockets[0].serverClose(1006);
    t.mock.timers.tick(30000);
    f.sockets[1].open();
    assert.deepEqual(errors, ['not_found']);
    assert.deepEqual(f.sockets[1].sent, []);
});

test('a fallback transport with nothing to watch says idle, not live', async (t) => {
    const f = fakes();
    const { statuses } = connect(t, { WebSocket: f.WebSocket, EventSource: f.EventSource });
    f.sockets[0].serverClose(1006);
    assert.equal(f.sources.length, 0, 'no stream without a job to watch');
    assert.deepEqual(statuses.at(-1), { state: 'idle', transport: 'sse', retryAt: null });
});
