/**
 * Starting and ending a watch for every transport: checks the watch token ({@code security}), reads where the watcher
 * starts from the store, and registers it with this node's {@code hub}; the hub itself knows neither tokens nor store.
 */
package io.jobpulse.watch;
