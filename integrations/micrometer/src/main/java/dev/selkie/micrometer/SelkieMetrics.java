package dev.selkie.micrometer;

import dev.selkie.LatencyHistogram;
import dev.selkie.RejectionReason;
import dev.selkie.ServerMetrics;
import dev.selkie.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for a Selkie server's {@link ServerMetrics}:
 *
 * <pre>{@code
 * new SelkieMetrics(server, Tags.of("endpoint", "chat")).bindTo(registry);
 * }</pre>
 *
 * <p>The meters, with the tags given here on every one:
 * <ul>
 * <li>{@code selkie.connections.open} (gauge): WebSocket connections open now
 * <li>{@code selkie.handshakes.accepted} (counter): upgrades answered with 101
 * <li>{@code selkie.handshakes.rejected} (counter, tag {@code reason}): refused upgrades and
 *     connections dropped before they opened, one meter per {@link RejectionReason}, the tag being
 *     its name in lower case ({@code bad_request}, {@code not_found}, {@code over_capacity},
 *     {@code handshake_timeout}, ...)
 * <li>{@code selkie.messages.received}, {@code selkie.messages.sent} (counters): complete messages
 *     received; messages queued for sending (a broadcast counts once per recipient)
 * <li>{@code selkie.data.received}, {@code selkie.data.sent} (counters, bytes): bytes read from and
 *     written to sockets
 * <li>{@code selkie.send.queued} (gauge, bytes): memory held by frames queued and not yet written
 * <li>{@code selkie.messages.dropped} (counter): messages not queued because of a slow consumer
 * <li>{@code selkie.closes} (counter, tag {@code code}): closed connections by close code: one meter
 *     for each of the RFC 6455 codes 1000 to 1015 and for each code given to
 *     {@link Builder#closeCodes}; every other code is counted under {@code code="other"}, so a client
 *     cannot make new time series by choosing close codes
 * <li>{@code selkie.ping.rtt} (function timer): keep-alive ping round trips, count and total time;
 *     {@code selkie.ping.rtt.max} (gauge, seconds); {@code selkie.ping.rtt.percentile} (gauges,
 *     seconds, tag {@code quantile}: 0.5, 0.9, 0.99, 0.999), from the server's log-scale histogram
 *     (an upper estimate within about 20%, see {@link LatencyHistogram#percentileMicros})
 * <li>{@code selkie.control.floods}, {@code selkie.slow.consumer.closes},
 *     {@code selkie.executor.rejections} (counters): connections closed for a ping flood, a full
 *     send queue, a listener executor that refused work
 * <li>{@code selkie.listener.errors}, {@code selkie.fatal.errors} (counters): exceptions thrown by the
 *     listener; fatal errors the server stopped for
 * <li>{@code selkie.compression.received.compressed}, {@code selkie.compression.received.inflated},
 *     {@code selkie.compression.sent.uncompressed}, {@code selkie.compression.sent.compressed}
 *     (counters, bytes): permessage-deflate payloads before and after
 * </ul>
 *
 * <p>Only bytes and seconds are declared as base units (Prometheus appends them to the name). Prometheus
 * renders the meters with underscores, units and {@code _total}, e.g. {@code selkie_connections_open},
 * {@code selkie_data_received_bytes_total}, {@code selkie_handshakes_rejected_total{reason="not_found"}},
 * {@code selkie_ping_rtt_seconds_count}.
 *
 * <p>Every meter reads one shared snapshot ({@link WebSocketServer#metrics()}), taken again only
 * when it is older than {@link Builder#snapshotMaxAge} (1 second by default), so one scrape takes
 * one snapshot, not one per meter. The registry holds this binder (and so the server) strongly;
 * remove its meters from the registry to let them go. Thread-safe.
 */
public final class SelkieMetrics implements MeterBinder {
    /** The RFC 6455 close codes, each counted under its own {@code code} tag. */
    private static final int FIRST_STANDARD_CODE = 1000;
    private static final int LAST_STANDARD_CODE = 1015;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private final Supplier<ServerMetrics> source;
    private final Tags tags;
    private final long maxAgeNanos;
    private final int[] closeCodes;
    private volatile Snapshot cached;

    private record Snapshot(ServerMetrics metrics, long takenAt) {
    }

    /** The meters of {@code server}, without extra tags. */
    public SelkieMetrics(WebSocketServer server) {
        this(builder(server));
    }

    /** The meters of {@code server}, each with {@code tags}. */
    public SelkieMetrics(WebSocketServer server, Iterable<Tag> tags) {
        this(builder(server).tags(tags));
    }

    private SelkieMetrics(Builder builder) {
        this.source = builder.source;
        this.tags = builder.tags;
        this.maxAgeNanos = builder.maxAge.toNanos();
        TreeSet<Integer> codes = new TreeSet<>(builder.extraCloseCodes);
        for (int code = FIRST_STANDARD_CODE; code <= LAST_STANDARD_CODE; code++) {
            codes.add(code);
        }
        this.closeCodes = codes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Options beyond the server and the tags, for {@code server}. */
    public static Builder builder(WebSocketServer server) {
        Objects.requireNonNull(server, "server");
        return new Builder(server::metrics);
    }

    /**
     * Options for meters over snapshots from {@code snapshots} (usually {@code server::metrics}; or
     * a sum over several servers).
     */
    public static Builder builder(Supplier<ServerMetrics> snapshots) {
        return new Builder(Objects.requireNonNull(snapshots, "snapshots"));
    }

    /** Options of a {@link SelkieMetrics}. */
    public static final class Builder {
        private final Supplier<ServerMetrics> source;
        private Tags tags = Tags.empty();
        private Duration maxAge = Duration.ofSeconds(1);
        private final TreeSet<Integer> extraCloseCodes = new TreeSet<>();

        private Builder(Supplier<ServerMetrics> source) {
            this.source = source;
        }

        /** Tags added to every meter (e.g. {@code Tags.of("endpoint", "chat")}). */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /** Tags added to every meter, as key, value, key, value... */
        public Builder tags(String... keyValues) {
            return tags(Tags.of(keyValues));
        }

        /**
         * Application close codes (3000-4999) that get a {@code selkie.closes} meter of their own,
         * beside the standard 1000-1015; every other code is counted under {@code code="other"}.
         *
         * @throws IllegalArgumentException for a code outside 1000-4999
         */
        public Builder closeCodes(int... codes) {
            for (int code : codes) {
                if (code < 1000 || code > 4999) {
                    throw new IllegalArgumentException("not a close code: " + code);
                }
                extraCloseCodes.add(code);
            }
            return this;
        }

        /**
         * How old the shared snapshot may get before a meter's read takes a new one (default 1
         * second; zero: every read takes one).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder snapshotMaxAge(Duration maxAge) {
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("negative: " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /** The binder; bind it with {@link SelkieMetrics#bindTo}. */
        public SelkieMetrics build() {
            return new SelkieMetrics(this);
        }
    }

    /** The shared snapshot, taken again if older than the maximum age. */
    private ServerMetrics snapshot() {
        Snapshot s = cached;
        long now = System.nanoTime();
        if (s == null || now - s.takenAt() >= maxAgeNanos) {
            s = new Snapshot(source.get(), now);
            cached = s;
        }
        return s.metrics();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // strongly held: the registry keeps this binder (which the function meters hold weakly) alive
        Gauge.builder("selkie.connections.open", this, m -> m.snapshot().openConnections())
                .tags(tags).description("WebSocket connections open now")
                .strongReference(true).register(registry);
        Gauge.builder("selkie.send.queued", this, m -> m.snapshot().queuedBytes())
                .tags(tags).description("Memory held by frames queued and not yet written")
                .baseUnit(BaseUnits.BYTES).register(registry);

        counter(registry, "selkie.handshakes.accepted", "Upgrades answered with 101", null,
                ServerMetrics::acceptedHandshakes);
        for (RejectionReason reason : RejectionReason.values()) {
            counter(registry, "selkie.handshakes.rejected", "Upgrades refused, connections dropped before they opened",
                    null, m -> m.rejectedHandshakes(reason), "reason", reason.name().toLowerCase(Locale.ROOT));
        }
        counter(registry, "selkie.messages.received", "Complete messages received", null,
                ServerMetrics::messagesIn);
        counter(registry, "selkie.messages.sent", "Messages queued for sending, once per recipient", null,
                ServerMetrics::messagesOut);
        counter(registry, "selkie.messages.dropped", "Messages not queued because of a slow consumer", null,
                ServerMetrics::droppedMessages);
        counter(registry, "selkie.data.received", "Bytes read from sockets", BaseUnits.BYTES, ServerMetrics::bytesIn);
        counter(registry, "selkie.data.sent", "Bytes written to sockets", BaseUnits.BYTES, ServerMetrics::bytesOut);

        for (int code : closeCodes) {
            counter(registry, "selkie.closes", "Closed WebSocket connections by close code", null,
                    m -> m.closesByCode(code), "code", Integer.toString(code));
        }
        counter(registry, "selkie.closes", "Closed WebSocket connections by close code", null,
                this::otherCloses, "code", "other");

        FunctionTimer.builder("selkie.ping.rtt", this, m -> m.snapshot().pingRoundTrip().count(),
                        m -> m.snapshot().pingRoundTrip().sumMicros(), TimeUnit.MICROSECONDS)
                .tags(tags).description("Round trips of keep-alive pings").register(registry);
        Gauge.builder("selkie.ping.rtt.max", this, m -> m.snapshot().pingRoundTrip().maxMicros() / MICROS_PER_SECOND)
                .tags(tags).description("Longest keep-alive ping round trip since the start")
                .baseUnit("seconds").register(registry);
        for (double q : QUANTILES) {
            Gauge.builder("selkie.ping.rtt.percentile", this,
                            m -> m.snapshot().pingRoundTrip().percentileMicros(q * 100) / MICROS_PER_SECOND)
                    .tags(tags).tag("quantile", Double.toString(q))
                    .description("Keep-alive ping round trip at a quantile since the start (upper estimate)")
                    .baseUnit("seconds").register(registry);
        }

        counter(registry, "selkie.control.floods", "Connections closed for pinging faster than reading the pongs",
                null, ServerMetrics::controlFloods);
        counter(registry, "selkie.slow.consumer.closes", "Connections closed because their send queue was full",
                null, ServerMetrics::slowConsumerCloses);
        counter(registry, "selkie.executor.rejections", "Connections closed because the listener executor refused work",
                null, ServerMetrics::executorRejections);
        counter(registry, "selkie.listener.errors", "Exceptions thrown by the listener", null,
                ServerMetrics::listenerErrors);
        counter(registry, "selkie.fatal.errors", "Fatal errors the server stopped for", null,
                ServerMetrics::fatalErrors);

        counter(registry, "selkie.compression.received.compressed", "Payload bytes of compressed messages received",
                BaseUnits.BYTES, ServerMetrics::receivedCompressedBytes);
        counter(registry, "selkie.compression.received.inflated", "What the compressed messages received inflated to",
                BaseUnits.BYTES, ServerMetrics::receivedInflatedBytes);
        counter(registry, "selkie.compression.sent.uncompressed", "Payload bytes of messages sent compressed, before",
                BaseUnits.BYTES, ServerMetrics::sentUncompressedBytes);
        counter(registry, "selkie.compression.sent.compressed", "What the messages sent compressed were compressed to",
                BaseUnits.BYTES, ServerMetrics::sentCompressedBytes);
    }

    private void counter(MeterRegistry registry, String name, String description, String baseUnit,
                         ToDoubleFunction<ServerMetrics> value, String... tagKeyValues) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.snapshot()))
                .tags(tags).tags(tagKeyValues).description(description).baseUnit(baseUnit).register(registry);
    }

    /** Closes with a code that has no meter of its own. */
    private double otherCloses(ServerMetrics metrics) {
        long other = 0;
        for (Map.Entry<Integer, Long> e : metrics.closesByCode().entrySet()) {
            if (Arrays.binarySearch(closeCodes, e.getKey()) < 0) {
                other += e.getValue();
            }
        }
        return other;
    }
}
