package dev.selkie.demo;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import java.nio.ByteBuffer;

/** Every message straight back, text as text and binary as binary: the echo endpoint of the demos. */
public class Echo implements WebSocketListener {
    @Override
    public void onText(WebSocket ws, String text) {
        ws.send(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        ws.send(data);
    }
}
