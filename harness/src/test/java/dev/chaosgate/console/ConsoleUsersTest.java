package dev.chaosgate.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several users of one app at once through a real serve session: each user's own JDK HTTP client (its own
 * connections) marks its requests with the {@code X-Chaosgate-User} header or the body's {@code user}, and the admin
 * API's log and verdict name whose each request and prompt is, by the crowd verdict's rule.
 */
class ConsoleUsersTest {
    private static final String PROMPT = "Where is my order?";
    @RegisterExtension
    final RunningConsoles consoles = new RunningConsoles();

    @Test
    void identicalPromptsOfThreeUsersAreThreeActionsAndTheLogAndTheVerdictNameTheirUsers() {
        // Two 502s, then answers: alice's and bob's first attempts meet them, their retries are answered.
        RunningConsole c = consoles.start("bad-gateway-burst");
        AppUser alice = new AppUser(c.session.baseUrl(), "alice", AppUser.Marking.HEADER);
        AppUser bob = new AppUser(c.session.baseUrl(), "bob", AppUser.Marking.HEADER);
        AppUser carol = new AppUser(c.session.baseUrl(), "carol", AppUser.Marking.BODY_USER);

        assertThat(alice.chat(PROMPT)).isEqualTo(502);
        assertThat(bob.chat(PROMPT)).isEqualTo(502);
        assertThat(alice.chat(PROMPT)).isEqualTo(200);
        assertThat(bob.chat(PROMPT)).isEqualTo(200);
        assertThat(carol.chat(PROMPT)).isEqualTo(200);

        JsonNode log = ConsoleApiTest.awaitLog(c, 0, 5);
        assertThat(field(log.get("entries"), "user")).as(log.toPrettyString())
                .containsExactly("alice", "bob", "alice", "bob", "carol");
        JsonNode verdict = verdictWhere(c, v -> v.get("users").size() == 3 && v.get("prompts").size() == 3);
        assertThat(field(verdict.get("users"), "user")).as("one verdict per user, in the order they came\n" + verdict.toPrettyString())
                .containsExactly("alice", "bob", "carol");
        for (JsonNode user : verdict.get("users")) {
            String who = user.get("user").asText();
            JsonNode prompts = user.get("prompts");
            assertThat(prompts).as("%s's prompts\n%s", who, verdict.toPrettyString()).hasSize(1);
            JsonNode only = prompts.get(0);
            assertThat(only.get("user").asText()).isEqualTo(who);
            assertThat(only.get("prompt").asText()).isEqualTo(PROMPT);
            assertThat(field(only.get("timeline"), "status")).as("%s's attempts: the same prompt as the others', never"
                    + " merged with theirs\n%s", who, verdict.toPrettyString())
                    .containsExactlyElementsOf(who.equals("carol") ? List.of("200") : List.of("502", "200"));
        }
        assertThat(verdict.get("users").get(2).get("prompts").get(0).get("note").asText())
                .as("carol met no fault: the faults went to the others' earlier prompts").contains("met no fault");
        assertThat(field(verdict.get("prompts"), "user")).as("every prompt, newest first, with its user")
                .containsExactly("carol", "bob", "alice");
        assertThat(verdict.get("unattributed").asInt()).isZero();
    }

    @Test
    void withOneUserTheVerdictHasNoLanesAndItsPromptsAreJudgedTogetherAsBefore() {
        RunningConsole c = consoles.start("bad-gateway-single");
        AppUser alice = new AppUser(c.session.baseUrl(), "alice", AppUser.Marking.HEADER);

        assertThat(alice.chat(PROMPT)).isEqualTo(502);
        assertThat(alice.chat("Cancel it then")).isEqualTo(200);

        assertThat(field(ConsoleApiTest.awaitLog(c, 0, 2).get("entries"), "user")).containsExactly("alice", "alice");
        JsonNode verdict = verdictWhere(c, v -> v.get("prompts").size() == 2);
        assertThat(verdict.get("users")).as("no lanes for one user\n" + verdict.toPrettyString()).isEmpty();
        assertThat(verdict.get("unattributed").asInt()).isZero();
        assertThat(verdict.get("user").isNull()).as("a prompt names its user only when there are several").isTrue();
        assertThat(field(verdict.get("prompts"), "prompt")).containsExactly("Cancel it then", PROMPT);
    }

    @Test
    void anUnmarkedRequestIsItsConnectionsUsersElseNobodysAndCountedAsSuch() {
        RunningConsole c = consoles.start("bad-gateway-single");
        c.api("pause", "");
        AppUser alice = new AppUser(c.session.baseUrl(), "alice", AppUser.Marking.HEADER);
        AppUser bob = new AppUser(c.session.baseUrl(), "bob", AppUser.Marking.BODY_USER);
        AppUser stranger = new AppUser(c.session.baseUrl(), "stranger", AppUser.Marking.NONE);

        assertThat(alice.chat("Track my parcel")).isEqualTo(200);
        assertThat(bob.chat("Track my parcel")).isEqualTo(200);
        // Alice's client again, unmarked: the connection it keeps alive carried only alice's requests.
        assertThat(alice.unmarked().chat("And the other one?")).isEqualTo(200);
        // A client of its own, unmarked, on a new connection: nothing tells whose.
        assertThat(stranger.chat("Track my parcel")).isEqualTo(200);

        JsonNode entries = ConsoleApiTest.awaitLog(c, 0, 4).get("entries");
        assertThat(field(entries, "user")).as(entries.toPrettyString()).containsExactly("alice", "bob", "alice", null);
        JsonNode verdict = verdictWhere(c, v -> v.get("users").size() == 2 && v.get("prompts").size() == 3);
        assertThat(verdict.get("unattributed").asInt()).as("the stranger's request, judged for nobody\n" + verdict.toPrettyString())
                .isEqualTo(1);
        assertThat(field(verdict.get("users").get(0).get("prompts"), "prompt")).containsExactly("And the other one?", "Track my parcel");
        assertThat(field(verdict.get("users").get(1).get("prompts"), "prompt")).containsExactly("Track my parcel");
    }

    @Test
    void whatTheAppShowedGoesToThePromptOfTheUserItNames() {
        // Every request is refused for good (403): nothing to retry, so what the app showed decides.
        RunningConsole c = consoles.start("access-denied-1020");
        AppUser alice = new AppUser(c.session.baseUrl(), "alice", AppUser.Marking.HEADER);
        AppUser bob = new AppUser(c.session.baseUrl(), "bob", AppUser.Marking.HEADER);
        assertThat(bob.chat(PROMPT)).isEqualTo(403);
        assertThat(alice.chat(PROMPT)).isEqualTo(403);
        verdictWhere(c, v -> v.get("users").size() == 2);

        // Without "user" the report would go to the newest prompt of the same text: alice's.
        JsonNode verdict = c.api("verdict", "{\"user\": \"bob\", \"prompt\": \"" + PROMPT + "\","
                + " \"shown\": [\"Something went wrong, please try again\"]}");

        assertThat(field(verdict.get("users"), "user")).as("in the order they came").containsExactly("bob", "alice");
        JsonNode bobVerdict = verdict.get("users").get(0);
        JsonNode aliceVerdict = verdict.get("users").get(1);
        assertThat(bobVerdict.get("uiReported").asBoolean()).as(verdict.toPrettyString()).isTrue();
        assertThat(field(bobVerdict.get("findings"), "code")).contains("PROMPT_LOST");
        assertThat(aliceVerdict.get("uiReported").asBoolean()).as("alice's identical prompt is not bob's").isFalse();
        assertThat(aliceVerdict.get("verdict").asText()).isEqualTo("PASS");
        assertThat(c.api("verdict").get("users").get(0).get("uiReported").asBoolean()).as("the report stays with bob's prompt").isTrue();
    }

    private static JsonNode verdictWhere(RunningConsole c, Predicate<JsonNode> ready) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> c.api("verdict"), ready);
    }

    /** The field of each element, as text (null for JSON null). */
    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.get(name) == null || node.get(name).isNull() ? null : node.get(name).asText()));
        return values;
    }
}
