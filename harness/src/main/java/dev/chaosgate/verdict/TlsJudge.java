package dev.chaosgate.verdict;

import dev.chaosgate.link.tls.CertificateAuthority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code TLS_VERIFICATION_DISABLED}: a request arrived over a TLS connection on which the gateway presented
 * a certificate the client was never told to trust (another issuer, another host's name, an expired one).
 * The link terminates TLS, so a request head it read there was sent after the client accepted that
 * certificate: the evidence is the connection, the certificate and the request, not a guess. A client that
 * refuses the certificate ends the handshake before any request, and this judge has nothing to say.
 */
final class TlsJudge implements Judge {
    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        Map<Long, LinkRequest> accepted = new LinkedHashMap<>();
        for (LinkRequest request : c.linkRequests()) {
            if (request.tls() != null && !request.tls().equals(CertificateAuthority.GATEWAY_LABEL) && !request.unreadable()) {
                accepted.putIfAbsent(request.connection(), request);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        List<String> evidence = new ArrayList<>();
        java.time.Instant first = c.attempts().isEmpty() ? null : c.attempts().get(0).exchange().arrived();
        for (LinkRequest request : accepted.values()) {
            String when = first == null ? "" : " at +" + Duration.between(first, request.at()).toMillis() + " ms";
            evidence.add("connection " + request.connection() + ": certificate `" + request.tls() + "`, then " + request.method()
                    + " " + request.path() + when);
        }
        LinkRequest example = accepted.values().iterator().next();
        findings.add(Finding.of(FindingCode.TLS_VERIFICATION_DISABLED,
                "the client sent " + (accepted.size() == 1 ? "a request" : "requests on " + accepted.size() + " connections")
                        + " over a certificate it should have refused (`" + example.tls() + "`): certificate verification is off,"
                        + " so whoever presents such a certificate reads the prompts and the API key; a good client stops at the"
                        + " handshake and tells the user to ask their network team (IT) about TLS inspection",
                evidence.toArray(String[]::new)));
    }
}
