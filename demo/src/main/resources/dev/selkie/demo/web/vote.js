'use strict';
// Selkie vote page: signs in with POST /login (the server sets an HttpOnly session cookie), then opens
// /ws, which the server accepts only with that cookie. Votes go out as {"type":"vote","option":..}; the
// counts come back to every page on each change (the highest "seq" wins). When the connection drops the
// page reconnects with exponential back-off (0.5 s doubling up to 30 s, with jitter); if the server no
// longer knows the session (it restarted: votes live in its memory only), it asks to sign in again.
(function () {
  const $ = (id) => document.getElementById(id);
  const NAME = /^[\p{L}\p{N}_.-]+(?: [\p{L}\p{N}_.-]+)*$/u;
  const MAX_BACKOFF_MS = 30000;
  const MAX_ANNOUNCEMENTS = 20;

  let socket = null;
  let attempt = 0;
  let retryTimer = null;
  let shownSeq = -1;
  let myVote = null;
  let options = [];

  function setStatus(text, online) {
    $('status').textContent = text;
    $('status').className = online ? 'online' : '';
  }

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  function showSignIn(message) {
    $('ballot').hidden = true;
    $('signin-form').hidden = false;
    $('signin').disabled = false;
    setStatus('Not signed in.');
    notice(message || '');
    $('name').focus();
  }

  function timeOf(millis) {
    return new Date(millis).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
  }

  function setCanVote(on) {
    options.forEach((o, i) => {
      const b = $('vote-' + i);
      if (b) {
        b.disabled = !on;
      }
    });
  }

  function buildOptions(list) {
    options = list;
    $('options').replaceChildren(...list.map((option, i) => {
      const li = document.createElement('li');
      li.id = 'option-' + i;
      const button = document.createElement('button');
      button.type = 'button';
      button.id = 'vote-' + i;
      button.textContent = option;
      button.title = option;
      button.addEventListener('click', () => vote(option));
      const track = document.createElement('div');
      track.className = 'track';
      const fill = document.createElement('div');
      fill.className = 'fill';
      fill.id = 'bar-' + i;
      track.appendChild(fill);
      const count = document.createElement('span');
      count.className = 'count';
      count.id = 'count-' + i;
      count.textContent = '0';
      li.append(button, track, count);
      return li;
    }));
  }

  function showCounts(event) {
    if (event.seq < shownSeq) {
      return; // an older snapshot than the counts shown
    }
    shownSeq = event.seq;
    if (options.length !== event.options.length || options.some((o, i) => o !== event.options[i])) {
      buildOptions(event.options);
      showMine();
    }
    const most = Math.max(1, ...event.counts);
    event.counts.forEach((c, i) => {
      $('count-' + i).textContent = String(c);
      $('bar-' + i).style.width = (100 * c / most) + '%'; // CSSOM: allowed by the style-src 'self' policy
    });
    $('voters').textContent = event.voters + (event.voters === 1 ? ' vote' : ' votes') + ' so far.';
  }

  function showMine() {
    options.forEach((o, i) => {
      const chosen = o === myVote;
      $('vote-' + i).classList.toggle('chosen', chosen);
      $('vote-' + i).setAttribute('aria-pressed', String(chosen));
      $('option-' + i).classList.toggle('chosen-row', chosen);
    });
  }

  function announce(event) {
    const none = $('no-announcements');
    if (none) {
      none.remove();
    }
    const li = document.createElement('li');
    const time = document.createElement('span');
    time.className = 'time';
    time.textContent = timeOf(event.time);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = event.text;
    li.append(time, text);
    const list = $('announcements');
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_ANNOUNCEMENTS) {
      list.removeChild(list.lastChild);
    }
  }

  function onEvent(event) {
    switch (event.type) {
      case 'welcome':
        $('me').textContent = event.name;
        myVote = event.vote;
        shownSeq = -1;
        buildOptions(event.options);
        showCounts(event);
        showMine();
        break;
      case 'counts':
        showCounts(event);
        break;
      case 'voted':
        myVote = event.option;
        showMine();
        break;
      case 'announcement':
        announce(event);
        break;
      case 'error':
        notice('The server refused that: ' + event.error);
        break;
      default:
        break;
    }
  }

  function vote(option) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({type: 'vote', option: option}));
    }
  }

  function connect() {
    retryTimer = null;
    setStatus('Connecting ...');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      attempt = 0;
      notice('');
      $('signin-form').hidden = true;
      $('ballot').hidden = false;
      setStatus('Connected: votes appear as they are cast.', true);
      setCanVote(true);
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
        return;
      }
      socket = null;
      setCanVote(false);
      if (opened && e.code !== 1008) {
        scheduleReconnect();
      } else {
        checkSession(); // refused (401 when the server does not know the cookie) or the session ended
      }
    });
  }

  // A refused handshake looks like any failed connection to a page, so ask whether we are signed in.
  function checkSession() {
    fetch('/session', {cache: 'no-store', credentials: 'same-origin'})
      .then((r) => {
        if (r.status === 401) {
          showSignIn(shownSeq >= 0
            ? 'The server no longer knows your session (it restarted, and votes live in its memory only). '
              + 'Sign in again.'
            : '');
          return;
        }
        scheduleReconnect();
      })
      .catch(() => scheduleReconnect());
  }

  function scheduleReconnect() {
    const base = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, attempt));
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    attempt++;
    setStatus('Disconnected; reconnecting in ' + (delay / 1000).toFixed(1) + ' s ...');
    retryTimer = setTimeout(connect, delay);
  }

  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('name').value.trim();
    if (!NAME.test(name) || [...name].length > 24) {
      notice('A name has letters, digits, "_", "." or "-" (single spaces inside), at most 24.');
      return;
    }
    $('signin').disabled = true;
    fetch('/login', {method: 'POST', body: new URLSearchParams({name: name}), credentials: 'same-origin'})
      .then((r) => r.text().then((body) => ({ok: r.ok, body: body})))
      .then((r) => {
        $('signin').disabled = false;
        if (!r.ok) {
          notice('Cannot sign in: ' + r.body.trim());
          return;
        }
        notice('');
        attempt = 0;
        if (retryTimer) {
          clearTimeout(retryTimer);
        }
        connect();
      })
      .catch(() => {
        $('signin').disabled = false;
        notice('Cannot reach the server; try again.');
      });
  });

  // Signed in already (this browser's cookie)? Then straight to the ballot, else the sign-in form.
  fetch('/session', {cache: 'no-store', credentials: 'same-origin'})
    .then((r) => (r.ok ? connect() : showSignIn('')))
    .catch(() => scheduleReconnect());
})();
