/** A user of Selkie's public module. */
module dev.selkie.samples.hello {
    requires dev.selkie;
    requires java.net.http;
}
