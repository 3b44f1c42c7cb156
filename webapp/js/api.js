// api.js: the REST API of docs/api.md, with the API key kept in sessionStorage and asked for on 401.

const KEY_STORAGE = 'jobpulse.apiKey';

/** A refused request: the HTTP status and the problem+json body (detail, violations) when there is one. */
export class ApiError extends Error {
    constructor(status, problem) {
        super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
        this.status = status;
        this.problem = problem;
    }
}

let askForKey = () => Promise.resolve(null);
let pendingAsk = null;

/** `ask(reason)` answers a promise of the key the user typed, or null when they gave up. */
export function onKeyNeeded(ask) {
    askForKey = ask;
}

export function apiKey() {
    return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key) {
    if (key) {
        sessionStorage.setItem(KEY_STORAGE, key);
    } else {
        sessionStorage.removeItem(KEY_STORAGE);
    }
}

/** `path` is relative to the API root ("jobs", "jobs/ID/cancel"); the URL comes from the page location. */
export function apiUrl(path) {
    return new URL('api/' + path, document.baseURI);
}

async function send(path, method, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
    }
    const key = apiKey();
    if (key) {
        headers.Authorization = 'Bearer ' + key;
    }
    const response = await fetch(apiUrl(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
    });
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json() : null;
    if (!response.ok) {
        throw new ApiError(response.status, data);
    }
    return data;
}

/**
 * Sends a request; on 401 asks for a key (one dialog for all requests waiting) and tries again with it, unless
 * `ask` is false.
 */
export async function request(path, { method = 'GET', body, ask = true } = {}) {
    for (;;) {
        try {
            return await send(path, method, body);
        } catch (e) {
            if (!(e instanceof ApiError) || e.status !== 401 || !ask) {
                throw e;
            }
            const reason = apiKey() ? 'The API key was not accepted.' : 'This server needs an API key.';
            pendingAsk = pendingAsk || askForKey(reason).finally(() => { pendingAsk = null; });
            const key = await pendingAsk;
            if (!key) {
                throw e;
            }
            setApiKey(key);
        }
    }
}

export const jobTypes = () => request('job-types');
export const listJobs = (cursor) => request('jobs?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
export const getJob = (id) => request('jobs/' + encodeURIComponent(id));
export const submitJob = (job) => request('jobs', { method: 'POST', body: job });
export const cancelJob = (id) => request('jobs/' + encodeURIComponent(id) + '/cancel', { method: 'POST' });
export const jobEvents = (id, since) => request('jobs/' + encodeURIComponent(id) + '/events?since=' + since);

// the admin API (an API client named in jobpulse.admin-clients; 403 for any other)
export const whoami = () => request('admin/whoami', { ask: false });
export const adminJobs = (query) => request('admin/jobs?' + query);
export const adminCancel = (id) => request('admin/jobs/' + encodeURIComponent(id) + '/cancel', { method: 'POST' });
export const nodeFigures = () => request('node');
export const clusterNodes = () => request('nodes');
