package dev.selkie.server;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that records what happened, optionally echoing. */
class Recorder implements WebSocketListener {
    record Closed(WebSocket ws, int code, String reason, boolean remote) {
    }

    final boolean echo;
    final List<WebSocket> opened = new CopyOnWriteArrayList<>();
    final List<String> texts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final List<ByteBuffer> binaries = new CopyOnWriteArrayList<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();
    final Map<WebSocket, AtomicInteger> closeCalls = new ConcurrentHashMap<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final List<WebSocket> drained = new CopyOnWriteArrayList<>();
    final List<ByteBuffer> pongs = new CopyOnWriteArrayList<>();

    Recorder(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void onOpen(WebSocket ws) {
        opened.add(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        texts.add(text);
        if (echo) {
            ws.send(text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        binaries.add(data);
        if (echo) {
            ws.send(data);
        }
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer payload) {
        pongs.add(payload);
    }

    @Override
    public void onDrain(WebSocket ws) {
        drained.add(ws);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean remote) {
        closed.add(new Closed(ws, code, reason, remote));
        closeCalls.computeIfAbsent(ws, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        errors.add(error);
    }

    Closed closeOf(WebSocket ws) {
        return closed.stream().filter(c -> c.ws() == ws).findFirst().orElse(null);
    }
}
