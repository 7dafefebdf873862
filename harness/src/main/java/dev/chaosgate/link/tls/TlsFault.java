package dev.chaosgate.link.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What goes wrong when a client opens a TLS connection to an HTTPS gateway: a certificate a TLS-inspecting
 * middlebox or a misconfigured gateway presents, or a handshake that a middlebox breaks. A client must
 * refuse every certificate here, and must not take any of them for a passing outage: retrying does not
 * change a certificate. One that sends a request over a bad certificate has turned verification off.
 */
public enum TlsFault {
    /** Issued for the right names by another authority the client was never told about, as a TLS-inspecting proxy does. */
    UNTRUSTED_ISSUER("untrusted-issuer", "a certificate from an authority the client does not trust (a TLS-inspecting proxy)"),
    /** Issued by the trusted authority, but for another host name. */
    WRONG_HOST("wrong-host", "a certificate for another host name"),
    /** Issued by the trusted authority for the right names, but expired yesterday. */
    EXPIRED("expired", "a certificate that expired yesterday"),
    /** The connection is reset (TCP RST) when the client's ClientHello arrives: no certificate is ever sent. */
    HANDSHAKE_RESET("handshake-reset", "a reset when the client starts the TLS handshake"),
    /** The client's ClientHello is swallowed: the handshake never progresses, the connection stays open until the client leaves. */
    HANDSHAKE_STALL("handshake-stall", "a TLS handshake that never gets an answer");

    /** The host name a {@link #WRONG_HOST} certificate names (RFC 2606 reserves {@code .invalid}). */
    public static final String WRONG_HOST_NAME = "gateway.example.invalid";

    /** How far a handshake gets. */
    public enum Handshake {
        /** The server's certificate is sent; the client decides. */
        SENT,
        /** Reset at the ClientHello. */
        RESET,
        /** No answer to the ClientHello. */
        STALLED
    }

    private final String label;
    private final String description;

    TlsFault(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** As scenario files and the journal write it, e.g. {@code untrusted-issuer}. */
    public String label() {
        return label;
    }

    /** One line for people. */
    public String description() {
        return description;
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(TlsFault::label).toList();
    }

    public static Optional<TlsFault> ofLabel(String label) {
        return Arrays.stream(values()).filter(f -> f.label.equals(label)).findFirst();
    }

    /** Whether a certificate the client must refuse is presented (the handshake itself works). */
    public boolean badCertificate() {
        return handshake() == Handshake.SENT;
    }

    public Handshake handshake() {
        return switch (this) {
            case HANDSHAKE_RESET -> Handshake.RESET;
            case HANDSHAKE_STALL -> Handshake.STALLED;
            default -> Handshake.SENT;
        };
    }

    /** The certificate this fault presents to clients that trust {@code trusted} (for handshake faults, the gateway's own, never sent). */
    public ServerIdentity certificate(CertificateAuthority trusted) {
        Instant now = Instant.now();
        return switch (this) {
            case UNTRUSTED_ISSUER -> CertificateAuthority.generate("Corporate TLS Inspection CA").serverFor(label);
            case WRONG_HOST -> trusted.issue(label, List.of(WRONG_HOST_NAME), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
            case EXPIRED -> trusted.issue(label, CertificateAuthority.LOOPBACK_NAMES, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
            case HANDSHAKE_RESET, HANDSHAKE_STALL -> trusted.serverFor(label);
        };
    }
}
