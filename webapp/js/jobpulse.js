/*
 * jobpulse.js: the JobPulse browser client (protocol jobpulse.v2 or v1, see docs/protocol.md and docs/client.md).
 *
 * One shared connection watches any number of jobs. WebSocket first; Server-Sent Events, then long
 * polling when the previous transport cannot connect; back to WebSocket later. Reconnects with
 * exponential backoff and full jitter and resumes every job after the last seq it saw.
 *
 * Load it with <script src="/jobpulse/js/jobpulse.js"></script> (window.JobPulse) or require() it in
 * Node. No dependencies, no build step.
 */
(function (root, factory) {
    'use strict';
    const api = factory(root);
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.JobPulse = api;
    }
})(typeof globalThis !== 'undefined' ? globalThis : this, function (root) {
    'use strict';

    /** Preferred first: v2 is v1 plus `batch` frames (several messages in one); servers that know only v1 pick it. */
    const SUBPROTOCOLS = ['jobpulse.v2', 'jobpulse.v1'];
    /** Close code: the connection did not subscribe in time; open a new one when there is a job to watch. */
    const NO_SUBSCRIPTION = 4001;
    const TRANSPORTS = ['websocket', 'sse', 'polling'];
    const TERMINAL_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
    const DEFAULTS = Object.freeze({
        transport: 'auto',
        backoffBase: 500,
        backoffCap: 30000,
        pingInterval: 20000,
        pongTimeout: 10000,
        connectTimeout: 10000,
        upgradeInterval: 60000,
        pollWait: 25,
    });
    const MIN_POLL_INTERVAL = 1000;

    /** The JobPulse root this script was served from (".../jobpulse/"), captured while it loads. */
    const SCRIPT_BASE = (function () {
        const script = root.document && root.document.currentScript;
        return script && script.src ? new URL('../', script.src).href : null;
    })();

    // ---- pure logic ------------------------------------------------------------------------------

    function isTerminal(state) {
        return TERMINAL_STATES.has(state);
    }

    /** Full jitter: a random delay in [0, min(cap, base * 2^attempt)). */
    function backoffDelay(attempt, base, cap, random = Math.random) {
        const ceiling = Math.min(cap, base * Math.pow(2, Math.min(attempt, 30)));
        return Math.floor(random() * ceiling);
    }

    /** What a WebSocket close code asks of the client (docs/protocol.md, "Close codes"). */
    function closeAction(code) {
        const clientFault = code === 1003 || code === 1007 || code === 1009;
        if (clientFault || (code >= 4500 && code <= 4999)) {
            return 'stop';
        }
        return code === NO_SUBSCRIPTION ? 'idle' : 'reconnect';
    }

    function fraction(progress) {
        return progress && progress.total > 0 ? progress.done / progress.total : null;
    }

    /**
     * The progress to show after `next`: within one run a lower (or unknown) fraction keeps the numbers
     * already shown and takes only the new message, so a bar never moves backwards.
     */
    function steadyProgress(shown, next, sameRun) {
        const before = fraction(shown);
        if (!sameRun || before === null) {
            return next;
        }
        const after = fraction(next);
        return after !== null && after >= before ? next : Object.assign({}, shown, { message: next.message });
    }

    function sameRun(previous, nextState) {
        return previous !== null && previous.state === 'RUNNING' && nextState !== 'QUEUED';
    }

    /**
     * The latest known view of one job, fed by snapshots and events in any order and from any transport:
     * anything whose seq is not above the current one is dropped.
     */
    class JobTracker {
        constructor(jobId, view) {
            this.jobId = jobId;
            this.view = view ? Object.assign({}, view) : null;
        }

        get seq() {
            return this.view ? this.view.seq : null;
        }

        get ended() {
            return this.view !== null && isTerminal(this.view.state);
        }

        /** Applies a job view; answers the new view, or null when it is not newer than what is known. */
        applySnapshot(view) {
            if (this.view !== null && view.seq <= this.view.seq) {
                return null;
            }
            const progress = steadyProgress(this.view && this.view.progress, view.progress,
                sameRun(this.view, view.state));
            this.view = Object.assign({}, view, { progress: progress });
            return this.view;
        }

        /** Applies an event message; answers the new view, or null for a duplicate or an older event. */
        applyEvent(event) {
            if (this.view !== null && event.seq <= this.view.seq) {
                return null;
            }
            const previous = this.view || { id: this.jobId, result: null, error: null, startedAt: null, finishedAt: null };
            const next = Object.assign({}, previous, {
                seq: event.seq,
                state: event.state,
                progress: steadyProgress(previous.progress, event.progress, sameRun(this.view, event.state)),
                result: event.result !== undefined ? event.result : previous.result,
                error: event.error !== undefined ? event.error : previous.error,
            });
            if (event.state === 'RUNNING' && !previous.startedAt) {
                next.startedAt = event.at;
            }
            if (isTerminal(event.state) && !previous.finishedAt) {
                next.finishedAt = event.at;
            }
            this.view = next;
            return next;
        }
    }

    /**
     * Estimates the time left from observed progress: the rate over a sliding window of samples. It answers
     * only once there is enough data (several samples over a minimum span with progress made).
     */
    class RateEstimator {
        constructor(options) {
            const o = options || {};
            this.window = o.window || 30000;
            this.minSamples = o.minSamples || 3;
            this.minSpan = o.minSpan || 2000;
            this.samples = [];
        }

        /** Adds a sample: `at` in ms, `done` of `total`. A new total or a step back starts over. */
        add(at, done, total) {
            const last = this.samples[this.samples.length - 1];
            if (last && (last.total !== total || done < last.done || at < last.at)) {
                this.samples = [];
            }
            this.samples.push({ at: at, done: done, total: total });
            while (this.samples.length > this.minSamples && at - this.samples[0].at > this.window) {
                this.samples.shift();
            }
        }

        /** Milliseconds left after the latest sample, or null when there is not enough data. */
        remaining() {
            const n = this.samples.length;
            if (n < this.minSamples) {
                return null;
            }
            const first = this.samples[0];
            const last = this.samples[n - 1];
            const span = last.at - first.at;
            const made = last.done - first.done;
            if (last.total <= 0 || span < this.minSpan || made <= 0) {
                return null;
            }
            return Math.round((last.total - last.done) * span / made);
        }
    }

    /** The `watch` query value of one job: `<jobId>:<token>[:<since>]`. */
    function watchParam(jobId, token, since) {
        return since === null || since === undefined ? jobId + ':' + token : jobId + ':' + token + ':' + since;
    }

    /** The endpoints under a JobPulse root URL (".../jobpulse/"). */
    function endpoints(base) {
        const root = new URL(base);
        const socket = new URL('ws', root);
        socket.protocol = root.protocol === 'https:' ? 'wss:' : 'ws:';
        const withWatches = function (path, watches) {
            const url = new URL(path, root);
            for (const w of watches) {
                url.searchParams.append('watch', watchParam(w.jobId, w.token, w.tracker.seq));
            }
            return url;
        };
        return {
            websocket: socket.href,
            stream: function (watches) {
                return withWatches('api/stream', watches).href;
            },
            poll: function (watches, waitSeconds) {
                const url = withWatches('api/poll', watches);
                url.searchParams.set('wait', waitSeconds + 's');
                return url.href;
            },
        };
    }

    /** Calls a user callback; its failure is reported without breaking the client. */
    function notify(callback, ...args) {
        if (typeof callback !== 'function') {
            return;
        }
        try {
            callback(...args);
        } catch (e) {
            if (typeof root.reportError === 'function') {
                root.reportError(e);
            } else {
                setTimeout(function () { throw e; });
            }
        }
    }

    // ---- transports ------------------------------------------------------------------------------
    // Each transport reports to its client: transportOpened(t), transportMessage(t, message) and
    // transportDropped(t, {wasOpen, final}); the client offers activeWatches() and the endpoints.

    class WebSocketTransport {
        constructor(client) {
            this.name = 'websocket';
            this.client = client;
            this.opened = false;
            this.pingId = 0;
            this.ws = null;
        }

        start() {
            const ws = new this.client.env.WebSocket(this.client.urls.websocket, SUBPROTOCOLS);
            this.ws = ws;
            this.connectTimer = setTimeout(() => this.drop('reconnect'), this.client.options.connectTimeout);
            ws.onopen = () => this.onOpen();
            ws.onmessage = (e) => this.onMessage(e.data);
            ws.onclose = (e) => this.drop(closeAction(e.code));
        }

        onOpen() {
            clearTimeout(this.connectTimer);
            this.opened = true;
            this.pingTimer = setInterval(() => this.ping(), this.client.options.pingInterval);
            for (const watch of this.client.activeWatches()) {
                this.add(watch);
            }
            this.client.transportOpened(this);
        }

        onMessage(text) {
            let message;
            try {
                message = JSON.parse(text);
            } catch (e) {
                return;
            }
            if (message.type === 'batch' && Array.isArray(message.messages)) {
                message.messages.forEach((m) => this.onParsed(m));
                return;
            }
            this.onParsed(message);
        }

        onParsed(message) {
            if (message === null || typeof message !== 'object') {
                return;
            }
            if (message.type === 'pong') {
                if (message.id === this.pingId) {
                    clearTimeout(this.pongTimer);
                }
                return;
            }
            this.client.transportMessage(this, message);
        }

        ping() {
            this.pingId += 1;
            this.send({ type: 'ping', id: this.pingId });
            clearTimeout(this.pongTimer);
            this.pongTimer = setTimeout(() => this.drop('reconnect'), this.client.options.pongTimeout);
        }

        send(message) {
            if (this.opened && this.ws.readyState === 1) {
                this.ws.send(JSON.stringify(message));
            }
        }

        add(watch) {
            const message = { type: 'subscribe', job: watch.jobId, token: watch.token };
            if (watch.tracker.seq !== null) {
                message.since = watch.tracker.seq;
            }
            this.send(message);
        }

        remove(jobId) {
            this.send({ type: 'unsubscribe', job: jobId });
        }

        /** Gives up this connection at once (a dead socket may take minutes to report its close). */
        /** `action`: what the close asks of the client (see closeAction). */
        drop(action) {
            const wasOpen = this.opened;
            this.close();
            this.client.transportDropped(this, { wasOpen: wasOpen, final: action === 'stop', idle: action === 'idle' });
        }

        close() {
            clearTimeout(this.connectTimer);
            clearTimeout(this.pongTimer);
            clearInterval(this.pingTimer);
            this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
            if (this.ws.readyState < 2) {
                this.ws.close(1000);
            }
            this.opened = false;
        }
    }

    /** Shared by the HTTP transports: they rebuild their request whenever the set of watched jobs changes. */
    class HttpTransport {
        constructor(name, client) {
            this.name = name;
            this.client = client;
            this.opened = false;
            this.refreshTimer = null;
        }

        add() {
            this.scheduleRefresh();
        }

        remove() {
            this.scheduleRefresh();
        }

        scheduleRefresh() {
            if (this.refreshTimer === null) {
                this.refreshTimer = setTimeout(() => {
                    this.refreshTimer = null;
                    this.stop();
                    this.start();
                });
            }
        }

        /**
         * With nothing to watch there is nothing to request: the transport is ready but has not reached the server,
         * so the status says "idle", never "live".
         */
        startIdle() {
            this.client.transportOpened(this, 'idle');
        }

        markOpen() {
            this.opened = true;
            this.client.transportOpened(this);
        }

        drop() {
            const wasOpen = this.opened;
            this.close();
            this.client.transportDropped(this, { wasOpen: wasOpen, final: false });
        }

        close() {
            clearTimeout(this.refreshTimer);
            this.refreshTimer = null;
            this.stop();
        }
    }

    /** Server-Sent Events: one EventSource on api/stream for every watched job; reconnects are ours. */
    class SseTransport extends HttpTransport {
        constructor(client) {
            super('sse', client);
            this.source = null;
        }

        start() {
            const watches = this.client.activeWatches();
            if (watches.length === 0) {
                this.startIdle();
                return;
            }
            const source = new this.client.env.EventSource(this.client.urls.stream(watches));
            this.source = source;
            this.connectTimer = setTimeout(() => this.drop(), this.client.options.connectTimeout);
            source.onmessage = (e) => {
                clearTimeout(this.connectTimer);
                this.markOpen();
                let message;
                try {
                    message = JSON.parse(e.data);
                } catch (err) {
                    return;
                }
                this.client.transportMessage(this, message);
            };
            source.onerror = () => {
                // The stream also ends this way once every job it carried has ended.
                if (this.client.activeWatches().length === 0) {
                    this.stop();
                } else {
                    this.drop();
                }
            };
        }

        stop() {
            clearTimeout(this.connectTimer);
            if (this.source !== null) {
                this.source.onmessage = this.source.onerror = null;
                this.source.close();
                this.source = null;
            }
        }
    }

    /** Long polling on api/poll: one request at a time, asking for what follows each job's last seq. */
    class PollingTransport extends HttpTransport {
        constructor(client) {
            super('polling', client);
            this.controller = null;
        }

        start() {
            const watches = this.client.activeWatches();
            if (watches.length === 0) {
                this.startIdle();
                return;
            }
            const options = this.client.options;
            const controller = new AbortController();
            this.controller = controller;
            const startedAt = Date.now();
            const timeout = setTimeout(() => controller.abort(), options.pollWait * 1000 + options.connectTimeout);
            this.client.env.fetch(this.client.urls.poll(watches, options.pollWait), {
                signal: controller.signal,
                headers: { Accept: 'application/json' },
                cache: 'no-store',
            }).then((response) => {
                if (!response.ok) {
                    throw new Error('HTTP ' + response.status);
                }
                return response.json();
            }).then((body) => {
                if (controller !== this.controller) {
                    return;
                }
                this.markOpen();
                for (const message of body.messages) {
                    this.client.transportMessage(this, message);
                }
                this.next(body.messages.length === 0 ? MIN_POLL_INTERVAL - (Date.now() - startedAt) : 0);
            }).catch(() => {
                if (controller === this.controller) {
                    this.drop();
                }
            }).finally(() => clearTimeout(timeout));
        }

        /** Polls again, not sooner than `delay` ms (guards against a server that answers empty at once). */
        next(delay) {
            this.controller = null;
            this.nextTimer = setTimeout(() => this.start(), Math.max(0, delay));
        }

        stop() {
            clearTimeout(this.nextTimer);
            if (this.controller !== null) {
                const controller = this.controller;
                this.controller = null;
                controller.abort();
            }
        }
    }

    const TRANSPORT_CLASSES = { websocket: WebSocketTransport, sse: SseTransport, polling: PollingTransport };

    // ---- the client ------------------------------------------------------------------------------

    /** One watched job: its token, its tracker and everyone listening to it. */
    class Watch {
        constructor(jobId, token, view) {
            this.jobId = jobId;
            this.token = token;
            this.tracker = new JobTracker(jobId, view);
            this.listeners = new Set();
            this.paused = false;
            this.failures = 0;
            this.retryTimer = null;
        }

        emit(name, ...args) {
            for (const listener of Array.from(this.listeners)) {
                notify(listener[name], ...args);
            }
        }
    }

    class Client {
        constructor(options) {
            this.options = Object.assign({}, DEFAULTS, options);
            const forced = this.options.transport;
            if (forced !== 'auto' && !TRANSPORTS.includes(forced)) {
                throw new Error('JobPulse: unknown transport "' + forced + '" (auto, websocket, sse or polling)');
            }
            const base = this.options.base || SCRIPT_BASE || (root.document && root.document.baseURI);
            if (!base) {
                throw new Error('JobPulse: options.base is required outside a browser page');
            }
            this.urls = endpoints(base);
            this.env = {
                WebSocket: this.options.WebSocket || root.WebSocket,
                EventSource: this.options.EventSource || root.EventSource,
                fetch: this.options.fetch || (root.fetch && root.fetch.bind(root)),
            };
            this.chain = forced === 'auto' ? TRANSPORTS : [forced];
            this.watches = new Map();
            this.transport = null;
            this.probe = null;
            this.attempt = 0;
            this.everLive = false;
            this.retryTimer = null;
            this.upgradeTimer = null;
            this.status = { state: 'connecting', transport: null, retryAt: null };
            this.onOnline = () => this.reconnectNow();
            if (typeof root.addEventListener === 'function') {
                root.addEventListener('online', this.onOnline);
            }
            this.open(0);
        }

        /**
         * Watches a job. `callbacks`: onUpdate(view), onSnapshot(view), onEvent(event), onEnd(view),
         * onError({code, message}). `options.view`: a job view already at hand; watching resumes after its seq.
         * Answers a handle whose unwatch() removes these callbacks.
         */
        watch(jobId, token, callbacks, options) {
            const listener = Object.assign({}, callbacks);
            const view = (options && options.view) || null;
            const existing = this.watches.get(jobId);
            const watch = existing || new Watch(jobId, token, view);
            watch.token = token;
            watch.listeners.add(listener);
            const handle = { unwatch: () => this.removeListener(watch, listener) };
            if (existing === undefined) {
                if (watch.tracker.ended) {
                    queueMicrotask(function () {
                        notify(listener.onUpdate, view);
                        notify(listener.onEnd, view);
                    });
                    return handle;
                }
                this.watches.set(jobId, watch);
                if (this.transport !== null) {
                    this.transport.add(watch);
                } else if (this.status.state === 'idle' && this.retryTimer === null && this.probe === null) {
                    this.open(0);
                }
            }
            queueMicrotask(() => {
                if (!watch.listeners.has(listener)) {
                    return;
                }
                const newer = existing !== undefined && view !== null ? watch.tracker.applySnapshot(view) : null;
                if (newer !== null) {
                    this.applied(watch, newer, 'onSnapshot');
                } else if (watch.tracker.view !== null) {
                    notify(listener.onUpdate, watch.tracker.view);
                }
            });
            return handle;
        }

        /** Stops watching a job for every listener. */
        unwatch(jobId) {
            const watch = this.watches.get(jobId);
            if (watch !== undefined) {
                watch.listeners.clear();
                this.forget(watch, true);
            }
        }

        /** Retries at once when waiting to reconnect (also done when the browser comes back online). */
        reconnectNow() {
            if (this.retryTimer !== null) {
                clearTimeout(this.retryTimer);
                this.retryTimer = null;
                this.open(0);
            }
        }

        /** Closes the connection and forgets every watch. */
        close() {
            clearTimeout(this.retryTimer);
            clearTimeout(this.upgradeTimer);
            this.retryTimer = this.upgradeTimer = null;
            for (const t of [this.transport, this.probe]) {
                if (t !== null) {
                    t.close();
                }
            }
            this.transport = this.probe = null;
            for (const watch of this.watches.values()) {
                clearTimeout(watch.retryTimer);
            }
            this.watches.clear();
            if (typeof root.removeEventListener === 'function') {
                root.removeEventListener('online', this.onOnline);
            }
            this.setStatus('closed', null, null);
        }

        activeWatches() {
            return Array.from(this.watches.values()).filter(function (w) { return !w.paused; });
        }

        // -- connection lifecycle --

        open(index) {
            this.transport = new TRANSPORT_CLASSES[this.chain[index]](this);
            this.transport.start();
        }

        transportOpened(transport, state = 'live') {
            if (transport === this.probe) {
                this.probe = null;
                const old = this.transport;
                this.transport = transport;
                if (old !== null) {
                    old.close();
                }
            } else if (transport !== this.transport) {
                return;
            }
            this.attempt = 0;
            this.everLive = true;
            this.setStatus(state, transport.name, null);
            if (transport.name !== 'websocket' && this.chain.length > 1) {
                this.scheduleUpgrade();
            }
        }

        transportMessage(transport, message) {
            if (transport === this.transport || transport === this.probe) {
                this.dispatch(message);
            }
        }

        transportDropped(transport, outcome) {
            if (transport === this.probe) {
                this.probe = null;
                this.scheduleUpgrade();
                return;
            }
            if (transport !== this.transport) {
                return;
            }
            this.transport = null;
            if (outcome.final) {
                clearTimeout(this.upgradeTimer);
                this.setStatus('offline', null, null);
                return;
            }
            if (outcome.idle && this.activeWatches().length === 0) {
                this.setStatus('idle', null, null);
                return; // watch() opens a connection again
            }
            const index = this.chain.indexOf(transport.name);
            if (outcome.wasOpen) {
                this.retry(index);
            } else if (index + 1 < this.chain.length) {
                this.setStatus(this.everLive ? 'reconnecting' : 'connecting', null, null);
                this.open(index + 1);
            } else {
                this.retry(0);
            }
        }

        /** Opens chain[index] after a backoff delay, announcing when. */
        retry(index) {
            const delay = backoffDelay(this.attempt, this.options.backoffBase, this.options.backoffCap);
            this.attempt += 1;
            this.setStatus('reconnecting', null, Date.now() + delay);
            this.retryTimer = setTimeout(() => {
                this.retryTimer = null;
                this.setStatus('reconnecting', null, null);
                this.open(index);
            }, delay);
        }

        scheduleUpgrade() {
            if (this.upgradeTimer !== null || this.probe !== null) {
                return;
            }
            this.upgradeTimer = setTimeout(() => {
                this.upgradeTimer = null;
                if (this.transport !== null && this.transport.name !== 'websocket') {
                    this.probe = new WebSocketTransport(this);
                    this.probe.start();
                }
            }, this.options.upgradeInterval);
        }

        setStatus(state, transport, retryAt) {
            const s = this.status;
            if (s.state === state && s.transport === transport && s.retryAt === retryAt) {
                return;
            }
            this.status = { state: state, transport: transport, retryAt: retryAt };
            notify(this.options.onStatus, this.status);
        }

        // -- messages --

        dispatch(message) {
            const jobId = message.type === 'snapshot' ? message.job && message.job.id : message.job;
            const watch = this.watches.get(jobId);
            if (watch === undefined) {
                if (message.type === 'error' && jobId === undefined) {
                    notify(this.options.onError, { code: message.code, message: message.message });
                }
                return;
            }
            switch (message.type) {
                case 'subscribed':
                    watch.failures = 0;
                    break;
                case 'snapshot':
                    this.applied(watch, watch.tracker.applySnapshot(message.job), 'onSnapshot');
                    break;
                case 'event':
                    this.applied(watch, watch.tracker.applyEvent(message), 'onEvent', message);
                    break;
                case 'error':
                    this.jobError(watch, message);
                    break;
                default:
                    break;
            }
        }

        applied(watch, view, callback, event) {
            if (view === null) {
                return;
            }
            watch.emit(callback, event || view);
            watch.emit('onUpdate', view);
            if (isTerminal(view.state)) {
                watch.emit('onEnd', view);
                this.forget(watch, false);
            }
        }

        jobError(watch, message) {
            if (message.code === 'already_subscribed' || message.code === 'not_subscribed') {
                return;
            }
            if (message.code === 'unavailable') {
                this.pause(watch);
                return;
            }
            watch.emit('onError', { code: message.code, message: message.message });
            this.forget(watch, false);
        }

        /** The server could not read the job now: leave it out and subscribe again after a backoff delay. */
        pause(watch) {
            watch.paused = true;
            if (this.transport !== null) {
                this.transport.remove(watch.jobId);
            }
            const delay = backoffDelay(watch.failures, this.options.backoffBase, this.options.backoffCap);
            watch.failures += 1;
            watch.retryTimer = setTimeout(() => {
                watch.paused = false;
                if (this.transport !== null) {
                    this.transport.add(watch);
                }
            }, delay);
        }

        removeListener(watch, listener) {
            watch.listeners.delete(listener);
            if (watch.listeners.size === 0) {
                this.forget(watch, true);
            }
        }

        /** Drops a watch; `tell` asks the server to stop sending it (not needed once the job ended). */
        forget(watch, tell) {
            if (this.watches.get(watch.jobId) !== watch) {
                return;
            }
            this.watches.delete(watch.jobId);
            clearTimeout(watch.retryTimer);
            if (tell && this.transport !== null && !watch.paused) {
                this.transport.remove(watch.jobId);
            }
        }
    }

    function connect(options) {
        return new Client(options || {});
    }

    return {
        connect: connect,
        JobTracker: JobTracker,
        RateEstimator: RateEstimator,
        backoffDelay: backoffDelay,
        closeAction: closeAction,
        steadyProgress: steadyProgress,
        watchParam: watchParam,
        endpoints: endpoints,
        isTerminal: isTerminal,
        defaults: DEFAULTS,
    };
});
