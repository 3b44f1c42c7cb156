// job-store.js: the jobs this page knows, each with its latest view, watch token and progress-rate estimate.

const { JobTracker, RateEstimator } = window.JobPulse;

class Entry {
    constructor(view) {
        this.id = view.id;
        this.token = view.watchToken;
        this.tracker = new JobTracker(view.id, view);
        this.rate = new RateEstimator();
        this.estimate = null;
        this.handle = null;
        this.heardAt = null;
        this.heard(view.lastReportAt);
    }

    /**
     * An external job's worker was heard from at `at` (an ISO time: a view's lastReportAt, or the time of an event
     * its report made); the latest time wins.
     */
    heard(at) {
        const time = at ? Date.parse(at) : NaN;
        if (!Number.isNaN(time) && (this.heardAt === null || time > this.heardAt)) {
            this.heardAt = time;
        }
    }

    get view() {
        return this.tracker.view;
    }

    /** Feeds a progress event to the rate estimate (event time for the rate, arrival time for the countdown). */
    sample(event) {
        if (this.view.external && event.state === 'RUNNING') {
            this.heard(event.at);
        }
        const p = event.progress;
        if (event.state !== 'RUNNING' || p.total <= 0) {
            this.resetRate();
            return;
        }
        this.rate.add(Date.parse(event.at), p.done, p.total);
        const remaining = this.rate.remaining();
        this.estimate = remaining === null ? null : { remaining, at: Date.now() };
    }

    /** Forgets the observed rate: nothing is estimated until new events arrive. */
    resetRate() {
        this.rate = new RateEstimator();
        this.estimate = null;
    }

    /** Time left at `now`, or null while there is not enough data. */
    timeLeft(now) {
        if (this.estimate === null || this.view.state !== 'RUNNING') {
            return null;
        }
        return Math.max(0, this.estimate.remaining - (now - this.estimate.at));
    }
}

export class JobStore {
    constructor() {
        this.entries = new Map();
    }

    get(id) {
        return this.entries.get(id);
    }

    /** Takes a view from the REST API or the client; an older one than known is ignored. */
    put(view) {
        let entry = this.entries.get(view.id);
        if (entry === undefined) {
            entry = new Entry(view);
            this.entries.set(view.id, entry);
        } else {
            entry.token = view.watchToken || entry.token;
            entry.heard(view.lastReportAt);
            if (view.seq > entry.view.seq) {
                entry.tracker.applySnapshot(view);
                if (view.state !== 'RUNNING') {
                    entry.resetRate();
                }
            }
        }
        return entry;
    }

    /** While the connection is down no estimate is shown: it would extrapolate from stale data. */
    resetRates() {
        for (const entry of this.entries.values()) {
            entry.resetRate();
        }
    }

    /** External jobs not yet ended: their worker's last report is read again now and then (app.js). */
    activeExternal() {
        return Array.from(this.entries.values()).filter(
            (e) => e.view.external && (e.view.state === 'QUEUED' || e.view.state === 'RUNNING'));
    }

    /** Entries newest first. */
    newestFirst() {
        return Array.from(this.entries.values()).sort((a, b) => Date.parse(b.view.createdAt) - Date.parse(a.view.createdAt));
    }
}
