package dev.chaosgate.example.chat;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The chat app started for one test on a free port, its API pointed at {@code apiBaseUrl} (a chaosgate gateway).
 * Each test gets a gateway of its own, on its own port, so each starts the app with that gateway's URL: the app is
 * configured as in production, by its {@code chat.api.base-url} property, with no test hook inside it.
 */
final class RunningChatApp implements AutoCloseable {
    private final ConfigurableApplicationContext context;

    private RunningChatApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    // tag::start-app[]
    /** Starts the app; {@code properties} are extra {@code name=value} settings, e.g. {@code chat.bug=raw-error-body}. */
    static RunningChatApp start(String apiBaseUrl, String... properties) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--chat.api.base-url=" + apiBaseUrl,
                "--chat.api.key=sk-test",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"));
        for (String property : properties) {
            args.add("--" + property);
        }
        // Command-line arguments, as `java -jar chat-app.jar --chat.api.base-url=...` would pass them: they win over
        // application.properties (SpringApplicationBuilder.properties() would lose to it).
        return new RunningChatApp(new SpringApplicationBuilder(ChatApplication.class).run(args.toArray(String[]::new)));
    }
    // end::start-app[]

    /** The app's root URL, e.g. {@code http://127.0.0.1:41234}: the page is at {@code /}. */
    String url() {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    @Override
    public void close() {
        context.close();
    }
}
