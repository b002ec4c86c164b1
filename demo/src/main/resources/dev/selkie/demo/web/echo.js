'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let socket = null;

  $('url').value = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';

  function log(text, kind) {
    const li = document.createElement('li');
    li.className = kind;
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    $('log').prepend(li);
  }

  function setConnected(connected) {
    $('connect').disabled = connected;
    $('disconnect').disabled = !connected;
    $('message').disabled = !connected;
    $('send').disabled = !connected;
  }

  $('connect').addEventListener('click', () => {
    const url = $('url').value.trim();
    try {
      socket = new WebSocket(url);
    } catch (e) {
      $('status').textContent = 'Invalid URL: ' + e.message;
      return;
    }
    $('status').textContent = 'Connecting to ' + url + ' ...';
    $('connect').disabled = true;
    socket.addEventListener('open', () => {
      // the extensions the server accepted: "permessage-deflate; ..." when messages travel compressed
      $('status').textContent = 'Connected to ' + url + ' \u2014 '
          + (socket.extensions ? 'compression: ' + socket.extensions : 'no compression');
      setConnected(true);
      $('message').focus();
    });
    socket.addEventListener('message', (e) => log('\u2190 ' + e.data, 'in'));
    socket.addEventListener('close', (e) => {
      $('status').textContent = 'Closed: ' + e.code + (e.reason ? ' ' + e.reason : '');
      log('closed ' + e.code + (e.reason ? ' ' + e.reason : ''), 'sys');
      setConnected(false);
      socket = null;
    });
  });

  $('disconnect').addEventListener('click', () => socket && socket.close(1000, 'bye'));

  $('form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('message').value;
    if (!socket || socket.readyState !== WebSocket.OPEN || text === '') {
      return;
    }
    socket.send(text);
    log('\u2192 ' + text, 'out');
    $('message').value = '';
  });
})();
