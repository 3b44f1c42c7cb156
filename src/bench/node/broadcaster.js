// The peer reference: Node's `ws` (npm), a plain broadcaster. Same control surface as RawBroadcaster:
// GET /ctl/pub?seq=&kind=&state=&done=&total= publishes one event (encoded once into a Buffer, one send per
// client), GET /ctl/stats collects garbage (node --expose-gc) and reports the V8 heap. Any text message from a
// client is answered with `subscribed`; `ws` answers pings itself. Usage: node --expose-gc broadcaster.js PORT
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
const job = 'BenchReferenceJob00000'; // BenchJob.REFERENCE_JOB
const subscribed = JSON.stringify({ type: 'subscribed', job, resumed: false });

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let body;
  if (url.pathname === '/ctl/pub') {
    const q = url.searchParams;
    const done = Number(q.get('done'));
    const total = Number(q.get('total'));
    const event = '{"type":"event","job":"' + job + '","seq":' + q.get('seq') + ',"kind":"' + q.get('kind')
      + '","state":"' + q.get('state') + '","progress":{"done":' + done + ',"total":' + total + ',"percent":'
      + (total === 0 ? 'null' : Math.floor(done * 100 / total)) + ',"message":"'
      + (done === 0 ? 'starting' : 'step ' + done + ' of ' + total) + '"},"at":"' + new Date().toISOString() + '"}';
    const t0 = process.hrtime.bigint();
    const frame = Buffer.from(event);
    let sent = 0;
    for (const c of wss.clients) {
      c.send(frame, { binary: false });
      sent++;
    }
    body = JSON.stringify({ sent, loopMicros: Number((process.hrtime.bigint() - t0) / 1000n) });
  } else if (url.pathname === '/ctl/stats') {
    for (let i = 0; i < 3; i++) global.gc();
    body = JSON.stringify({ heapUsedBytes: process.memoryUsage().heapUsed, webSocketConnections: wss.clients.size });
  } else {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
  res.end(body);
});

const wss = new WebSocketServer({
  server,
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has('jobpulse.v1') ? 'jobpulse.v1' : false),
});
// A failed accept (EMFILE when a reconnect storm briefly holds old and new sockets) must not end the reference:
// without these listeners Node throws the 'error' event and exits.
server.on('error', (e) => console.error('server error: ' + e.message));
wss.on('error', (e) => console.error('ws server error: ' + e.message));
wss.on('wsClientError', (e, socket) => socket.destroy());
wss.on('connection', (ws) => {
  ws.on('message', () => ws.send(subscribed));
  ws.on('error', () => {});
});
server.listen(port, '127.0.0.1', 4096, () => console.log('node ws broadcaster listening on 127.0.0.1:' + port));
