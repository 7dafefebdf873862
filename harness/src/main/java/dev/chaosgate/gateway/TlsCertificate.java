package dev.chaosgate.gateway;

import dev.chaosgate.link.tls.CertificateAuthority;
import dev.chaosgate.link.tls.ServerIdentity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The certificate an HTTPS gateway presents: its own, or one of the bad ones a TLS-inspecting
 * middlebox or a misconfigured gateway presents. A client must refuse every one but {@link #GATEWAY};
 * one that sends a request over them has turned certificate verification off.
 */
public enum TlsCertificate {
    /** Issued by the run's certificate authority for the loopback names: what clients are told to trust. */
    GATEWAY(CertificateAuthority.GATEWAY_LABEL),
    /** Issued for the right names by another authority the client was never told about, as a TLS-inspecting proxy does. */
    UNTRUSTED_ISSUER("untrusted-issuer"),
    /** Issued by the trusted authority, but for another host name. */
    WRONG_HOST("wrong-host"),
    /** Issued by the trusted authority for the right names, but expired yesterday. */
    EXPIRED("expired");

    /** The host name a {@link #WRONG_HOST} certificate names (RFC 2606 reserves {@code .invalid}). */
    public static final String WRONG_HOST_NAME = "gateway.example.invalid";

    private final String label;

    TlsCertificate(String label) {
        this.label = label;
    }

    /** As the journal and scenario files write it, e.g. {@code untrusted-issuer}. */
    public String label() {
        return label;
    }

    /** This certificate, made for a gateway whose clients trust {@code trusted}. */
    ServerIdentity issue(CertificateAuthority trusted) {
        Instant now = Instant.now();
        return switch (this) {
            case GATEWAY -> trusted.serverFor(label);
            case UNTRUSTED_ISSUER -> CertificateAuthority.generate("Corporate TLS Inspection CA").serverFor(label);
            case WRONG_HOST -> trusted.issue(label, List.of(WRONG_HOST_NAME), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
            case EXPIRED -> trusted.issue(label, CertificateAuthority.LOOPBACK_NAMES, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        };
    }
}
