package dev.selkie.server;

import dev.selkie.protocol.HandshakeScratch;
import dev.selkie.protocol.HeaderFields;
import dev.selkie.protocol.HeaderMap;
import dev.selkie.protocol.HttpResponses;
import java.nio.ByteBuffer;

/** The 101 of an accepted upgrade, queued straight into the write chunk (no array of its own) if it fits one. */
final class SwitchingProtocols {
    private SwitchingProtocols() {
    }

    static void queue(SendQueue send, HandshakeScratch scratch, HeaderMap requestFields, String subprotocol,
                      String extensions, HeaderFields extraHeaders) {
        int length = HttpResponses.switchingProtocolsLength(subprotocol, extensions, extraHeaders);
        if (length <= ChunkPool.CHUNK_SIZE) {
            ByteBuffer chunk = send.forcedRoom(length);
            HttpResponses.writeSwitchingProtocols(scratch, requestFields, subprotocol, extensions, extraHeaders,
                    chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
            send.commit(length);
        } else {
            byte[] response = new byte[length];
            HttpResponses.writeSwitchingProtocols(scratch, requestFields, subprotocol, extensions, extraHeaders,
                    response, 0, length);
            send.raw(ByteBuffer.wrap(response));
        }
    }
}
