// operator.js: the operator's list of every client's jobs (GET api/admin/jobs): filters, search by id or name, pages
// newer/older by cursor, and live progress of the jobs shown (watched with the watch tokens the listing carries).

import { adminJobs, adminCancel } from './api.js';
import { JobStore } from './job-store.js';
import { renderJob, renderClock } from './job-view.js';

const PAGE_SIZE = 20;
const $ = (id) => document.getElementById(id);
const store = new JobStore();
const template = $('operator-row');
/** The rows shown, by job id: {entry, row, parts}. */
const rows = new Map();
/** The cursor of each page visited from the first (null); the page shown is the last. */
let cursors = [null];
let nextCursor = null;
let query = new URLSearchParams();
let client = null;
/** Lists answered (or failed) so far: #operator-table[data-loads], for tests to wait on. */
let loads = 0;

function partsOf(row) {
    const field = (name) => row.querySelector('[data-field="' + name + '"]');
    return {
        name: field('name'),
        type: field('type'),
        id: field('id'),
        owner: field('owner'),
        state: field('state'),
        progress: field('progress'),
        progressText: field('progress-text'),
        message: field('message'),
        created: field('created'),
        elapsed: field('elapsed'),
        cancel: row.querySelector('[data-action="cancel"]'),
    };
}

function changed(entry) {
    const item = rows.get(entry.id);
    if (item !== undefined) {
        item.row.dataset.state = entry.view.state;
        renderJob(item.parts, entry, Date.now());
    }
}

function watch(entry) {
    if (entry.handle !== null || window.JobPulse.isTerminal(entry.view.state)) {
        return;
    }
    entry.handle = client.watch(entry.id, entry.token, {
        onEvent: (event) => entry.sample(event),
        onUpdate: (view) => changed(store.put(view)),
        onEnd: () => { entry.handle = null; },
        onError: () => { entry.handle = null; },
    }, { view: entry.view });
}

function unwatchAll() {
    for (const { entry } of rows.values()) {
        if (entry.handle !== null) {
            entry.handle.unwatch();
            entry.handle = null;
        }
    }
}

function createRow(entry) {
    const row = template.content.firstElementChild.cloneNode(true);
    const parts = partsOf(row);
    const view = entry.view;
    row.dataset.jobId = entry.id;
    row.dataset.owner = view.owner;
    row.dataset.type = view.type;
    parts.name.textContent = view.name || view.type;
    parts.type.textContent = view.type;
    parts.id.textContent = entry.id;
    parts.owner.textContent = view.owner;
    parts.created.textContent = new Date(view.createdAt).toLocaleString('en-GB');
    parts.progress.setAttribute('aria-label', 'Progress of ' + (view.name || view.type));
    parts.cancel.addEventListener('click', () => cancel(entry.id));
    return { entry, row, parts };
}

function show(page) {
    unwatchAll();
    rows.clear();
    const body = $('operator-body');
    body.replaceChildren();
    for (const view of page.jobs) {
        const entry = store.put(view);
        const item = createRow(entry);
        rows.set(entry.id, item);
        body.appendChild(item.row);
        changed(entry);
        watch(entry);
    }
    nextCursor = page.nextCursor;
    const empty = $('operator-empty');
    empty.hidden = page.jobs.length > 0;
    empty.textContent = nextCursor === null
        ? 'No job matches.'
        : 'No match among the jobs searched so far; "Older" searches further back.';
    $('operator-table').dataset.page = String(cursors.length);
    $('op-page').textContent = 'Page ' + cursors.length;
    $('op-prev').disabled = cursors.length === 1;
    $('op-next').disabled = nextCursor === null;
}

async function load() {
    const params = new URLSearchParams(query);
    params.set('limit', String(PAGE_SIZE));
    const cursor = cursors[cursors.length - 1];
    if (cursor !== null) {
        params.set('cursor', cursor);
    }
    try {
        show(await adminJobs(params.toString()));
        $('operator-status').textContent = '';
    } catch (e) {
        $('operator-status').textContent = 'Could not list the jobs: ' + e.message;
    } finally {
        $('operator-table').dataset.loads = String(++loads);
    }
}

async function cancel(id) {
    try {
        changed(store.put(await adminCancel(id)));
    } catch (e) {
        $('operator-status').textContent = 'Could not cancel the job: ' + e.message;
    }
}

/** A datetime-local value (the browser's time zone) as an ISO instant; "" stays "". */
function instant(value) {
    return value ? new Date(value).toISOString() : '';
}

function readFilters() {
    const q = new URLSearchParams();
    const add = (name, value) => {
        if (value.trim() !== '') {
            q.set(name, value.trim());
        }
    };
    add('q', $('op-q').value);
    add('state', $('op-state').value);
    add('type', $('op-type').value);
    add('client', $('op-client').value);
    add('from', instant($('op-from').value));
    add('to', instant($('op-to').value));
    return q;
}

/** Wires the filters and the pager; `liveClient` is the page's jobpulse.js client, `types` the job type names. */
export function initOperator(liveClient, types) {
    client = liveClient;
    const list = $('op-types');
    for (const name of types) {
        const option = document.createElement('option');
        option.value = name;
        list.appendChild(option);
    }
    $('operator-filters').addEventListener('submit', (event) => {
        event.preventDefault();
        query = readFilters();
        cursors = [null];
        load();
    });
    $('operator-filters').addEventListener('reset', () => {
        query = new URLSearchParams();
        cursors = [null];
        setTimeout(load, 0); // after the form has cleared its fields
    });
    $('op-next').addEventListener('click', () => {
        if (nextCursor !== null) {
            cursors.push(nextCursor);
            load();
        }
    });
    $('op-prev').addEventListener('click', () => {
        if (cursors.length > 1) {
            cursors.pop();
            load();
        }
    });
}

/** Shows the page of jobs the view was on (the first one the first time), read afresh. */
export function showOperator() {
    load();
}

/** Leaving the view: its jobs are no longer watched. */
export function hideOperator() {
    unwatchAll();
}

/** Elapsed times move with the clock. */
export function tickOperator(now) {
    for (const { entry, parts } of rows.values()) {
        renderClock(parts, entry, now);
    }
}

