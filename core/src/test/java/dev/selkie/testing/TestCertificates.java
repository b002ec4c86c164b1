package dev.selkie.testing;

import dev.selkie.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the TLS tests, made with BouncyCastle: a test CA, server certificates it signs
 * for localhost, {@value #DNS_NAME}, 127.0.0.1 and ::1 (EC P-256, or RSA), written as PEM files when asked, an expired
 * one, and a client {@link SSLContext} that trusts the CA (and nothing else).
 */
public final class TestCertificates {
    /** A DNS name every server certificate also carries, with a dot so that JDK clients send it as SNI. */
    public static final String DNS_NAME = "chat.selkie.test";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestCertificates(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A new CA. */
    public static TestCertificates newCa() {
        try {
            KeyPair keys = ecKeys();
            X500Name name = new X500Name("CN=Selkie test CA");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate certificate = sign(builder, keys, "SHA256withECDSA");
            return new TestCertificates(keys, certificate);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server certificate and its key. */
    public record Server(X509Certificate certificate, X509Certificate ca, KeyPair keys) {
        /** TLS for a server from this certificate (through the PEM files, as users load theirs). */
        public Tls tls(Path dir) {
            try {
                Path[] files = writePem(dir);
                return Tls.fromPem(files[0], files[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the chain (this certificate, then the CA's) and the PKCS#8 key; returns {chain, key}. */
        public Path[] writePem(Path dir) throws IOException {
            Files.createDirectories(dir);
            long n = SERIAL.incrementAndGet();
            Path chain = dir.resolve("chain-" + n + ".pem");
            Path key = dir.resolve("key-" + n + ".pem");
            try {
                Files.writeString(chain, pem("CERTIFICATE", certificate.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException(e);
            }
            Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            return new Path[] {chain, key};
        }
    }

    /** A server certificate for localhost, 127.0.0.1 and ::1, valid from an hour ago for a day. */
    public Server server() {
        Instant now = Instant.now();
        return server("localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), false);
    }

    /** One that expired an hour ago. */
    public Server expiredServer() {
        Instant now = Instant.now();
        return server("localhost", now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)), false);
    }

    /** One with an RSA 2048 key and a given common name (also its DNS name). */
    public Server rsaServer(String commonName) {
        Instant now = Instant.now();
        return server(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true);
    }

    private Server server(String commonName, Instant from, Instant to, boolean rsa) {
        try {
            KeyPair keys = rsa ? rsaKeys() : ecKeys();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(from),
                    Date.from(to), new X500Name("CN=" + commonName), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, commonName),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, DNS_NAME),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
            }));
            return new Server(sign(builder, caKeys, "SHA256withECDSA"), ca, keys);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting this CA only. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA certificate as PEM (for clients outside the JVM). */
    public Path writeCaPem(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("ca-" + SERIAL.incrementAndGet() + ".pem");
        try {
            Files.writeString(file, pem("CERTIFICATE", ca.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        return file;
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer, String algorithm)
            throws GeneralSecurityException, IOException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
