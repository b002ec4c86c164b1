'use strict';
// Selkie stats dashboard: one sample per second over /ws, drawn with Apache ECharts (served from the jar).
(function () {
  const $ = (id) => document.getElementById(id);
  const POINTS = 120; // two minutes at one sample per second

  // Anything the page's Content-Security-Policy blocks is counted (and logged): the browser test expects 0.
  let violations = 0;
  document.body.dataset.cspViolations = '0';
  document.addEventListener('securitypolicyviolation', (e) => {
    document.body.dataset.cspViolations = String(++violations);
    console.warn('CSP blocked', e.violatedDirective, e.blockedURI);
  });

  function human(n) {
    const units = ['', 'k', 'M', 'G', 'T'];
    let i = 0;
    while (Math.abs(n) >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    return (i === 0 ? (Number.isInteger(n) ? n : n.toFixed(1)) : n.toFixed(n < 10 ? 2 : 1)) + units[i];
  }

  // Decimal units (kB = 1000 B), so that the axes' round ticks read as round numbers.
  function bytes(n) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (Math.abs(n) >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    return (Number.isInteger(n) ? n : Number(n.toFixed(n < 10 ? 2 : 1))) + ' ' + units[i];
  }

  const percent = (v) => Math.round(v) + ' %';
  const whole = { minInterval: 1 }; // counts: no 0.5 connections on the axis

  // An axis with its unit as the name and in the labels.
  function axis(unit, format, extra) {
    return Object.assign({
      type: 'value', name: unit, nameTextStyle: { align: 'left' }, min: 0,
      axisLabel: { formatter: format }, splitLine: { lineStyle: { color: '#e6e9ee' } }
    }, extra || {});
  }

  // A line chart over the last POINTS samples: series are [time, value] pairs, null = a gap (unknown).
  function Chart(id, yAxis, names, seriesExtra) {
    const el = $(id);
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    const data = [];
    let samples = 0;
    const axes = Array.isArray(yAxis) ? yAxis : [yAxis];
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
      color: ['#1f6feb', '#e36209', '#2da44e', '#a371f7', '#d4a72c', '#cf222e', '#0598bc', '#bf3989'],
      grid: { left: 8, right: 12, top: 52, bottom: 4, containLabel: true },
      // rich text: drawn on the canvas, no HTML with inline styles (which the CSP would block)
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: { top: 0, right: 0, type: 'scroll', itemWidth: 14, itemHeight: 8 },
      xAxis: { type: 'time', splitNumber: 4, axisLabel: { formatter: '{HH}:{mm}:{ss}', hideOverlap: true } },
      yAxis: axes,
      series: []
    });

    function setNames(list) {
      names = list;
      while (data.length < names.length) {
        data.push([]);
      }
      data.length = names.length;
    }
    setNames(names);

    return {
      // values[k] for series k at time t; a different number of values (cores) re-labels the series
      add(t, values, newNames) {
        if (newNames && (newNames.length !== names.length || newNames.some((n, i) => n !== names[i]))) {
          setNames(newNames);
        }
        samples++;
        data.forEach((points, k) => {
          const v = values[k];
          points.push([t, typeof v === 'number' && v >= 0 ? v : null]);
          if (points.length > POINTS) {
            points.shift();
          }
        });
        chart.setOption({
          series: names.map((name, k) => Object.assign({
            type: 'line', name: name, data: data[k], showSymbol: false, lineStyle: { width: 1.5 },
            connectNulls: false
          }, seriesExtra ? seriesExtra(k) : {}))
        }, { replaceMerge: ['series'] });
        el.dataset.samples = String(samples);
      },
      resize() {
        chart.resize();
      }
    };
  }

  const charts = {
    cores: Chart('chart-cores', axis('busy %', percent, { max: 100 }), []),
    connections: Chart('chart-connections', axis('connections', human, whole), ['open']),
    messages: Chart('chart-messages', axis('messages/s', human), ['in', 'out']),
    bytes: Chart('chart-bytes', axis('bytes/s', (v) => bytes(v) + '/s', whole), ['in', 'out']),
    // queued bytes on the left axis, dropped messages (a count) on the right one
    queue: Chart('chart-queue', [axis('queued bytes', bytes, whole),
      axis('drops', human, Object.assign({
        position: 'right', nameTextStyle: { align: 'right' }, splitLine: { show: false }
      }, whole))],
    ['queued bytes', 'drops'], (k) => ({ yAxisIndex: k })),
    heap: Chart('chart-heap', axis('bytes', bytes, whole), ['heap used']),
    cpu: Chart('chart-cpu', axis('% of machine', percent, { max: 100 }), ['JVM process'])
  };
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

  // per core from /proc/stat ("proc-stat"), else one machine-wide figure from the JVM ("jvm")
  function coreNames(source, cores) {
    return source === 'proc-stat' ? cores.map((_, i) => 'cpu' + i) : ['all cores (JVM)'];
  }

  function show(s) {
    const t = s.time;
    const cores = Array.isArray(s.cpuCores) ? s.cpuCores : [];
    charts.cores.add(t, cores, coreNames(s.cpuSource, cores));
    charts.connections.add(t, [s.connections]);
    charts.messages.add(t, [s.messagesInPerSec, s.messagesOutPerSec]);
    charts.bytes.add(t, [s.bytesInPerSec, s.bytesOutPerSec]);
    charts.queue.add(t, [s.queuedBytes, s.droppedMessages]);
    charts.heap.add(t, [s.heapUsed]);
    charts.cpu.add(t, [typeof s.processCpu === 'number' && s.processCpu >= 0 ? s.processCpu * 100 : null]);
    const known = cores.filter((v) => typeof v === 'number');
    $('v-cores').textContent = known.length === 0 ? 'n/a'
      : (s.cpuSource === 'proc-stat' ? known.length + ' cores, mean ' : '')
        + percent(known.reduce((a, b) => a + b, 0) / known.length);
    $('v-connections').textContent = human(s.connections);
    $('v-messages').textContent = human(s.messagesInPerSec) + ' / ' + human(s.messagesOutPerSec);
    $('v-bytes').textContent = bytes(s.bytesInPerSec) + '/s / ' + bytes(s.bytesOutPerSec) + '/s';
    $('v-queue').textContent = bytes(s.queuedBytes) + ' / ' + human(s.droppedMessages);
    $('v-heap').textContent = bytes(s.heapUsed) + (s.heapMax > 0 ? ' of ' + bytes(s.heapMax) : '');
    $('v-cpu').textContent = s.processCpu >= 0 ? Math.round(s.processCpu * 100) + ' %' : 'n/a';
    document.body.dataset.lastSample = String(s.time);
  }

  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  $('echo-url').textContent = scheme + location.host + '/echo';
  let attempt = 0;

  // Reconnects after a server restart: 0.5 s doubling to 30 s, with jitter so that many pages spread out.
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
      const delay = Math.round(Math.min(30000, 500 * Math.pow(2, attempt++)) * (0.75 + Math.random() / 4));
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
