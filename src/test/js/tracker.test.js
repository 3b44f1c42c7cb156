// Ordering, dedupe, snapshots and steady progress of JobTracker (webapp/js/jobpulse.js).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { JobTracker, steadyProgress } = require('../../../webapp/js/jobpulse.js');

const progress = (done, total, message = '') => ({ done, total, percent: total > 0 ? Math.floor(done * 100 / total) : null, message });
const event = (seq, state, p, extra = {}) => Object.assign({ type: 'event', job: 'J', seq, kind: 'progress', state, progress: p, at: '2026-11-27T15:08:37.' + String(seq).padStart(3, '0') + 'Z' }, extra);
const view = (seq, state, p) => ({ id: 'J', type: 'steps', name: null, state, seq, progress: p, params: {}, createdAt: '2026-11-27T15:08:37.000Z', startedAt: null, finishedAt: null, result: null, error: null, cancelRequested: false });

test('applies events in seq order and drops duplicates and older ones', () => {
    const t = new JobTracker('J', null);
    assert.ok(t.applyEvent(event(1, 'QUEUED', progress(0, 0))));
    assert.ok(t.applyEvent(event(2, 'RUNNING', progress(0, 0))));
    assert.ok(t.applyEvent(event(3, 'RUNNING', progress(1, 4))));
    assert.equal(t.applyEvent(event(3, 'RUNNING', progress(1, 4))), null);
    assert.equal(t.applyEvent(event(2, 'RUNNING', progress(0, 0))), null);
    assert.equal(t.seq, 3);
    assert.deepEqual(t.view.progress, progress(1, 4));
});

test('records start and finish times, result and error from events', () => {
    const t = new JobTracker('J', null);
    t.applyEvent(event(1, 'QUEUED', progress(0, 0)));
    t.applyEvent(event(2, 'RUNNING', progress(0, 0)));
    t.applyEvent(event(3, 'FAILED', progress(0, 0), { kind: 'state', error: { kind: 'step_failed', message: 'boom' } }));
    assert.equal(t.view.startedAt, '2026-11-27T15:08:37.002Z');
    assert.equal(t.view.finishedAt, '2026-11-27T15:08:37.003Z');
    assert.deepEqual(t.view.error, { kind: 'step_failed', message: 'boom' });
    assert.equal(t.ended, true);
});

test('a newer snapshot replaces the view, an older or equal one is dropped', () => {
    const t = new JobTracker('J', view(5, 'RUNNING', progress(2, 10)));
    assert.equal(t.applySnapshot(view(4, 'RUNNING', progress(1, 10))), null);
    assert.equal(t.applySnapshot(view(5, 'RUNNING', progress(2, 10))), null);
    const applied = t.applySnapshot(view(9, 'SUCCEEDED', progress(10, 10)));
    assert.equal(applied.state, 'SUCCEEDED');
    assert.equal(t.seq, 9);
});

test('events after a snapshot continue from its seq', () => {
    const t = new JobTracker('J', null);
    t.applySnapshot(view(7, 'RUNNING', progress(3, 10)));
    assert.equal(t.applyEvent(event(7, 'RUNNING', progress(3, 10))), null);
    assert.equal(t.applyEvent(event(8, 'RUNNING', progress(4, 10))).progress.done, 4);
});

test('progress never goes backwards within one run', () => {
    const t = new JobTracker('J', view(3, 'RUNNING', progress(6, 10, 'phase 1')));
    const next = t.applyEvent(event(4, 'RUNNING', progress(2, 10, 'phase 2')));
    assert.equal(next.seq, 4);
    assert.deepEqual(next.progress, Object.assign(progress(6, 10), { message: 'phase 2' }));
    assert.equal(t.applyEvent(event(5, 'RUNNING', progress(8, 10))).progress.done, 8);
});

test('an unknown total after a known one keeps the bar where it was', () => {
    assert.deepEqual(steadyProgress(progress(5, 10, 'a'), progress(0, 0, 'b'), true), Object.assign(progress(5, 10), { message: 'b' }));
    assert.deepEqual(steadyProgress(progress(5, 10, 'a'), progress(0, 0, 'b'), false), progress(0, 0, 'b'));
    assert.deepEqual(steadyProgress(null, progress(1, 10), true), progress(1, 10));
});

test('a new run (back to QUEUED) may start from zero', () => {
    const t = new JobTracker('J', view(3, 'RUNNING', progress(6, 10)));
    assert.equal(t.applyEvent(event(4, 'QUEUED', progress(0, 0))).progress.done, 0);
});

test('a job re-queued after an interruption starts its progress again, and a coalesced gap is accepted', () => {
    const t = new JobTracker('J', null);
    t.applyEvent(event(1, 'QUEUED', progress(0, 0)));
    t.applyEvent(event(2, 'RUNNING', progress(0, 0)));
    t.applyEvent(event(3, 'RUNNING', progress(30, 50)));
    t.applyEvent(event(4, 'QUEUED', progress(0, 0, 're-queued after interruption (node stopped), attempt 2 of 3'), { kind: 'state' }));
    assert.equal(t.view.state, 'QUEUED');
    assert.deepEqual(t.view.progress, progress(0, 0, 're-queued after interruption (node stopped), attempt 2 of 3'));
    t.applyEvent(event(5, 'RUNNING', progress(0, 50), { kind: 'state' }));
    assert.ok(t.applyEvent(event(9, 'RUNNING', progress(10, 50), { skipped: { from: 6, to: 8 } })));
    assert.deepEqual(t.view.progress, progress(10, 50));
    assert.equal(t.seq, 9);
});
