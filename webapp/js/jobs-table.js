// jobs-table.js: the "Your jobs" table, one row per job (tr[data-job-id]), newest first.

import { renderJob, renderClock } from './job-view.js';

const body = document.getElementById('jobs-body');
const empty = document.getElementById('jobs-empty');
const template = document.getElementById('job-row');
const rows = new Map();

function partsOf(row) {
    const field = (name) => row.querySelector('[data-field="' + name + '"]');
    return {
        name: field('name'),
        type: field('type'),
        state: field('state'),
        progress: field('progress'),
        progressText: field('progress-text'),
        message: field('message'),
        elapsed: field('elapsed'),
        eta: field('eta'),
        worker: field('worker'),
        cancel: row.querySelector('[data-action="cancel"]'),
    };
}

function createRow(entry, onCancel) {
    const row = template.content.firstElementChild.cloneNode(true);
    const parts = partsOf(row);
    const label = entry.view.name || entry.view.type;
    row.dataset.jobId = entry.id;
    parts.name.textContent = label;
    parts.name.href = '#/jobs/' + encodeURIComponent(entry.id);
    parts.type.textContent = entry.view.name ? entry.view.type : entry.id.slice(0, 8);
    parts.progress.setAttribute('aria-label', 'Progress of ' + label);
    parts.cancel.setAttribute('aria-label', 'Cancel ' + label);
    parts.cancel.addEventListener('click', () => onCancel(entry.id));
    return { row, parts };
}

/** Shows `entries` (newest first) and updates every row. */
export function renderTable(entries, onCancel, now) {
    let previous = null;
    for (const entry of entries) {
        let item = rows.get(entry.id);
        if (item === undefined) {
            item = createRow(entry, onCancel);
            rows.set(entry.id, item);
        }
        const expected = previous === null ? body.firstElementChild : previous.nextElementSibling;
        if (expected !== item.row) {
            body.insertBefore(item.row, expected);
        }
        previous = item.row;
        updateRow(entry, now);
    }
    empty.hidden = entries.length > 0;
}

export function updateRow(entry, now) {
    const item = rows.get(entry.id);
    if (item !== undefined) {
        item.row.dataset.state = entry.view.state;
        renderJob(item.parts, entry, now);
    }
}

export function tickTable(entries, now) {
    for (const entry of entries) {
        const item = rows.get(entry.id);
        if (item !== undefined) {
            renderClock(item.parts, entry, now);
        }
    }
}
