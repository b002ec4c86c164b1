package dev.selkie.demo.tls;

import dev.selkie.Tls;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A fresh self-signed certificate for trying {@code wss://} on one machine: EC P-256, for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid from an hour ago for 30 days, made with
 * BouncyCastle and never written to disk. Browsers warn about it (nobody vouches for it); its SHA-256
 * fingerprint lets a user check what they accept.
 */
public final class SelfSignedCertificate {
    private final KeyPair keys;
    private final X509Certificate certificate;

    private SelfSignedCertificate(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new key pair and certificate. */
    public static SelfSignedCertificate generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost, O=Selkie demo (self-signed)");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
            }));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new SelfSignedCertificate(keys, certificate);
        } catch (java.io.IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make a self-signed certificate", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate's SHA-256 fingerprint, as browsers show it (AA:BB:...). */
    public String fingerprint() throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** Writes the certificate and its unencrypted PKCS#8 key as PEM files (for --tls-cert and --tls-key). */
    public void writePem(java.nio.file.Path certificateFile, java.nio.file.Path keyFile)
            throws java.io.IOException, GeneralSecurityException {
        java.util.Base64.Encoder base64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'});
        java.nio.file.Files.writeString(certificateFile, "-----BEGIN CERTIFICATE-----\n"
                + base64.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        java.nio.file.Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + base64.encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    }

    /** The base64 SHA-256 of the certificate's public key (what Chromium's --ignore-certificate-errors-spki-list takes). */
    public String publicKeyPin() throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded());
        return java.util.Base64.getEncoder().encodeToString(digest);
    }

    /** TLS with this certificate. */
    public Tls tls() throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("self-signed", keys.getPrivate(), password, new Certificate[] {certificate});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return Tls.of(context);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
