package dev.selkie.server;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call of one connection's {@link WebSocketListener}, in one place: on the event loop, or in
 * order through a {@link SerialDispatcher} when the server has an executor; a listener exception
 * goes to {@code onError}, {@code onClose} happens exactly once, and a fatal error (out of memory)
 * is not swallowed. With an executor, the messages waiting for it are counted and the connection
 * stops and resumes reading for them ({@link ReadPauses#DISPATCH}).
 */
final class ListenerCalls implements SerialDispatcher.Owner {
    private static final Logger log = LoggerFactory.getLogger(ListenerCalls.class);
    private static final RateLimitedLog listenerFailed = new RateLimitedLog(log);
    private static final RateLimitedLog onErrorFailed = new RateLimitedLog(log);

    /** What the calls tell their connection. */
    interface Owner {
        /** The executor rejected the calls; close the connection. Loop thread. */
        void dispatchRejected(RejectedExecutionException e);
    }

    @FunctionalInterface
    private interface Call {
        void on(WebSocketListener listener);
    }

    private final WebSocketListener listener;
    private final WebSocket ws;
    private final EventLoop loop;
    private final Owner owner;
    private final ReadPauses pauses;
    private final long highWaterMark;
    private final long lowWaterMark;
    /** Null: calls run on the loop. */
    private final SerialDispatcher dispatcher;
    private boolean closeReported;
    private boolean paused;

    ListenerCalls(WebSocketListener listener, WebSocket ws, EventLoop loop, Owner owner, ReadPauses pauses) {
        this.listener = listener;
        this.ws = ws;
        this.loop = loop;
        this.owner = owner;
        this.pauses = pauses;
        ServerConfig config = loop.config();
        this.highWaterMark = config.highWaterMark();
        this.lowWaterMark = config.lowWaterMark();
        Executor executor = config.executor();
        this.dispatcher = executor == null ? null : new SerialDispatcher(executor, this, lowWaterMark);
    }

    void open() {
        fire(l -> l.onOpen(ws));
    }

    void text(String text) {
        if (dispatcher == null) {
            try { // direct: no lambda per message on the loop
                listener.onText(ws, text);
            } catch (Throwable e) {
                failed(e);
            }
        } else {
            dispatcher.submit(() -> invoke(l -> l.onText(ws, text)), 2L * text.length());
            dispatched();
        }
    }

    void binary(ByteBuffer data) {
        if (dispatcher == null) {
            try {
                listener.onBinary(ws, data);
            } catch (Throwable e) {
                failed(e);
            }
        } else {
            dispatcher.submit(() -> invoke(l -> l.onBinary(ws, data)), data.remaining());
            dispatched();
        }
    }

    void ping(ByteBuffer payload) {
        fire(l -> l.onPing(ws, payload));
    }

    void pong(ByteBuffer payload) {
        fire(l -> l.onPong(ws, payload));
    }

    void drain() {
        fire(l -> l.onDrain(ws));
    }

    /** An error of the connection (not of the listener): {@code onError} where the listener runs. */
    void error(Throwable error) {
        if (dispatcher == null) {
            onError(error);
        } else {
            dispatcher.submit(() -> onError(error));
        }
    }

    /** {@code onClose}, the first time only. */
    void close(int code, String reason, boolean remote) {
        if (closeReported) {
            return;
        }
        closeReported = true;
        String why = reason == null ? "" : reason;
        fire(l -> l.onClose(ws, code, why, remote));
    }

    /** Whether {@code onClose} was called (or is queued for the executor). */
    boolean closeReported() {
        return closeReported;
    }

    /** Bytes held by calls waiting for the executor (0 without one); any thread. */
    long pendingBytes() {
        return dispatcher == null ? 0 : dispatcher.pendingBytes();
    }

    private void fire(Call call) {
        if (dispatcher == null) {
            invoke(call);
        } else {
            dispatcher.submit(() -> invoke(call));
        }
    }

    private void invoke(Call call) {
        try {
            call.on(listener);
        } catch (Throwable e) {
            failed(e);
        }
    }

    /**
     * A listener call threw. An exception (or a non-fatal error such as a stack overflow) is this
     * connection's business: logged and given to {@code onError}. A fatal error (out of memory) is
     * rethrown: on the loop it ends the loop, which stops the server; on an executor thread the
     * server is told first.
     */
    private void failed(Throwable error) {
        if (Fatal.isFatal(error)) {
            if (!loop.inLoop()) {
                loop.engine().failed(Thread.currentThread().getName(), error);
            }
            throw (Error) error;
        }
        loop.metrics().listenerErrors.increment();
        listenerFailed.warn("listener failed on {}", ws, error);
        onError(error);
    }

    /** Runs where the listener runs (loop or dispatcher). */
    private void onError(Throwable error) {
        try {
            listener.onError(ws, error);
        } catch (Throwable e) {
            if (Fatal.isFatal(e)) {
                failed(e);
            }
            loop.metrics().listenerErrors.increment();
            onErrorFailed.warn("listener's onError failed on {}", ws, e);
        }
    }

    /**
     * Executor mode, after a message was handed to the dispatcher: while the listener's queued calls
     * hold more than the high-water mark, the connection is not read (TCP pushes back on the peer);
     * reading resumes once they are down to the low-water mark.
     */
    private void dispatched() {
        if (!paused && dispatcher.pendingBytes() > highWaterMark) {
            paused = true;
            pauses.set(ReadPauses.DISPATCH, true);
        }
    }

    /** The connection stopped reading data for good (it closes): no more pausing for the executor. */
    void stopPausing() {
        paused = false;
    }

    @Override
    public void dispatchBelow(long mark) {
        loop.execute(this::resumeIfLow);
    }

    private void resumeIfLow() {
        if (paused && dispatcher.pendingBytes() <= lowWaterMark) {
            paused = false;
            pauses.set(ReadPauses.DISPATCH, false);
        }
    }

    @Override
    public void dispatchRejected(RejectedExecutionException e) {
        loop.execute(() -> owner.dispatchRejected(e));
    }
}
