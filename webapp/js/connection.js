// connection.js: the connection indicator #connection (data-transport, data-state, next retry time).

const F = window.JobPulseFormat;
const box = document.getElementById('connection');
const text = document.getElementById('connection-text');
const retry = document.getElementById('connection-retry');
let current = { state: 'connecting', transport: null, retryAt: null };

export function showConnection(status) {
    current = status;
    const shown = F.connection(status, Date.now());
    box.dataset.transport = shown.transport;
    box.dataset.state = status.state;
    box.dataset.retryAt = status.retryAt === null ? '' : new Date(status.retryAt).toISOString();
    text.textContent = shown.text;
    retry.hidden = !(status.state === 'reconnecting' && status.retryAt !== null);
}

/** Keeps the "Reconnecting in …" countdown current. */
export function tickConnection() {
    if (current.retryAt !== null) {
        text.textContent = F.connection(current, Date.now()).text;
    }
}

export function onRetryNow(handler) {
    retry.addEventListener('click', handler);
}
