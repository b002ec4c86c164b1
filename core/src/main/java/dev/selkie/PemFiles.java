package dev.selkie;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reading the PEM files {@link Tls#fromPem} takes, with messages that say what is wrong. */
final class PemFiles {
    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private PemFiles() {
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
                chain.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw new CertificateException(file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new CertificateException(file + " holds no certificate (-----BEGIN CERTIFICATE----- blocks)");
        }
        checkValidity(chain.get(0), file);
        return chain;
    }

    static void checkValidity(X509Certificate certificate, Path file) throws CertificateException {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new CertificateExpiredException("the certificate in " + file + " (" + certificate.getSubjectX500Principal()
                    + ") expired on " + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CertificateNotYetValidException("the certificate in " + file + " ("
                    + certificate.getSubjectX500Principal() + ") is valid only from " + certificate.getNotBefore().toInstant());
        }
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN_KEY);
        int end = text.indexOf(END_KEY);
        if (begin < 0 || end < begin) {
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? " (it is PKCS#1/SEC1: convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`)"
                    : text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? " (it is encrypted: decrypt it with `openssl pkcs8`)" : "";
            throw new InvalidKeySpecException(file + " holds no unencrypted PKCS#8 key (" + BEGIN_KEY + ")" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeySpecException(file + ": the key is not valid base64", e);
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // the next algorithm
            }
        }
        throw new InvalidKeySpecException(file + " holds a PKCS#8 key of none of RSA, EC, Ed25519");
    }

    /** Signs a few bytes with the key and checks them with the certificate's public key. */
    static void checkPair(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile)
            throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519
        };
        byte[] probe = "selkie key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (java.security.InvalidKeyException e) {
            matches = false; // e.g. an EC key against an RSA certificate
        }
        if (!matches) {
            throw new GeneralSecurityException("the private key in " + keyFile + " does not belong to the certificate in "
                    + certificateFile + " (" + certificate.getSubjectX500Principal() + ")");
        }
    }
}
