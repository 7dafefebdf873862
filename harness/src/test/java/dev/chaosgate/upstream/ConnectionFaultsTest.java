package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** WireMock's connection faults, as HttpClient and the openai-java SDK meet them. */
@Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionFaultsTest {
    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(9).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterAll
    void stop() {
        clients.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.serveNormally();
        upstream.clearExchanges();
    }

    @Test
    void connectionReset() {
        upstream.serve(Faults.connectionReset());

        assertThat(catchThrowable(() -> clients.chat("hi"))).isInstanceOf(IOException.class);
        Throwable sdk = catchThrowable(() -> clients.sdk(0).chat().completions().create(chatParams("hi")));
        assertThat(sdk).isInstanceOf(OpenAIIoException.class).hasMessage("Request failed")
                .cause().isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        assertBrokenExchanges(2, "connection reset");
    }

    @Test
    void emptyResponse() {
        upstream.serve(Faults.emptyResponse());

        assertThat(catchThrowable(() -> clients.chat("hi"))).isInstanceOf(IOException.class);
        Throwable sdk = catchThrowable(() -> clients.sdk(0).chat().completions().create(chatParams("hi")));
        assertThat(sdk).isInstanceOf(OpenAIIoException.class)
                .cause().isInstanceOf(IOException.class).hasMessageContaining("unexpected end of stream");
        assertBrokenExchanges(2, "connection empty_response");
    }

    @Test
    void malformedChunkIsInvalidDataToTheSdk() {
        upstream.serve(Faults.malformedChunk());

        assertThat(catchThrowable(() -> clients.chat("hi"))).isInstanceOf(IOException.class);
        Throwable sdk = catchThrowable(() -> clients.sdk(0).chat().completions().create(chatParams("hi")));
        // Not an OpenAIIoException: the 200 status line and headers arrived, the body could not be read.
        assertThat(sdk).isInstanceOf(OpenAIInvalidDataException.class).hasMessage("Error reading response")
                .cause().isInstanceOf(ProtocolException.class);
        assertBrokenExchanges(2, "connection malformed_chunk");
    }

    @Test
    void randomDataThenClose() {
        upstream.serve(Faults.randomDataThenClose());

        assertThat(catchThrowable(() -> clients.chat("hi"))).isInstanceOf(IOException.class);
        Throwable sdk = catchThrowable(() -> clients.sdk(0).chat().completions().create(chatParams("hi")));
        assertThat(sdk).isInstanceOf(OpenAIIoException.class).cause().isInstanceOf(IOException.class);
        assertBrokenExchanges(2, "connection random_data");
    }

    @Test
    void theSdkRetriesBrokenConnectionsButNotAnUnreadableBody() {
        for (UpstreamFault fault : List.of(Faults.connectionReset(), Faults.emptyResponse(), Faults.randomDataThenClose())) {
            upstream.serve(fault);
            upstream.clearExchanges();
            Throwable thrown = catchThrowable(() -> clients.sdk(2).chat().completions().create(chatParams("hi")));
            assertThat(thrown).as(fault.label()).isInstanceOf(OpenAIIoException.class);
            assertThat(upstream.exchanges()).as(fault.label()).hasSize(3);
        }
        upstream.serve(Faults.malformedChunk());
        upstream.clearExchanges();
        Throwable thrown = catchThrowable(() -> clients.sdk(2).chat().completions().create(chatParams("hi")));
        assertThat(thrown).isInstanceOf(OpenAIInvalidDataException.class);
        assertThat(upstream.exchanges()).as("OpenAIInvalidDataException is not retryable").hasSize(1);
    }

    @Test
    void connectionFaultsAlsoHitStreamedRequests() {
        upstream.serve(Faults.connectionReset());

        UpstreamClients.Streamed<?> streamed = UpstreamClients.streamChat(clients.sdk(0), "hi");
        assertThat(streamed.items()).isEmpty();
        assertThat(streamed.error()).isInstanceOf(OpenAIIoException.class);
    }

    private void assertBrokenExchanges(int count, String label) {
        assertThat(upstream.exchanges()).hasSize(count).allSatisfy(exchange -> {
            assertThat(exchange.fault()).isEqualTo(label);
            assertThat(exchange.status()).isZero();
        });
    }
}
