/**
 * Selkie's API: build a {@link dev.selkie.WebSocketServer} with {@link
 * dev.selkie.WebSocketServer#builder()}, give it a {@link dev.selkie.WebSocketListener} (or one per
 * path with {@code route}), and talk to connections through {@link dev.selkie.WebSocket}.
 *
 * <p>Conventions of every type here:
 * <ul>
 *   <li><b>Null:</b> no method returns null; a value that may be absent is an {@link
 *       java.util.Optional} (an empty collection or array where the type is one). No parameter takes
 *       null unless its documentation says what null means (for example {@code
 *       WebSocket.attribute(key, null)} removes the value); others throw {@link NullPointerException}.
 *   <li><b>Buffers:</b> a method that takes a {@link java.nio.ByteBuffer} reads its remaining bytes,
 *       copies or encodes them before it returns and leaves the buffer's position unchanged; a buffer
 *       handed to a listener belongs to the listener.
 *   <li><b>Threads:</b> {@code WebSocket} and {@code WebSocketServer} methods are thread-safe and
 *       never block (except {@code stop}, {@code close} and {@code awaitTermination}). Messages one
 *       thread sends to a connection arrive in the order sent, and a subscribe or unsubscribe takes
 *       effect before a publish the same thread makes after it (only a {@code send} and a {@code
 *       broadcast} or {@code publish} made off the loop thread may overtake each other). Listener,
 *       interceptor and handler calls run on the event loop unless an executor is configured.
 *   <li><b>Values:</b> {@link dev.selkie.HandshakeDecision}, {@link dev.selkie.HttpResponse},
 *       {@link dev.selkie.Endpoint}, {@link dev.selkie.PreparedMessage} and the metrics snapshot are
 *       immutable; their {@code with} methods return copies.
 * </ul>
 */
package dev.selkie;
