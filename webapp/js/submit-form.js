// submit-form.js: the "Start a job" form, generated from GET api/job-types.

import { ApiError, submitJob } from './api.js';

const form = document.getElementById('submit-form');
const typeSelect = document.getElementById('job-type');
const description = document.getElementById('job-type-description');
const paramsBox = document.getElementById('job-params');
const status = document.getElementById('submit-status');
const button = document.getElementById('submit-button');
let types = [];

function field(param) {
    const wrapper = document.createElement('div');
    wrapper.className = 'field';
    const id = 'param-' + param.name;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = param.name;
    if (!param.required) {
        const optional = document.createElement('span');
        optional.className = 'optional';
        optional.textContent = 'optional';
        label.append(' ', optional);
    }
    const input = document.createElement('input');
    input.id = id;
    input.name = param.name;
    input.dataset.param = param.name;
    input.dataset.kind = param.type;
    input.required = param.required;
    if (param.type === 'integer') {
        input.type = 'number';
        input.step = '1';
        input.inputMode = 'numeric';
        setIfPresent(input, 'min', param.min);
        setIfPresent(input, 'max', param.max);
    } else if (param.type === 'boolean') {
        input.type = 'checkbox';
        input.checked = param.default === true;
    } else {
        setIfPresent(input, 'maxLength', param.maxLength);
    }
    if (param.default !== null && param.type !== 'boolean') {
        input.value = String(param.default);
    }
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = id + '-hint';
    hint.textContent = param.description + range(param);
    const error = document.createElement('p');
    error.className = 'field-error';
    error.id = id + '-error';
    input.setAttribute('aria-describedby', hint.id + ' ' + error.id);
    wrapper.append(label, input, hint, error);
    return wrapper;
}

function setIfPresent(input, attribute, value) {
    if (value !== null && value !== undefined) {
        input[attribute] = value;
    }
}

function range(param) {
    const fmt = (n) => Number(n).toLocaleString('en');
    const limited = param.type === 'integer' && param.min !== null && param.max !== null
        && Math.abs(param.max) < Number.MAX_SAFE_INTEGER && Math.abs(param.min) < Number.MAX_SAFE_INTEGER;
    return limited ? ' (' + fmt(param.min) + '–' + fmt(param.max) + ')' : '';
}

function showType(name) {
    const type = types.find((t) => t.name === name);
    description.textContent = type ? type.description : '';
    paramsBox.replaceChildren(...(type ? type.parameters.map(field) : []));
}

/** Reads the parameters; empty optional fields are left out so the server fills in its default. */
function params() {
    const values = {};
    for (const input of paramsBox.querySelectorAll('input[data-param]')) {
        if (input.dataset.kind === 'boolean') {
            values[input.dataset.param] = input.checked;
        } else if (input.value.trim() !== '') {
            values[input.dataset.param] = input.dataset.kind === 'integer' ? Number(input.value) : input.value;
        }
    }
    return values;
}

function clearErrors() {
    status.textContent = '';
    for (const input of paramsBox.querySelectorAll('input')) {
        input.removeAttribute('aria-invalid');
        document.getElementById(input.id + '-error').textContent = '';
    }
}

function showErrors(error) {
    const violations = (error instanceof ApiError && error.problem && error.problem.violations) || [];
    let focused = false;
    for (const v of violations) {
        const input = document.getElementById('param-' + v.parameter);
        if (input) {
            input.setAttribute('aria-invalid', 'true');
            document.getElementById(input.id + '-error').textContent = v.message;
            if (!focused) {
                input.focus();
                focused = true;
            }
        }
    }
    status.textContent = 'Could not start the job: ' + error.message;
}

/**
 * Builds the form from the job types; `onSubmitted(view)` gets each accepted job. External types are left out: their
 * jobs are started by the application whose worker reports them (docs/external-jobs.md); one started here would wait
 * for a worker that never comes and end worker_lost.
 */
export function initSubmitForm(jobTypes, onSubmitted) {
    types = jobTypes.filter((t) => !t.external);
    typeSelect.replaceChildren(...types.map((t) => new Option(t.name, t.name)));
    const preferred = types.find((t) => t.name === 'steps') || types[0];
    if (preferred) {
        typeSelect.value = preferred.name;
        showType(preferred.name);
    }
    typeSelect.addEventListener('change', () => showType(typeSelect.value));
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors();
        if (!form.reportValidity()) {
            return;
        }
        const job = { type: typeSelect.value, params: params() };
        const name = form.elements.name.value.trim();
        if (name) {
            job.name = name;
        }
        button.disabled = true;
        try {
            onSubmitted(await submitJob(job));
        } catch (error) {
            showErrors(error);
        } finally {
            button.disabled = false;
        }
    });
}

export function showFormError(message) {
    status.textContent = message;
}
