package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.upstream.Provider;

import dev.chaosgate.cli.bundled.WellBehavedClient.Timeouts;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;

/** The well-behaved reference client, in process: what {@code chaosgate run} judges without {@code --client}. */
final class BundledClient implements ClientUnderTest {
    private final WellBehavedClient client;
    private final Provider provider;

    BundledClient() {
        this(Provider.OPENAI);
    }

    /** The reference client speaking {@code provider}'s wire. */
    BundledClient(Provider provider) {
        this.provider = provider;
        this.client = new WellBehavedClient(WellBehavedClient.Timeouts.defaults(), provider);
    }

    @Override
    public String description() {
        return "bundled well-behaved reference client" + (provider == Provider.OPENAI ? "" : " (" + provider.id() + " wire)");
    }

    @Override
    public ClientRun act(String baseUrl, Path caCertificate, Scenario scenario, String prompt, boolean streamed, String user) {
        long start = System.nanoTime();
        // Over HTTPS the client trusts the gateway's authority, as an app is configured to; nothing else.
        WellBehavedClient asking = caCertificate == null ? client : new WellBehavedClient(Timeouts.defaults(), provider,
                trusting(caCertificate));
        ClientReport report = asking.ask(baseUrl, prompt, streamed, user);
        return new ClientRun(report, List.of(), "", Duration.ofNanos(System.nanoTime() - start), List.of());
    }

    /** A TLS context trusting the certificates of a PEM file. */
    static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the gateway's certificate authority " + pem + ": " + e.getMessage(), e);
        }
    }
}
