// Interop client: node ws against a Selkie echo server.
// Usage: node echo_client.js ws[s]://127.0.0.1:PORT/ [deflate|plain] [CA.pem]
// With "deflate" (the default) the client offers permessage-deflate (perMessageDeflate: true);
// with "plain" it offers nothing. Prints "EXTENSIONS <answer>" after the handshake, "OK <what>"
// per check, "READY", and "CLOSE <code>" when the server closes. For wss:// the server's certificate
// must be signed by CA.pem (checked, with the host name, by Node's TLS).
'use strict';
const WebSocket = require('ws');
const crypto = require('crypto');

const url = process.argv[2];
const deflate = (process.argv[3] || 'deflate') === 'deflate';
const options = { maxPayload: 16 * 1024 * 1024, perMessageDeflate: deflate };
if (process.argv[4]) { options.ca = require('fs').readFileSync(process.argv[4]); }
const ws = new WebSocket(url, options);
const timer = setTimeout(() => { console.log('TIMEOUT'); process.exit(3); }, 60000);

const steps = [];
function expect(label, send, check) { steps.push({ label, send, check }); }

const big = crypto.randomBytes(1024 * 1024);
const utf8 = 'κόσμε €😀 '.repeat(1000);
const json = JSON.stringify({ user: 'node', text: 'hello, room '.repeat(200) });
expect('json', () => ws.send(json), (d, bin) => !bin && d.toString() === json);
expect('text', () => ws.send('hello from node'), (d, bin) => !bin && d.toString() === 'hello from node');
expect('utf8', () => ws.send(utf8), (d, bin) => !bin && d.toString() === utf8);
expect('binary', () => ws.send(big), (d, bin) => bin && Buffer.compare(d, big) === 0);
expect('fragmented', () => {
  ws.send('frag', { fin: false });
  ws.send('men', { fin: false });
  ws.send('ted', { fin: true });
}, (d, bin) => !bin && d.toString() === 'fragmented');

let i = 0;
function next() {
  if (i < steps.length) { steps[i].send(); return; }
  ws.ping(Buffer.from('node-ping'));
}
ws.on('upgrade', (res) => console.log('EXTENSIONS ' + (res.headers['sec-websocket-extensions'] || '')));
ws.on('open', next);
ws.on('message', (data, isBinary) => {
  const step = steps[i];
  if (!step || !step.check(data, isBinary)) { console.log('MISMATCH ' + (step && step.label)); process.exit(2); }
  console.log('OK ' + step.label);
  i++;
  next();
});
ws.on('pong', (data) => {
  if (data.toString() !== 'node-ping') { console.log('MISMATCH pong'); process.exit(2); }
  console.log('OK ping');
  console.log('READY');
});
ws.on('close', (code) => { console.log('CLOSE ' + code); clearTimeout(timer); process.exit(0); });
ws.on('error', (e) => { console.log('ERROR ' + e.message); process.exit(4); });
