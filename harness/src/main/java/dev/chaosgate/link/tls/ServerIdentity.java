package dev.chaosgate.link.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a TLS listener presents: a private key and its certificate chain, leaf first, under a label
 * the journal shows ({@code gateway}, {@code untrusted-issuer}, {@code wrong-host}, {@code expired}).
 */
public record ServerIdentity(String label, PrivateKey key, List<X509Certificate> chain) {
    public ServerIdentity {
        Objects.requireNonNull(label, "label cannot be null");
        Objects.requireNonNull(key, "key cannot be null");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain holds at least the leaf");
        }
    }

    @Override
    public String toString() {
        // Never the key.
        return "ServerIdentity[" + label + ", " + chain.get(0).getSubjectX500Principal() + "]";
    }
}
