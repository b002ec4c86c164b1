'use strict';
// Selkie stats dashboard: one sample per second over /ws, drawn as scrolling line charts on canvases.
(function () {
  const $ = (id) => document.getElementById(id);
  const POINTS = 120;
  const COLORS = ['#1f6feb', '#e36209'];

  function human(n) {
    const units = ['', 'k', 'M', 'G', 'T'];
    let i = 0;
    while (Math.abs(n) >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    return (i === 0 ? (Number.isInteger(n) ? n : n.toFixed(1)) : n.toFixed(n < 10 ? 2 : 1)) + units[i];
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 && Number.isInteger(n) ? n : n.toFixed(1)) + ' ' + units[i];
  }

  // A line chart of up to POINTS samples of one or two series; y from 0 to a rounded maximum (at least 4,
  // so that the four grid steps are whole numbers for small counts).
  function Chart(canvas, format, fixedMax) {
    const series = [[], []];
    let samples = 0;

    function niceMax(v) {
      v = Math.max(v, 4);
      const p = Math.pow(10, Math.floor(Math.log10(v)));
      for (const m of [1, 2, 4, 8, 10]) {
        if (v <= m * p) {
          return m * p;
        }
      }
      return 10 * p;
    }

    function draw() {
      const ratio = window.devicePixelRatio || 1;
      const w = canvas.clientWidth || 320;
      const h = canvas.clientHeight || 140;
      if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
        canvas.width = Math.round(w * ratio);
        canvas.height = Math.round(h * ratio);
      }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const left = 52;
      const top = 8;
      const plotW = w - left - 6;
      const plotH = h - top - 18;
      let max = fixedMax || 0;
      if (!fixedMax) {
        for (const s of series) {
          for (const v of s) {
            max = Math.max(max, v);
          }
        }
        max = niceMax(max);
      }
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#687083';
      ctx.strokeStyle = '#e6e9ee';
      ctx.lineWidth = 1;
      for (let i = 0; i <= 4; i++) {
        const y = top + plotH - (plotH * i) / 4;
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + plotW, y);
        ctx.stroke();
        ctx.fillText(format((max * i) / 4), 2, y + 4);
      }
      ctx.fillText((POINTS) + ' s', left, h - 3);
      ctx.fillText('now', left + plotW - 22, h - 3);
      series.forEach((s, k) => {
        if (s.length === 0) {
          return;
        }
        ctx.strokeStyle = COLORS[k];
        ctx.lineWidth = 2;
        ctx.beginPath();
        s.forEach((v, i) => {
          const x = left + plotW - ((s.length - 1 - i) * plotW) / (POINTS - 1);
          const y = top + plotH - (Math.min(v, max) / max) * plotH;
          if (i === 0) {
            ctx.moveTo(x, y);
          } else {
            ctx.lineTo(x, y);
          }
        });
        ctx.stroke();
      });
      canvas.dataset.samples = String(samples);
    }

    return {
      add(a, b) {
        samples++;
        [a, b].forEach((v, k) => {
          if (v === undefined || v === null || v < 0) {
            return;
          }
          series[k].push(v);
          if (series[k].length > POINTS) {
            series[k].shift();
          }
        });
        draw();
      },
      draw: draw
    };
  }

  const charts = {
    connections: Chart($('chart-connections'), human),
    messages: Chart($('chart-messages'), human),
    bytes: Chart($('chart-bytes'), bytes),
    queue: Chart($('chart-queue'), human),
    heap: Chart($('chart-heap'), bytes),
    cpu: Chart($('chart-cpu'), (v) => Math.round(v * 100) + '%', 1)
  };
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.draw()));

  function show(s) {
    charts.connections.add(s.connections);
    charts.messages.add(s.messagesInPerSec, s.messagesOutPerSec);
    charts.bytes.add(s.bytesInPerSec, s.bytesOutPerSec);
    charts.queue.add(s.queuedBytes, s.droppedMessages);
    charts.heap.add(s.heapUsed);
    charts.cpu.add(s.processCpu);
    $('v-connections').textContent = human(s.connections);
    $('v-messages').textContent = human(s.messagesInPerSec) + ' / ' + human(s.messagesOutPerSec);
    $('v-bytes').textContent = bytes(s.bytesInPerSec) + ' / ' + bytes(s.bytesOutPerSec);
    $('v-queue').textContent = bytes(s.queuedBytes) + ' / ' + human(s.droppedMessages);
    $('v-heap').textContent = bytes(s.heapUsed) + (s.heapMax > 0 ? ' of ' + bytes(s.heapMax) : '');
    $('v-cpu').textContent = s.processCpu >= 0 ? Math.round(s.processCpu * 100) + '%' : 'n/a';
    document.body.dataset.lastSample = String(s.time);
  }

  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  $('echo-url').textContent = scheme + location.host + '/echo';
  let attempt = 0;

  function connect() {
    const ws = new WebSocket(scheme + location.host + '/ws');
    ws.addEventListener('open', () => {
      attempt = 0;
      $('status').textContent = 'Live: one sample per second.';
    });
    ws.addEventListener('message', (e) => {
      const s = JSON.parse(e.data);
      if (s.type === 'stats') {
        show(s);
      }
    });
    ws.addEventListener('close', () => {
      const delay = Math.min(30000, 500 * Math.pow(2, attempt++));
      $('status').textContent = 'Disconnected; reconnecting in ' + (delay / 1000).toFixed(1) + ' s ...';
      setTimeout(connect, delay);
    });
  }
  connect();

  // "Generate load": an echo loop keeping 32 messages in flight until pressed again.
  let load = null;
  $('load').addEventListener('click', () => {
    if (load) {
      load.close();
      load = null;
      $('load').textContent = 'Generate load';
      return;
    }
    const ws = new WebSocket(scheme + location.host + '/echo');
    const payload = 'x'.repeat(256);
    ws.addEventListener('open', () => {
      for (let i = 0; i < 32; i++) {
        ws.send(payload);
      }
    });
    ws.addEventListener('message', () => {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(payload);
      }
    });
    ws.addEventListener('close', () => {
      if (load === ws) {
        load = null;
        $('load').textContent = 'Generate load';
      }
    });
    load = ws;
    $('load').textContent = 'Stop load';
  });
})();
