// app.js: the JobPulse page. Wires the REST API, the live client (jobpulse.js) and the views.
//
// Hooks for end-to-end tests (stable ids and data-* attributes):
//   #connection[data-transport]   websocket | sse | polling | reconnecting | connecting | offline
//     [data-state]                live | connecting | reconnecting | offline
//     [data-retry-at]             ISO time of the next reconnect attempt, "" when none is scheduled
//   #submit-form                  the "Start a job" form: #job-type (select), inputs #param-<name>
//                                 ([data-param=<name>]), #job-name, #submit-button; #submit-status for errors
//   #jobs-body tr[data-job-id=ID][data-state=STATE]   one row per job, newest first, with
//     [data-field=state] (state text; [data-state] too), [data-field=progress] (<progress> value/max),
//     [data-field=progress-text] ("3 / 10 · 30 %"), [data-field=message], [data-field=elapsed],
//     [data-field=eta] ("—" until there is enough data), [data-action=open] (link to the detail view),
//     [data-action=cancel] (shown for QUEUED and RUNNING jobs)
//   #jobs-more                    loads the next page of jobs (hidden when there is none)
//   #detail-view #job-detail[data-job-id][data-state]   the view at #/jobs/{id}: #detail-state,
//     #detail-progress, #detail-progress-text, #detail-message, #detail-elapsed, #detail-eta,
//     #detail-cancel, #detail-result (#detail-result-json), #detail-error (#detail-error-kind,
//     #detail-error-message), #event-log li[data-seq][data-kind]
//   #key-dialog                   the API key dialog (#key-input)
//   Operator view (#/operator; only for a key with the admin role: GET api/admin/whoami answers 200):
//   #operator-link                the link to it, hidden for other keys; body[data-admin=true|false] once known
//   #operator-view                the view: #operator-filters (#op-q, #op-state, #op-type, #op-client, #op-from,
//                                 #op-to, #op-apply, #op-reset), #operator-table[data-page=N][data-loads=lists answered],
//                                 #operator-body tr[data-job-id][data-state][data-owner][data-type] (cells as in
//                                 #jobs-body, plus [data-field=owner], [data-field=created], [data-field=id]),
//                                 #op-prev / #op-next (newer / older page), #operator-empty, #operator-status
//   #node-panel                   #node-charts figure.chart[data-chart=jobs|events|connections|nodes][data-samples]
//                                 with path[data-series=KEY] (d="" while there is no value) and
//                                 [data-series-value=KEY] (the last value, "—" when unknown); #nodes-body tr[data-node]
// Query parameter ?transport=websocket|sse|polling forces one transport (default: automatic fallback).
// Query parameter ?upgradeInterval=<ms> (at least 1000) sets how soon a page resting on SSE or polling tries
// WebSocket again (default: jobpulse.js's 60000); the browser tests use it so as not to wait a minute.

import { listJobs, getJob, cancelJob, jobEvents, jobTypes, onKeyNeeded, whoami } from './api.js';
import { askForKey } from './key-dialog.js';
import { initSubmitForm, showFormError } from './submit-form.js';
import { JobStore } from './job-store.js';
import { renderTable, updateRow, tickTable } from './jobs-table.js';
import { showDetail, hideDetail, shownJob, updateDetail, tickDetail, appendEvents, lastLoggedSeq } from './job-detail.js';
import { showConnection, tickConnection, onRetryNow } from './connection.js';
import { initOperator, showOperator, hideOperator, tickOperator } from './operator.js';
import { startNodePanel, stopNodePanel } from './node-panel.js';

const F = window.JobPulseFormat;
const $ = (id) => document.getElementById(id);
const store = new JobStore();
const query = new URLSearchParams(location.search);
const upgradeInterval = Number.parseInt(query.get('upgradeInterval'), 10);
const client = window.JobPulse.connect({
    transport: query.get('transport') || 'auto',
    // only when given and sane: an undefined or NaN here would override the default and retry at once
    ...(upgradeInterval >= 1000 ? { upgradeInterval } : {}),
    onStatus: (status) => {
        showConnection(status);
        if (status.state !== 'live') {
            store.resetRates();
        }
    },
});
let nextCursor = null;
let admin = false;

function announce(text) {
    $('announcer').textContent = text;
}

// ---- live updates ----

function watch(entry) {
    if (entry.handle !== null || window.JobPulse.isTerminal(entry.view.state)) {
        return;
    }
    entry.handle = client.watch(entry.id, entry.token, {
        onEvent: (event) => {
            entry.sample(event);
            if (!appendEvents(entry.id, [event])) {
                loadEvents(entry.id);
            }
        },
        onUpdate: (view) => changed(store.put(view)),
        onEnd: (view) => {
            entry.handle = null;
            announce((view.name || view.type) + ': ' + F.stateLabel(view.state));
        },
        onError: (error) => {
            entry.handle = null;
            rewatch(entry, error);
        },
    }, { view: entry.view });
}

/** A refused watch token (expired, or the server restarted with a new token secret): get a fresh one once. */
async function rewatch(entry, error) {
    const refused = entry.token;
    const view = await getJob(entry.id).catch(() => null);
    if (view !== null && view.watchToken !== refused) {
        changed(remember(view));
    } else {
        $('jobs-status').textContent = 'Cannot watch job ' + entry.id + ': ' + error.code;
    }
}

function changed(entry) {
    const now = Date.now();
    updateRow(entry, now);
    updateDetail(entry, now);
}

function remember(view) {
    const entry = store.put(view);
    watch(entry);
    return entry;
}

// ---- the list ----

async function loadJobs(cursor) {
    try {
        const page = await listJobs(cursor);
        page.jobs.forEach(remember);
        nextCursor = page.nextCursor;
        $('jobs-more').hidden = nextCursor === null;
        $('jobs-status').textContent = '';
        renderTable(store.newestFirst(), cancel, Date.now());
    } catch (e) {
        $('jobs-status').textContent = 'Could not load your jobs: ' + e.message;
    }
}

async function cancel(id) {
    try {
        changed(remember(await cancelJob(id)));
    } catch (e) {
        $('jobs-status').textContent = 'Could not cancel the job: ' + e.message;
    }
}

function submitted(view) {
    remember(view);
    renderTable(store.newestFirst(), cancel, Date.now());
    announce('Started ' + (view.name || view.type));
}

// ---- the detail view ----

async function loadEvents(id) {
    try {
        let complete = false;
        while (!complete && shownJob() === id) {
            const page = await jobEvents(id, lastLoggedSeq());
            appendEvents(id, page.events);
            complete = page.events.length === 0 || lastLoggedSeq() >= page.seq;
        }
    } catch (e) {
        $('detail-status').textContent = 'Could not load the event log: ' + e.message;
    }
}

async function openDetail(id) {
    $('list-view').hidden = true;
    $('detail-view').hidden = false;
    $('detail-status').textContent = '';
    $('job-detail').hidden = true;
    try {
        const entry = remember(await getJob(id));
        $('job-detail').hidden = false;
        showDetail(entry, Date.now());
        $('detail-title').focus();
        await loadEvents(id);
    } catch (e) {
        $('detail-status').textContent = e.status === 404 ? 'No such job.' : 'Could not load the job: ' + e.message;
    }
}

// ---- the operator view ----

/** Whether the key has the admin role: the operator view and its link are there only then. */
async function checkAdmin() {
    try {
        await whoami();
        admin = true;
    } catch (e) {
        admin = false;
    }
    $('operator-link').hidden = !admin;
    document.body.dataset.admin = String(admin);
}

function showView(name) {
    if (name === 'operator') {
        $('jobs-link').removeAttribute('aria-current');
        $('operator-link').setAttribute('aria-current', 'page');
    } else {
        $('operator-link').removeAttribute('aria-current');
        $('jobs-link').setAttribute('aria-current', 'page');
    }
    $('operator-view').hidden = name !== 'operator';
    if (name === 'operator') {
        hideDetail();
        $('detail-view').hidden = true;
        $('list-view').hidden = true;
        showOperator();
        startNodePanel();
    } else {
        hideOperator();
        stopNodePanel();
    }
}

function route() {
    if (location.hash === '#/operator' && admin) {
        showView('operator');
        return;
    }
    showView('jobs');
    const match = /^#\/jobs\/([^/]+)$/.exec(location.hash);
    if (match) {
        openDetail(decodeURIComponent(match[1]));
    } else {
        hideDetail();
        $('detail-view').hidden = true;
        $('list-view').hidden = false;
        renderTable(store.newestFirst(), cancel, Date.now());
    }
}

// ---- external jobs' workers ----

/**
 * A worker that only heartbeats adds no event, so the page reads the views of the external jobs it shows, not yet
 * ended, again every WORKER_REFRESH_MS (their lastReportAt), at most WORKER_REFRESH_MAX of them, while the tab is seen.
 */
const WORKER_REFRESH_MS = 10000;
const WORKER_REFRESH_MAX = 20;

async function refreshWorkers() {
    if (document.hidden) {
        return;
    }
    for (const entry of store.activeExternal().slice(0, WORKER_REFRESH_MAX)) {
        const view = await getJob(entry.id).catch(() => null);
        if (view !== null) {
            changed(store.put(view));
        }
    }
}

// ---- start ----

function tick() {
    const now = Date.now();
    const entries = store.newestFirst();
    tickTable(entries, now);
    tickOperator(now);
    const shown = shownJob() && store.get(shownJob());
    if (shown) {
        tickDetail(shown, now);
    }
    tickConnection();
}

async function start() {
    onKeyNeeded(askForKey);
    onRetryNow(() => client.reconnectNow());
    $('api-key-button').addEventListener('click', async () => {
        if (await askForKey('Enter the API key for this server (not needed in dev mode).')) {
            await loadJobs(null);
            await checkAdmin();
            route();
        }
    });
    $('jobs-more').addEventListener('click', () => loadJobs(nextCursor));
    $('jobs-refresh').addEventListener('click', () => loadJobs(null));
    $('detail-cancel').addEventListener('click', () => cancel(shownJob()));
    window.addEventListener('hashchange', route);
    setInterval(tick, 1000);
    setInterval(refreshWorkers, WORKER_REFRESH_MS);
    let types = [];
    try {
        types = (await jobTypes()).types;
        initSubmitForm(types, submitted);
    } catch (e) {
        showFormError('Could not load the job types: ' + e.message);
    }
    initOperator(client, types.map((t) => t.name));
    await loadJobs(null);
    await checkAdmin();
    route();
}

start();
