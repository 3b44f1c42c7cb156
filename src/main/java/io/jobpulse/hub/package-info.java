/** Who watches what on this node: encodes each event once and delivers it, in order and without gaps, to every watcher. */
package io.jobpulse.hub;
