// job-detail.js: the job detail view (#/jobs/{id}): state, progress, result or error, and the event log.

import { renderJob, renderClock } from './job-view.js';

const F = window.JobPulseFormat;
const $ = (id) => document.getElementById(id);
const container = $('job-detail');
const log = $('event-log');
const parts = {
    state: $('detail-state'),
    progress: $('detail-progress'),
    progressText: $('detail-progress-text'),
    message: $('detail-message'),
    elapsed: $('detail-elapsed'),
    eta: $('detail-eta'),
    worker: $('detail-worker'),
    cancel: $('detail-cancel'),
};
let shownId = null;
let lastLogged = 0;

/** Starts showing a job: clears the log; events are appended with appendEvents. */
export function showDetail(entry, now) {
    shownId = entry.id;
    lastLogged = 0;
    log.replaceChildren();
    const view = entry.view;
    container.dataset.jobId = entry.id;
    $('detail-title').textContent = view.name || view.type;
    $('detail-meta').textContent = view.type + ' · ' + view.id + ' · submitted ' + new Date(view.createdAt).toLocaleString();
    $('detail-params').textContent = JSON.stringify(view.params);
    updateDetail(entry, now);
}

export function shownJob() {
    return shownId;
}

export function hideDetail() {
    shownId = null;
}

export function updateDetail(entry, now) {
    if (entry.id !== shownId) {
        return;
    }
    const view = entry.view;
    container.dataset.state = view.state;
    renderJob(parts, entry, now);
    $('detail-result').hidden = view.result === null || view.result === undefined;
    $('detail-result-json').textContent = view.result ? JSON.stringify(view.result, null, 2) : '';
    $('detail-error').hidden = !view.error;
    $('detail-error-kind').textContent = view.error ? view.error.kind : '';
    $('detail-error-message').textContent = view.error ? view.error.message : '';
}

export function tickDetail(entry, now) {
    if (entry.id === shownId) {
        renderClock(parts, entry, now);
    }
}

/** The seq of the last event in the log: the next ones to append follow it. */
export function lastLoggedSeq() {
    return lastLogged;
}

/** Appends events that follow the log directly; answers false on a gap (the caller fetches the missing ones). */
export function appendEvents(jobId, events) {
    for (const event of events) {
        if (jobId !== shownId || event.seq <= lastLogged) {
            continue;
        }
        if (event.seq !== lastLogged + 1) {
            return false;
        }
        log.append(eventItem(event));
        lastLogged = event.seq;
    }
    return true;
}

function eventItem(event) {
    const item = document.createElement('li');
    item.dataset.seq = event.seq;
    item.dataset.kind = event.kind;
    const time = document.createElement('time');
    time.dateTime = event.at;
    time.textContent = new Date(event.at).toLocaleTimeString();
    const what = document.createElement('span');
    what.className = 'event-what';
    what.textContent = event.kind === 'state' ? F.stateLabel(event.state) : F.progress(event.progress);
    const detail = document.createElement('span');
    detail.className = 'message';
    detail.textContent = event.error ? event.error.kind + ': ' + event.error.message : event.progress.message;
    item.append(time, what, detail);
    return item;
}
