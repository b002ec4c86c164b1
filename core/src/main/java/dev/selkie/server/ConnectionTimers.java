package dev.selkie.server;

import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.Opcode;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The timers of one open WebSocket, at most one per {@link TimerKind}, in one place, with what each
 * means: the idle timeout, keep-alive pings and their pong deadline, the closing handshake's bound.
 * A session makes this only when it first needs a timer (an idle connection of a server without
 * idle timeout or keep-alive has none). Loop thread only; times are the loop's {@link Clock}
 * nanoseconds.
 *
 * <p>While this side does not read ({@link ReadPauses}: the application paused, the executor is
 * behind), neither silence nor a missing pong counts against the peer: its data and its pong may be
 * waiting unread in the socket. Both are counted again from the moment reading resumed.
 */
final class ConnectionTimers implements Timer.Owner {
    /** What the timers make the connection do. */
    interface Actions {
        /** Whether the WebSocket is open and this side has not sent its close frame. */
        boolean active();

        /** Nothing arrived for the idle timeout: close with 1001. */
        void idle();

        /** Queue a keep-alive ping frame. */
        void keepAlive(ByteBuffer pingFrame);

        /** No pong came for the last keep-alive ping: drop the connection. */
        void noPong();

        /** The peer did not answer our close frame in time: drop the connection. */
        void closeTimedOut();

        /** A timer's action failed unexpectedly. */
        void failed(RuntimeException error);
    }

    private final EventLoop loop;
    private final ServerConfig config;
    private final Actions actions;
    private final ReadPauses pauses;
    private final Timer[] timers = new Timer[TimerKind.CLOSE.ordinal() + 1];
    private long lastRead;
    private boolean awaitingPong;

    ConnectionTimers(EventLoop loop, Actions actions, ReadPauses pauses) {
        this.loop = loop;
        this.config = loop.config();
        this.actions = actions;
        this.pauses = pauses;
        this.lastRead = loop.clockNow();
    }

    /** The WebSocket opened: idle timeout and keep-alive start, as configured. */
    void opened() {
        long now = loop.clockNow();
        if (!config.idleTimeout().isZero()) {
            schedule(TimerKind.IDLE, now + config.idleTimeout().toNanos());
        }
        if (!config.pingInterval().isZero()) {
            schedule(TimerKind.PING, now + config.pingInterval().toNanos());
        }
    }

    /** Bytes arrived (the loop's time of this turn). */
    void read(long now) {
        lastRead = now;
    }

    /** A pong arrived: if it answers our keep-alive ping, its round trip goes into the metrics. */
    void pong(ByteBuffer payload) {
        if (!awaitingPong) {
            return;
        }
        awaitingPong = false;
        cancel(TimerKind.PONG);
        if (payload.remaining() == Long.BYTES) {
            long roundTrip = loop.clockNow() - payload.getLong(payload.position());
            if (roundTrip >= 0 && roundTrip < TimeUnit.MINUTES.toNanos(10)) {
                loop.metrics().pingRoundTrip(roundTrip);
            }
        }
    }

    /** This side sent its close frame: the peer's must come within the close timeout. */
    void closing() {
        schedule(TimerKind.CLOSE, loop.clockNow() + config.closeTimeout().toNanos());
    }

    /** The closing handshake is over (or failed): no close deadline any more. */
    void closed() {
        cancel(TimerKind.CLOSE);
    }

    /** The WebSocket ended for the application: no idle checks or keep-alive any more. */
    void ended() {
        cancel(TimerKind.IDLE);
        cancel(TimerKind.PING);
        cancel(TimerKind.PONG);
        awaitingPong = false;
    }

    /** Cancels every timer of the connection (its socket closed). */
    void cancelAll() {
        for (int i = 0; i < timers.length; i++) {
            if (timers[i] != null) {
                timers[i].cancel();
                timers[i] = null;
            }
        }
    }

    @Override
    public void timerExpired(int kind) {
        TimerKind timer = TimerKind.of(kind);
        timers[kind] = null;
        long now = loop.clockNow();
        switch (timer) {
            case IDLE -> {
                if (actions.active()) {
                    if (pauses.any()) {
                        lastRead = now; // not reading is our doing, not the peer's silence
                    }
                    long since = pauses.resumedAt() - lastRead > 0 ? pauses.resumedAt() : lastRead;
                    long idleAt = since + config.idleTimeout().toNanos();
                    if (now - idleAt >= 0) {
                        actions.idle();
                    } else {
                        schedule(TimerKind.IDLE, idleAt);
                    }
                }
            }
            case PING -> {
                if (actions.active()) {
                    if (!awaitingPong) {
                        actions.keepAlive(FrameEncoder.frame(Opcode.PING, true,
                                ByteBuffer.allocate(Long.BYTES).putLong(0, now)));
                        awaitingPong = true;
                        schedule(TimerKind.PONG, now + pongTimeout());
                    }
                    schedule(TimerKind.PING, now + config.pingInterval().toNanos());
                }
            }
            case PONG -> {
                if (awaitingPong) {
                    long pongBy = pauses.resumedAt() + pongTimeout();
                    if (pauses.any()) {
                        schedule(TimerKind.PONG, now + pongTimeout()); // the pong may wait unread
                    } else if (pongBy - now > 0) {
                        schedule(TimerKind.PONG, pongBy); // reading resumed lately: a full timeout from then
                    } else {
                        actions.noPong();
                    }
                }
            }
            case CLOSE -> actions.closeTimedOut();
        }
    }

    @Override
    public void timerFailed(RuntimeException error) {
        actions.failed(error);
    }

    /** How long a keep-alive ping's pong may take: the pong timeout, else the ping interval. */
    private long pongTimeout() {
        long deadline = config.pongTimeout().toNanos();
        return deadline > 0 ? deadline : config.pingInterval().toNanos();
    }

    private void schedule(TimerKind kind, long deadline) {
        cancel(kind);
        timers[kind.ordinal()] = loop.deadlines().schedule(this, kind.ordinal(), deadline);
    }

    private void cancel(TimerKind kind) {
        Timer timer = timers[kind.ordinal()];
        if (timer != null) {
            timer.cancel();
            timers[kind.ordinal()] = null;
        }
    }
}
