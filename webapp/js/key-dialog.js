// key-dialog.js: the API key dialog; the key lives in sessionStorage (see api.js and docs/client.md).

import { apiKey, setApiKey } from './api.js';

const dialog = document.getElementById('key-dialog');
const input = document.getElementById('key-input');
const reason = document.getElementById('key-reason');

/** Opens the dialog; answers the key entered (also stored), or null when cancelled. */
export function askForKey(why) {
    reason.textContent = why;
    input.value = apiKey() || '';
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
    return new Promise((resolve) => {
        dialog.addEventListener('close', () => {
            const key = input.value.trim();
            if (dialog.returnValue === 'save' && key) {
                setApiKey(key);
                resolve(key);
            } else {
                if (dialog.returnValue === 'clear') {
                    setApiKey(null);
                }
                resolve(null);
            }
        }, { once: true });
    });
}
