package dev.chaosgate.example.chat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** The one {@link OpenAIClient} of the app, pointed at {@code chat.api.base-url}. */
@Configuration(proxyBeanMethods = false)
class OpenAiClientConfiguration {

    /**
     * The SDK does the retrying: 2 retries (3 attempts, as OpenAI's SDKs default to), exponential backoff with jitter,
     * {@code Retry-After} honoured, connection failures and 408/409/429/5xx retried, and never a retry once a stream
     * has started. The app adds one thing ({@link HopelessRateLimitInterceptor}); a second retry loop around the SDK
     * would multiply the requests of an outage.
     *
     * <p>Timeouts: 3 s to connect; 15 s of silence before a read gives up, above the 10 s a slow first byte can take
     * and below what a user waits for; 3 minutes for a whole streamed answer.
     */
    @Bean(destroyMethod = "close")
    OpenAIClient openAiClient(ChatSettings settings) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(settings.api().baseUrl())
                .apiKey(settings.api().key())
                .maxRetries(2)
                .timeout(Timeout.builder()
                        .connect(Duration.ofSeconds(3))
                        .read(Duration.ofSeconds(15))
                        .request(Duration.ofMinutes(3))
                        .build())
                .addInterceptor(new HopelessRateLimitInterceptor())
                .build();
    }
}
