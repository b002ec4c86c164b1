package dev.selkie.demo;

import dev.selkie.Tls;
import dev.selkie.demo.tls.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The TLS options every server command takes (a picocli mixin). */
final class TlsOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve wss:// and https:// with this PEM certificate chain (the server's certificate first); "
                    + "needs --tls-key.")
    private Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key (unencrypted PKCS#8, -----BEGIN PRIVATE KEY-----) of --tls-cert.")
    private Path key;

    @Option(names = "--tls-self-signed",
            description = "Serve wss:// with a fresh self-signed certificate for localhost/127.0.0.1 (browsers warn; "
                    + "its SHA-256 fingerprint is printed).")
    private boolean selfSigned;

    /** What was printed about the certificate, if anything. */
    private String note;

    /** The TLS to serve, or null for plain; usage errors and unusable files are parameter errors (exit 2). */
    Tls tls(CommandSpec spec) {
        if (selfSigned && (certificate != null || key != null)) {
            throw new ParameterException(spec.commandLine(), "--tls-self-signed and --tls-cert/--tls-key exclude each other");
        }
        if ((certificate == null) != (key == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        try {
            if (selfSigned) {
                SelfSignedCertificate self = SelfSignedCertificate.generate();
                note = "TLS with a self-signed certificate for localhost, SHA-256 fingerprint " + self.fingerprint();
                return self.tls();
            }
            if (certificate != null) {
                return Tls.fromPem(certificate, key);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ParameterException(spec.commandLine(), "cannot use the TLS certificate: " + e.getMessage());
        }
        return null;
    }

    /** A line about the certificate to print at start (the self-signed one's fingerprint), or null. */
    String note() {
        return note;
    }
}
