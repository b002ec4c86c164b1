'use strict';
// Selkie chat page: joins /ws?name=..&room=.., renders the server's JSON events, and reconnects with
// exponential back-off (0.5 s doubling up to 30 s, with jitter) when the connection drops.
(function () {
  const $ = (id) => document.getElementById(id);
  const NAME = /^[\p{L}\p{N}_.-]+(?: [\p{L}\p{N}_.-]+)*$/u;
  const ROOM = /^[a-z0-9_-]+$/;
  const MAX_BACKOFF_MS = 30000;

  let socket = null;      // the current WebSocket
  let session = null;     // {name, room} while we want to be in a room
  let everOpened = false; // whether this session ever got in (then a refusal is not "name taken")
  let attempt = 0;
  let retryTimer = null;

  function setStatus(text, online) {
    $('status').textContent = text;
    $('status').className = online ? 'online' : '';
  }

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  function setCanSend(on) {
    $('message').disabled = !on;
    $('send').disabled = !on;
  }

  function timeOf(millis) {
    return new Date(millis).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
  }

  function append(li) {
    const list = $('messages');
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.appendChild(li);
    while (list.children.length > 500) {
      list.removeChild(list.firstChild);
    }
    if (atBottom) {
      list.scrollTop = list.scrollHeight;
    }
  }

  function addLine(className, parts) {
    const li = document.createElement('li');
    li.className = className;
    for (const [cls, text] of parts) {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      li.appendChild(span);
    }
    append(li);
    return li;
  }

  function setUsers(users) {
    const list = $('users');
    list.replaceChildren(...users.map((u) => {
      const li = document.createElement('li');
      li.textContent = u;
      return li;
    }));
  }

  function onEvent(event) {
    switch (event.type) {
      case 'welcome':
        setUsers(event.users);
        $('room-label').textContent = '#' + event.room;
        addLine('system', [['text', 'You joined #' + event.room + ' as ' + event.name + '.']]);
        break;
      case 'presence':
        setUsers(event.users);
        if (!session || event.name !== session.name) {
          addLine('system', [['text', event.name + (event.event === 'join' ? ' joined.' : ' left.')]]);
        }
        break;
      case 'message': {
        const li = addLine(session && event.from === session.name ? 'message mine' : 'message',
            [['time', timeOf(event.time)], ['from', event.from], ['text', event.text]]);
        li.dataset.from = event.from;
        break;
      }
      case 'announcement':
        addLine('announcement', [['time', timeOf(event.time)], ['from', 'Announcement'], ['text', event.text]]);
        break;
      case 'error':
        notice('The server refused that: ' + event.error);
        break;
      default:
        break;
    }
  }

  function url(s) {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    return scheme + location.host + '/ws?' + new URLSearchParams({name: s.name, room: s.room});
  }

  function connect() {
    retryTimer = null;
    const s = session;
    if (!s) {
      return;
    }
    setStatus('Connecting to #' + s.room + ' ...');
    const ws = new WebSocket(url(s));
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      everOpened = true;
      attempt = 0;
      notice('');
      setStatus('Connected as ' + s.name + ' in #' + s.room + '.', true);
      setCanSend(true);
      $('message').focus();
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
      if (socket !== ws) {
        return; // replaced by a newer join
      }
      socket = null;
      setCanSend(false);
      if (session !== s) {
        return;
      }
      if (opened) {
        addLine('system', [['text', 'Disconnected (' + e.code + (e.reason ? ' ' + e.reason : '') + ').']]);
        scheduleReconnect();
      } else {
        diagnoseRefusal(s);
      }
    });
  }

  // A refused handshake looks like any failed connection to a page, so ask the server who is in the room.
  function diagnoseRefusal(s) {
    fetch('/users?room=' + encodeURIComponent(s.room), {cache: 'no-store'})
      .then((r) => (r.ok ? r.json() : null))
      .then((info) => {
        if (session !== s) {
          return;
        }
        if (info && !everOpened && info.users.includes(s.name)) {
          session = null;
          setStatus('Not connected.');
          notice('The name "' + s.name + '" is already taken in #' + s.room + '. Pick another one.');
          return;
        }
        scheduleReconnect();
      })
      .catch(() => {
        if (session === s) {
          scheduleReconnect();
        }
      });
  }

  function scheduleReconnect() {
    const base = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, attempt));
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    attempt++;
    setStatus('Disconnected; reconnecting in ' + (delay / 1000).toFixed(1) + ' s ...');
    retryTimer = setTimeout(connect, delay);
  }

  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('name').value.trim();
    const room = $('room').value.trim().toLowerCase();
    if (!NAME.test(name)) {
      notice('A name has letters, digits, "_", "." or "-" (single spaces inside), at most 24.');
      return;
    }
    if (!ROOM.test(room)) {
      notice('A room has lower-case letters, digits, "_" or "-", at most 24.');
      return;
    }
    notice('');
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    const old = socket;
    session = {name: name, room: room};
    everOpened = false;
    attempt = 0;
    socket = null;
    if (old) {
      old.close(1000, 'switching room');
    }
    $('messages').replaceChildren();
    setUsers([]);
    connect();
  });

  $('send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('message').value;
    if (!socket || socket.readyState !== WebSocket.OPEN || text.trim() === '') {
      return;
    }
    socket.send(JSON.stringify({type: 'message', text: text}));
    $('message').value = '';
  });
})();
