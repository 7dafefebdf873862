package dev.chaosgate.example.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** A small chat service: a page at {@code /} and {@code POST /api/chat}, answered by an OpenAI-compatible API. */
@SpringBootApplication
@EnableConfigurationProperties(ChatSettings.class)
public class ChatApplication {
    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }
}
