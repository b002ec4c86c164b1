'use strict';
// Selkie jobs page: an xterm.js terminal showing the server's lines (ANSI colours included), a form that
// asks for an allow-listed job over a target list, and reconnection with exponential back-off (0.5 s
// doubling up to 30 s, with jitter) after the connection drops, e.g. when the server restarts.
(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_BACKOFF_MS = 30000;

  const term = new Terminal({
    cols: 110, rows: 26, convertEol: false, disableStdin: true, cursorBlink: false, scrollback: 5000,
    fontFamily: 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace', fontSize: 13,
    theme: {background: '#111418', foreground: '#d7dae0'},
  });
  term.open($('terminal'));

  let socket = null;
  let attempt = 0;
  let running = false;
  let commands = {};

  function setStatus(text, online) {
    $('status').textContent = text;
    $('status').className = online ? 'online' : '';
  }

  function line(text) {
    term.write(text + '\r\n');
  }

  function setRunning(on) {
    running = on;
    const open = socket && socket.readyState === WebSocket.OPEN;
    $('run').disabled = on || !open;
    $('cancel').disabled = !on || !open;
    $('job').disabled = !open;
  }

  function showCommand() {
    const c = commands[$('job').value];
    $('command').textContent = c ? '$ ' + c : '';
  }

  function onEvent(event) {
    if (typeof event.text === 'string') {
      line(event.text);
    }
    switch (event.type) {
      case 'hello': {
        const select = $('job');
        const previous = select.value;
        commands = {};
        select.replaceChildren(...event.jobs.map((name, i) => {
          commands[name] = event.commands[i];
          const option = document.createElement('option');
          option.value = name;
          option.textContent = name;
          return option;
        }));
        if (event.jobs.includes(previous)) {
          select.value = previous;
        }
        showCommand();
        setRunning(false);
        break;
      }
      case 'start':
        setRunning(true);
        break;
      case 'done':
        setRunning(false);
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    setStatus('Connecting ...');
    const ws = new WebSocket(scheme + location.host + '/ws');
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      attempt = 0;
      setStatus('Connected to ' + location.host + '.', true);
    });
    ws.addEventListener('message', (e) => {
      let event;
      try {
        event = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      onEvent(event);
    });
    ws.addEventListener('close', (e) => {
      socket = null;
      setRunning(false);
      if (opened) {
        line('\x1b[33mDisconnected (' + e.code + (e.reason ? ' ' + e.reason : '') + ').\x1b[0m');
      }
      const base = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, attempt));
      const delay = Math.round(base / 2 + Math.random() * base / 2);
      attempt++;
      setStatus('Disconnected; reconnecting in ' + (delay / 1000).toFixed(1) + ' s ...');
      setTimeout(connect, delay);
    });
  }

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      line('\x1b[31mNot connected.\x1b[0m');
      return false;
    }
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  $('job').addEventListener('change', showCommand);
  $('run-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!running) {
      send({type: 'run', job: $('job').value, targets: $('targets').value.trim()});
    }
  });
  $('cancel').addEventListener('click', () => send({type: 'cancel'}));

  // For tests and the curious: the terminal's lines as text, and a raw send (the server validates all).
  window.selkieJobs = {
    lines() {
      const buffer = term.buffer.active;
      const out = [];
      for (let i = 0; i < buffer.length; i++) {
        out.push(buffer.getLine(i).translateToString(true));
      }
      while (out.length && out[out.length - 1] === '') {
        out.pop();
      }
      return out;
    },
    send: send,
  };

  setRunning(false);
  connect();
})();
