/**
 * Selkie's server metrics as Micrometer meters: bind {@link dev.selkie.micrometer.SelkieMetrics} to a
 * {@code MeterRegistry}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.selkie.micrometer {
    requires transitive dev.selkie;
    // an automatic module (micrometer-core declares Automatic-Module-Name: micrometer.core)
    requires transitive micrometer.core;

    exports dev.selkie.micrometer;
}
