package dev.selkie.server;

import dev.selkie.SendResult;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.Opcode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The send side of one connection: reservation against the send-queue limit and the slow-consumer
 * policy, the {@link Inbox} from other threads, the outbound queue with its write chunks, the answer
 * to the latest ping, and backpressure. {@link #queued} is the one count of what is queued, in the
 * memory terms of {@link OutboundQueue#cost()}; the loop's metrics get the same figures.
 *
 * <p>Any thread may send: a frame is encoded on the caller's thread, room is reserved with one
 * compare-and-set, and the frame reaches the loop directly or through the inbox. A small frame sent
 * on the loop thread is encoded straight into the write chunk. The rest is loop thread only.
 */
final class SendQueue implements Runnable {
    private static final VarHandle QUEUED;
    private static final VarHandle SLOW_CONSUMER;
    private static final VarHandle INBOX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUED = lookup.findVarHandle(SendQueue.class, "queued", long.class);
            SLOW_CONSUMER = lookup.findVarHandle(SendQueue.class, "slowConsumer", int.class);
            INBOX = lookup.findVarHandle(SendQueue.class, "inbox", Inbox.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Pings a peer may send while its socket takes none of our bytes (it does not read) before it is
     * closed with 1008: a peer that reads its pongs never comes near it.
     */
    static final int MAX_PINGS_WHILE_BLOCKED = 1024;

    /** Who writes the queue: its connection. */
    interface Writer {
        /** The queue has bytes to write: flush at the end of the turn. Loop thread. */
        void markDirty();
    }

    /** What the queue tells the WebSocket session once it is open. */
    interface Events {
        /** A send passed the limit under {@link SlowConsumerPolicy#CLOSE}: close with 1008. Any thread, once. */
        void slowConsumer(long queuedNow);

        /** The queue fell to the low-water mark after a send reported BACKPRESSURE. Loop thread. */
        void drained();
    }

    private final Writer writer;
    private Events events;
    private final EventLoop loop;
    private final ServerConfig config;
    /** How data messages become frames (through the negotiated extensions, if any). */
    private DataFrames frames;
    /** Whether data may be queued: the connection is open and no close was requested or queued. Any thread. */
    private volatile boolean accepting;
    /** Memory reserved by sends and not yet released by writes (inbox + outbound queue); any thread. */
    private volatile long queued;
    /** Frames sent from other threads on their way to the loop; made at the first. */
    private volatile Inbox inbox;
    @SuppressWarnings("unused") // through SLOW_CONSUMER
    private volatile int slowConsumer;
    /** A send reported BACKPRESSURE: tell the owner at the low-water mark. Any thread. */
    private volatile boolean drainWanted;
    /** Frames waiting to be written; null while none are (borrowed from the loop's spares). */
    private OutboundQueue out;
    /** The answer to the latest ping while the queue is at its limit; at most one is held. */
    private ByteBuffer pendingPong;
    /** Pings answered since the socket last took every queued byte, while it took no more. */
    private int pingsWhileBlocked;
    /** The close frame is queued (or everything was discarded): nothing may follow it. */
    private boolean lastQueued;

    SendQueue(Writer writer, EventLoop loop) {
        this.writer = writer;
        this.loop = loop;
        this.config = loop.config();
    }

    /** From now on data may be queued, encoded by these extensions (empty: none); loop thread. */
    void open(List<Extension> extensions, Events sessionEvents) {
        frames = new DataFrames(this, loop, extensions);
        events = sessionEvents;
        accepting = true;
    }

    /** Whether data may be queued now. Any thread. */
    boolean accepting() {
        return accepting;
    }

    /** No data is queued from now on (a close was requested); what was queued still goes out. Any thread. */
    void stopAccepting() {
        accepting = false;
    }

    /** What the queue holds (see {@link #queued}). Any thread. */
    long queued() {
        return queued;
    }

    // ------------------------------------------------------------------------------------------
    // Data: any thread

    /** A text message, through the extensions; see {@link DataFrames}. */
    SendResult text(String text) {
        return accepting ? frames.text(text) : SendResult.DROPPED;
    }

    /** A binary message (the buffer's remaining bytes, left unchanged), through the extensions. */
    SendResult binary(ByteBuffer data) {
        return accepting ? frames.binary(data) : SendResult.DROPPED;
    }

    /** A message for many recipients (broadcast, publish); {@code onLoop}: called on this connection's loop. */
    SendResult offer(SharedMessage message, boolean onLoop) {
        return accepting ? frames.shared(message, onLoop) : SendResult.DROPPED;
    }

    /** Loop thread: one small data frame written straight into the write chunk (text, or else {@code data}). */
    SendResult inChunk(int frameLength, String text, int textLength, int opcode, int rsv, ByteBuffer data) {
        SendResult reserved = reserveRoom(frameLength);
        if (reserved != SendResult.DROPPED) {
            ByteBuffer chunk = out.room(frameLength);
            int at = chunk.arrayOffset() + chunk.limit();
            if (text != null) {
                FrameEncoder.writeText(text, textLength, chunk.array(), at);
            } else {
                FrameEncoder.writeFrame(opcode, rsv, data, chunk.array(), at);
            }
            commit(frameLength);
            loop.metrics().messageOut();
        }
        return reserved;
    }

    SendResult ping(ByteBuffer payload) {
        return accepting ? offer(FrameEncoder.frame(Opcode.PING, true, payload)) : SendResult.DROPPED;
    }

    /**
     * Queues a complete data frame (or user ping) subject to the send-queue limit; any thread. The
     * buffer must not be changed afterwards (broadcasts pass a view per recipient).
     */
    SendResult offer(ByteBuffer frame) {
        SendResult reserved = reserve(OutboundQueue.costOf(frame));
        if (reserved == SendResult.DROPPED) {
            return reserved;
        }
        if (loop.inLoop()) {
            drainInbox();
            append(frame);
            writer.markDirty();
        } else {
            if (inbox().add(frame)) {
                loop.execute(this);
            }
        }
        return reserved;
    }

    /**
     * Loop thread: queues a data frame encoded once for many recipients (broadcast, publish). A small
     * one is copied into the outbound queue's chunk (the copy the socket write would make anyway, and
     * no view object or extra buffer per recipient); a large one is queued as a view.
     */
    SendResult offerShared(ByteBuffer frame) {
        int length = frame.remaining();
        if (length > ChunkPool.CHUNK_SIZE) {
            return offer(frame.duplicate());
        }
        SendResult reserved = reserveRoom(length);
        if (reserved != SendResult.DROPPED) {
            ByteBuffer chunk = out.room(length);
            frame.get(frame.position(), chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
            commit(length);
            loop.metrics().messageOut();
        }
        return reserved;
    }

    /**
     * Counts {@code cost} bytes of memory into {@link #queued} if the send-queue limit allows; any
     * thread. A cost of 0 (a frame that fits a write chunk already counted) always fits.
     *
     * @return DROPPED (nothing counted), BACKPRESSURE (counted, above the high-water mark) or OK
     */
    private SendResult reserve(long cost) {
        if (!accepting) {
            return SendResult.DROPPED;
        }
        long limit = config.sendQueueLimit();
        long before;
        if (cost == 0) {
            before = queued;
        } else {
            do {
                before = queued;
                if (before + cost > limit) {
                    return slowConsumer(before);
                }
            } while (!QUEUED.weakCompareAndSet(this, before, before + cost));
        }
        boolean backpressure = before + cost > config.highWaterMark();
        if (backpressure) {
            drainWanted = true; // before queueing, so the loop cannot drain past it unnoticed
        }
        return backpressure ? SendResult.BACKPRESSURE : SendResult.OK;
    }

    private SendResult slowConsumer(long queuedNow) {
        loop.metrics().dropped();
        if (config.slowConsumerPolicy() == SlowConsumerPolicy.CLOSE && SLOW_CONSUMER.compareAndSet(this, 0, 1)) {
            accepting = false; // from now on every send is DROPPED
            loop.metrics().slowConsumerCloses.increment();
            events.slowConsumer(queuedNow);
        }
        return SendResult.DROPPED;
    }

    // ------------------------------------------------------------------------------------------
    // Loop thread

    /**
     * Reserves, against the send-queue limit, what room for a small data frame in the outbound
     * queue's write chunk costs (after anything other threads sent before); if not DROPPED, the
     * caller takes {@code out.room(frameLength)}, writes the frame there and commits it.
     */
    private SendResult reserveRoom(int frameLength) {
        drainInbox();
        int cost = queue().roomCost(frameLength);
        SendResult reserved = reserve(cost);
        if (reserved != SendResult.DROPPED) {
            loop.metrics().queued(cost);
        }
        return reserved;
    }

    /**
     * Room for {@code length} bytes (at most a chunk) in the write chunk, counted but never refused:
     * write them at {@code arrayOffset() + limit()} and {@link #commit} them.
     */
    ByteBuffer forcedRoom(int length) {
        drainInbox();
        OutboundQueue queue = queue();
        int cost = queue.roomCost(length);
        QUEUED.getAndAdd(this, (long) cost);
        loop.metrics().queued(cost);
        return queue.room(length);
    }

    /** The bytes written into {@link #forcedRoom} are queued. */
    void commit(int length) {
        out.commit(length);
        writer.markDirty();
    }

    /** Copies a control frame (at most 127 bytes) into the write chunk, regardless of the limit. */
    void control(ByteBuffer frame) {
        int length = frame.remaining();
        ByteBuffer chunk = forcedRoom(length);
        frame.get(frame.position(), chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
        commit(length);
    }

    /**
     * Queues the answer to a ping: into the write chunk if it fits under the limit, else it is kept
     * as the one pending answer (the latest ping's, RFC 6455 section 5.5.3) until there is room.
     *
     * @return true if the peer has now sent {@link #MAX_PINGS_WHILE_BLOCKED} pings while its socket
     *     took none of our bytes: it floods and should be closed
     */
    boolean pong(ByteBuffer payload, boolean writeBlocked) {
        int length = 2 + payload.remaining();
        if (pendingPong != null || !controlFits(length)) {
            pendingPong = FrameEncoder.frame(Opcode.PONG, true, payload);
        } else { // encoded straight into the write chunk: no frame object per ping
            ByteBuffer chunk = forcedRoom(length);
            FrameEncoder.writeFrame(Opcode.PONG, payload, chunk.array(), chunk.arrayOffset() + chunk.limit());
            commit(length);
        }
        return writeBlocked && ++pingsWhileBlocked == MAX_PINGS_WHILE_BLOCKED;
    }

    /** Whether a control frame of this size may join the queue without passing the send-queue limit. */
    private boolean controlFits(int length) {
        int cost = out == null ? OutboundQueue.CHUNK_COST : out.roomCost(length);
        return queued + cost <= config.sendQueueLimit();
    }

    /**
     * Queues this side's last frame (a close frame): no data is queued after it, and what other
     * threads sent before and the pending answer to a ping go out before it.
     */
    void last(ByteBuffer closeFrame) {
        accepting = false;
        drainInbox();
        if (pendingPong != null) {
            control(pendingPong);
            pendingPong = null;
        }
        control(closeFrame);
        lastQueued = true;
    }

    /** Queues HTTP response bytes. */
    void raw(ByteBuffer bytes) {
        long cost = OutboundQueue.costOf(bytes);
        QUEUED.getAndAdd(this, cost);
        loop.metrics().queued(cost);
        queue().add(bytes);
        writer.markDirty();
    }

    private OutboundQueue queue() {
        OutboundQueue queue = out;
        if (queue == null) {
            queue = loop.pools().takeQueue();
            out = queue;
        }
        return queue;
    }

    /** Appends a frame already counted in {@link #queued} (its {@link OutboundQueue#costOf}). */
    private void append(ByteBuffer frame) {
        loop.metrics().queued(OutboundQueue.costOf(frame));
        if ((frame.get(frame.position()) & 0x08) == 0) {
            loop.metrics().messageOut(); // a data frame: one message (its fragments travel in one buffer)
        }
        queue().add(frame);
    }

    /** Entries of the outbound queue that cost this much were written or dropped. */
    private void release(long cost) {
        if (cost != 0) {
            loop.metrics().queued(-cost);
            QUEUED.getAndAdd(this, -cost);
        }
    }

    /**
     * Writes what is queued (after what other threads sent) as far as the transport takes it, then
     * queues a pending pong that fits now, gives an empty queue back to the loop and tells the owner
     * when the queue has drained to the low-water mark.
     *
     * @return true if nothing is left to write
     * @throws IOException if the transport failed
     */
    boolean flush(Transport transport) throws IOException {
        drainInbox();
        OutboundQueue queue = out;
        if (queue != null && !queue.isEmpty()) {
            transport.write(queue);
            release(queue.takeReleased());
        }
        if (pendingPong != null && !lastQueued && controlFits(pendingPong.remaining())) {
            control(pendingPong); // written with the next flush, this turn
            pendingPong = null;
        }
        boolean empty = out == null || out.isEmpty();
        if (empty && out != null) {
            loop.pools().recycle(out); // an idle connection holds no queue
            out = null;
            pingsWhileBlocked = 0;
        }
        long low = config.lowWaterMark();
        if (drainWanted && queued <= low && accepting) {
            // clear, then look again: a sender that reserved meanwhile (and got BACKPRESSURE) sets
            // the flag after its reservation, so either we see its bytes here or its flag survives
            drainWanted = false;
            if (queued <= low) {
                events.drained();
            } else {
                drainWanted = true;
            }
        }
        return empty;
    }

    /** Drops everything queued and not written (the connection is closing its socket). */
    void discard() {
        accepting = false;
        lastQueued = true;
        if (out != null) {
            out.clear();
            release(out.takeReleased());
            loop.pools().recycle(out);
            out = null;
        }
        pendingPong = null;
        drainInbox(); // dropped, as lastQueued says
    }

    /** Whether an outbound queue is held (only while bytes wait to be written). */
    boolean holdsQueue() {
        return out != null;
    }

    // ------------------------------------------------------------------------------------------
    // The inbox

    private Inbox inbox() {
        Inbox current = inbox;
        if (current == null) {
            Inbox created = new Inbox();
            current = (Inbox) INBOX.compareAndExchange(this, null, created);
            if (current == null) {
                current = created;
            }
        }
        return current;
    }

    /** Loop task: moves what other threads queued into the outbound queue. */
    @Override
    public void run() {
        inbox.draining();
        drainInbox();
        writer.markDirty();
    }

    /** Moves the inbox into the outbound queue, or drops it if the close frame went before. */
    private void drainInbox() {
        Inbox current = inbox;
        if (current == null) {
            return;
        }
        ByteBuffer frame;
        while ((frame = current.poll()) != null) {
            if (lastQueued) {
                QUEUED.getAndAdd(this, -OutboundQueue.costOf(frame)); // raced with the close: dropped
            } else {
                append(frame);
            }
        }
    }
}
