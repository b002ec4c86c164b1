package dev.selkie.server;

import dev.selkie.SendResult;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How one connection's data messages become frames for its {@link SendQueue}: plain, or through the
 * extensions negotiated in its handshake (their RSV bits on the first frame), fragmented as the
 * server is configured, and on the loop thread written straight into the write chunk when small.
 * A message for many recipients ({@link SharedMessage}) takes the encoding it shares with the
 * others when there is one. Any thread.
 */
final class DataFrames {
    private final SendQueue queue;
    private final EventLoop loop;
    private final ServerConfig config;
    /** Extensions that may encode outgoing data messages (null: none negotiated). */
    private final List<Extension> encoders;

    DataFrames(SendQueue queue, EventLoop loop, List<Extension> extensions) {
        this.queue = queue;
        this.loop = loop;
        this.config = loop.config();
        this.encoders = extensions.isEmpty() ? null : extensions;
    }

    SendResult text(String text) {
        if (encoders != null) {
            return encoded(Opcode.TEXT, utf8(text));
        }
        if (text.length() <= ChunkPool.CHUNK_SIZE && loop.inLoop()) { // UTF-8 needs at least a byte per char
            int length = FrameEncoder.textLength(text);
            if (fitsAChunk(length)) {
                return queue.inChunk(FrameEncoder.headerSize(length) + length, text, length, Opcode.TEXT, 0, null);
            }
        }
        return queue.offer(FrameEncoder.text(text, config.outgoingFragmentSize()));
    }

    SendResult binary(ByteBuffer data) {
        if (encoders != null) {
            return encoded(Opcode.BINARY, data);
        }
        int length = data.remaining();
        if (fitsAChunk(length) && loop.inLoop()) {
            return queue.inChunk(FrameEncoder.headerSize(length) + length, null, 0, Opcode.BINARY, 0, data);
        }
        return queue.offer(FrameEncoder.message(Opcode.BINARY, data, config.outgoingFragmentSize()));
    }

    /**
     * A message for many recipients (broadcast, publish), queued as this connection takes it: the
     * plain frames shared by all without extensions, the encoding shared by all whose extension's
     * result depends on the message alone, or encoded here. Loop thread ({@code onLoop}) or any.
     */
    SendResult shared(SharedMessage message, boolean onLoop) {
        ByteBuffer frames;
        if (encoders == null) {
            frames = message.plain();
        } else if (encoders.size() == 1 && encoders.get(0).shareKey() != null) {
            frames = message.encodedFor(encoders.get(0));
            if (frames != message.plain()) {
                loop.metrics().encoded(message.payloadLength(), message.encodedPayloadLength());
            }
        } else {
            return encoded(message.opcode(), message.payload());
        }
        return onLoop ? queue.offerShared(frames) : queue.offer(frames.duplicate());
    }

    /** Whether a message of this payload size is sent as one frame that fits a write chunk. */
    private boolean fitsAChunk(int payloadLength) {
        int fragmentSize = config.outgoingFragmentSize();
        return (fragmentSize <= 0 || payloadLength <= fragmentSize)
                && FrameEncoder.headerSize(payloadLength) + payloadLength <= ChunkPool.CHUNK_SIZE;
    }

    /**
     * A text's UTF-8 bytes for the extensions to encode: on the loop thread, in the loop's text
     * scratch when they fit (the extensions do not keep their input), else an array of their own.
     */
    private ByteBuffer utf8(String text) {
        if (text.length() <= LoopPools.TEXT_SCRATCH_SIZE && loop.inLoop()) {
            int length = FrameEncoder.textLength(text);
            if (length <= LoopPools.TEXT_SCRATCH_SIZE - 10) {
                byte[] scratch = loop.pools().textScratch();
                int header = FrameEncoder.headerSize(length);
                FrameEncoder.writeText(text, length, scratch, 0); // a frame: its payload is the UTF-8
                return ByteBuffer.wrap(scratch, header, length);
            }
        }
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A data message through the negotiated extensions: encoded by those that take it, with their
     * RSV bits, and queued under one lock, so that an extension with a context of its own (deflate
     * with context takeover) sees the messages in the order they go out, whichever threads send.
     */
    private SendResult encoded(int opcode, ByteBuffer payload) {
        synchronized (encoders) {
            ByteBuffer bytes = payload;
            int rsv = 0;
            for (int i = 0; i < encoders.size(); i++) {
                Extension extension = encoders.get(i);
                ByteBuffer changed = extension.encode(opcode, bytes);
                if (changed != null) {
                    loop.metrics().encoded(bytes.remaining(), changed.remaining());
                    bytes = changed;
                    rsv |= extension.rsvBits();
                }
            }
            int length = bytes.remaining();
            if (fitsAChunk(length) && loop.inLoop()) {
                return queue.inChunk(FrameEncoder.headerSize(length) + length, null, 0, opcode, rsv, bytes);
            }
            return queue.offer(FrameEncoder.message(opcode, bytes, config.outgoingFragmentSize(), rsv));
        }
    }
}
