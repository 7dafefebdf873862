package dev.chaosgate.example.chat;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The app's settings ({@code chat.*} in {@code application.properties}, the environment or {@code --chat.x=...}).
 *
 * @param api the OpenAI-compatible API the answers come from
 * @param bug a bug planted on purpose, to show that the chaosgate tests catch it ({@link PlantedBug#NONE} in real use)
 */
@ConfigurationProperties("chat")
public record ChatSettings(Api api, @DefaultValue("none") PlantedBug bug) {

    /**
     * @param baseUrl the API's base URL, ending in {@code /v1}
     * @param key     the API key
     * @param model   the model asked for
     */
    public record Api(@DefaultValue("https://api.openai.com/v1") String baseUrl,
                      @DefaultValue("sk-not-set") String key,
                      @DefaultValue("gpt-4o-mini") String model) {
    }
}
