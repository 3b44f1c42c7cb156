// job-view.js: renders one job's state and progress into elements (shared by the table row and the detail view).

const F = window.JobPulseFormat;

/** `parts`: {state, progress, progressText, message, elapsed, eta, worker, cancel}; any may be absent. */
export function renderJob(parts, entry, now) {
    const view = entry.view;
    if (parts.state) {
        parts.state.textContent = F.stateLabel(view.state) + (view.cancelRequested && view.state === 'RUNNING' ? ' · cancelling' : '');
        parts.state.dataset.state = view.state;
    }
    if (parts.progress) {
        renderBar(parts.progress, view);
    }
    if (parts.progressText) {
        parts.progressText.textContent = F.progress(view.progress);
    }
    if (parts.message) {
        parts.message.textContent = view.error ? view.error.message : (view.progress ? view.progress.message : '');
    }
    renderClock(parts, entry, now);
    if (parts.cancel) {
        parts.cancel.hidden = !(view.state === 'QUEUED' || view.state === 'RUNNING');
        parts.cancel.disabled = view.cancelRequested;
    }
}

/** The parts that change with time alone: elapsed, time left, and how long ago an external job's worker was heard. */
export function renderClock(parts, entry, now) {
    if (parts.worker) {
        const text = F.worker(entry.view, entry.heardAt, now);
        parts.worker.hidden = text === null;
        parts.worker.textContent = text || '';
    }
    if (parts.elapsed) {
        const ms = F.elapsed(entry.view, now);
        parts.elapsed.textContent = ms === null ? '—' : F.duration(ms);
    }
    if (parts.eta) {
        parts.eta.textContent = F.eta(entry.timeLeft(now)) || '—';
    }
}

function renderBar(bar, view) {
    const p = view.progress || { done: 0, total: 0, percent: null, message: '' };
    const ended = view.state === 'SUCCEEDED';
    if (p.total > 0) {
        bar.max = p.total;
        bar.value = p.done;
        bar.setAttribute('aria-valuetext', F.progress(p) + (p.message ? ', ' + p.message : ''));
    } else if (view.state === 'RUNNING') {
        bar.removeAttribute('value');
        bar.setAttribute('aria-valuetext', p.message || 'in progress');
    } else {
        bar.max = 1;
        bar.value = ended ? 1 : 0;
        bar.setAttribute('aria-valuetext', F.stateLabel(view.state));
    }
    bar.dataset.state = view.state;
}
