/*
 * format.js: how the JobPulse page words numbers, durations and states. Pure functions, no DOM
 * (window.JobPulseFormat in the page, require() in Node tests).
 */
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.JobPulseFormat = api;
    }
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
    'use strict';

    const STATE_LABELS = {
        QUEUED: 'Queued',
        RUNNING: 'Running',
        SUCCEEDED: 'Succeeded',
        FAILED: 'Failed',
        CANCELLED: 'Cancelled',
    };

    function pad(n) {
        return String(n).padStart(2, '0');
    }

    /** "0 s", "42 s", "3 m 05 s", "2 h 07 m". */
    function duration(ms) {
        const seconds = Math.max(0, Math.floor(ms / 1000));
        if (seconds < 60) {
            return seconds + ' s';
        }
        const minutes = Math.floor(seconds / 60);
        if (minutes < 60) {
            return minutes + ' m ' + pad(seconds % 60) + ' s';
        }
        return Math.floor(minutes / 60) + ' h ' + pad(minutes % 60) + ' m';
    }

    /** Time left, rounded up to the second; null stays null (no estimate yet). */
    function eta(ms) {
        if (ms === null) {
            return null;
        }
        return ms < 1000 ? 'any moment' : 'about ' + duration(Math.ceil(ms / 1000) * 1000) + ' left';
    }

    /** "3 / 10 · 30 %", "1,024 done" when the total is unknown, "" before any progress. */
    function progress(p) {
        if (!p) {
            return '';
        }
        if (p.total > 0) {
            return p.done.toLocaleString('en') + ' / ' + p.total.toLocaleString('en') + ' · ' + p.percent + ' %';
        }
        return p.done > 0 ? p.done.toLocaleString('en') + ' done' : '';
    }

    function stateLabel(state) {
        return STATE_LABELS[state] || state;
    }

    /** Elapsed run time of a job view at `now` (ms): null before it started. */
    function elapsed(view, now) {
        if (!view.startedAt) {
            return null;
        }
        const end = view.finishedAt ? Date.parse(view.finishedAt) : now;
        return Math.max(0, end - Date.parse(view.startedAt));
    }

    /**
     * An external job's worker (docs/external-jobs.md), for the job's row and detail: how long ago it was last heard
     * from (`heardAt`, ms since the epoch: its last report, a bare heartbeat too), while the job is QUEUED or RUNNING;
     * null for a job JobPulse runs itself and once the job has ended.
     */
    function worker(view, heardAt, now) {
        if (!view.external || !(view.state === 'QUEUED' || view.state === 'RUNNING')) {
            return null;
        }
        if (heardAt === null) {
            return 'waiting for its worker';
        }
        return 'worker heard from ' + duration(Math.max(0, now - heardAt)) + ' ago';
    }

    /** The connection indicator's wording and its data-transport value for a client status. */
    function connection(status, now) {
        switch (status.state) {
            case 'live':
                return {
                    transport: status.transport,
                    text: { websocket: 'Live · WebSocket', sse: 'Live · SSE', polling: 'Live · polling' }[status.transport],
                };
            case 'idle':
                return { transport: status.transport, text: 'Idle · no running job to watch' };
            case 'reconnecting':
                return {
                    transport: 'reconnecting',
                    text: status.retryAt === null ? 'Reconnecting…'
                        : 'Reconnecting in ' + duration(Math.max(0, status.retryAt - now) + 999),
                };
            case 'connecting':
                return { transport: 'connecting', text: 'Connecting…' };
            default:
                return { transport: 'offline', text: 'Offline · reload the page' };
        }
    }

    return {
        duration: duration,
        eta: eta,
        progress: progress,
        stateLabel: stateLabel,
        worker: worker,
        elapsed: elapsed,
        connection: connection,
    };
});
