package dev.selkie;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * How a listener speaks TLS ({@code wss://}): an {@link SSLContext} of any JSSE provider (the JDK's,
 * or e.g. Conscrypt or BouncyCastle JSSE plugged in by the application), the protocol versions and
 * the cipher suites. Immutable; {@link WebSocketServer#replaceTls} swaps it while the server runs.
 *
 * <p>Defaults: TLS 1.3 and 1.2, and the provider's default cipher suites for them (the JDK's exclude
 * the weak ones), with AES-128-GCM ahead of AES-256-GCM (as Netty, Go and BoringSSL order them:
 * fewer AES rounds per record) and the server's order deciding. Suites given to {@link
 * #cipherSuites} are used in the order given. {@link #fromPem} and {@link #fromPkcs12} build the context from files, checking
 * that the key belongs to the certificate and that the certificate is valid now; {@link
 * WebSocketServer#start()} also makes one TLS handshake with the context in memory and fails with a
 * clear message if it cannot serve (e.g. an expired certificate or a key of another certificate).
 */
public final class Tls {
    private static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;

    private Tls(SSLContext context, List<String> protocols, List<String> cipherSuites) {
        this.context = context;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
    }

    /** TLS with this context, as it is configured (key managers and all). */
    public static Tls of(SSLContext context) {
        return new Tls(Objects.requireNonNull(context, "context"), DEFAULT_PROTOCOLS, List.of());
    }

    /**
     * TLS with a certificate chain and its private key in PEM files, as certbot and most CAs
     * deliver them: the chain with the server's certificate first ({@code -----BEGIN
     * CERTIFICATE-----} blocks), the key as unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----};
     * RSA, EC or Ed25519).
     *
     * @throws IOException if a file cannot be read
     * @throws GeneralSecurityException if a file holds no certificate or no usable key, the key
     *     does not belong to the first certificate, or that certificate is not valid now; the
     *     message says which
     */
    public static Tls fromPem(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates(certificateChain);
        PrivateKey key = PemFiles.privateKey(privateKey);
        PemFiles.checkPair(chain.get(0), key, certificateChain, privateKey);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = new char[0];
        store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
        return fromKeyStore(store, password);
    }

    /**
     * TLS with the key and certificate chain of a PKCS#12 keystore (the first key entry).
     *
     * @throws IOException if the file cannot be read or the password is wrong
     * @throws GeneralSecurityException if it holds no key entry, or its certificate is not valid now
     */
    public static Tls fromPkcs12(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        boolean hasKey = false;
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                Certificate certificate = store.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    PemFiles.checkValidity(x509, keystore);
                }
                hasKey = true;
                break;
            }
        }
        if (!hasKey) {
            throw new GeneralSecurityException(keystore + " holds no private key entry");
        }
        return fromKeyStore(store, password);
    }

    private static Tls fromKeyStore(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return of(context);
    }

    /** The same with these protocol versions enabled (e.g. {@code "TLSv1.3"} alone), in no particular order. */
    public Tls protocols(String... enabled) {
        if (enabled.length == 0) {
            throw new IllegalArgumentException("at least one protocol version");
        }
        return new Tls(context, List.copyOf(Arrays.asList(enabled)), cipherSuites);
    }

    /** The same with only these cipher suites enabled; none given: the provider's defaults. */
    public Tls cipherSuites(String... enabled) {
        return new Tls(context, protocols, List.copyOf(Arrays.asList(enabled)));
    }

    /** The context engines are made from. */
    public SSLContext context() {
        return context;
    }

    /** The enabled protocol versions. */
    public List<String> protocols() {
        return protocols;
    }

    /** The enabled cipher suites; empty: the provider's defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    @Override
    public String toString() {
        return "Tls[" + context.getProvider().getName() + " " + context.getProtocol() + ", " + protocols
                + (cipherSuites.isEmpty() ? "" : ", " + cipherSuites.size() + " cipher suites") + "]";
    }
}
